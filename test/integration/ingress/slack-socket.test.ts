import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSocketModeFake, type SocketModeFake } from '../../fakes/slack-socket-mode.ts';
import { startSlackFake, type SlackFake } from '../../../src/providers/slack/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { API_KEY, BOT_TOKEN, corpusJson, listExecutions, shown, slackConfigFiles, slashForm, waitFor } from './slack-helpers.ts';

const APP_TOKEN = 'xapp-1-SECRET-app-0123456789';

const socketChannel = `
name: slack-ops
kind: slack
token: \${SLACK_BOT_TOKEN}
app_token: \${SLACK_APP_TOKEN}
api_url: \${SLACK_API_URL}
`;

/**
 * Slack over Socket Mode, offline: `apps.connections.open` (answered by a front server that hands
 * every other Web API call to the Slack fake) returns the URL of a `ws` server playing Slack's
 * side: it says hello, sends envelopes and records the acks.
 */
describe('Slack Socket Mode ingress', () => {
  let slack: SlackFake;
  let sm: SocketModeFake;
  let t: TestSwitchboard;
  const send = (envelope: Record<string, unknown>) => sm.send(envelope);
  const ackOf = (id: string) => waitFor(() => sm.acks.find((a) => a.envelope_id === id), `the ack of ${id}`);

  beforeAll(async () => {
    slack = await startSlackFake({ token: BOT_TOKEN });
    sm = await startSocketModeFake(slack, APP_TOKEN);
    t = await startTestSwitchboard({
      files: slackConfigFiles(socketChannel),
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: `${sm.url}/api/`, SB_API_KEY: API_KEY },
    });
    await waitFor(() => sm.sockets.length > 0, 'the socket mode connection');
  });
  afterAll(async () => {
    await t?.stop();
    await sm?.close();
    await slack?.close();
  });

  it('acks a slash command with its ephemeral reply, then posts the result to the channel', async () => {
    const payload = Object.fromEntries(new URLSearchParams(slashForm({ text: 'echo over the socket', trigger_id: 'socket-trigger-1' })));
    send({ envelope_id: 'env-1', type: 'slash_commands', payload, accepts_response_payload: true });
    const ack = await ackOf('env-1');
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^Queued \S+: echo$/) });
    const posted = await waitFor(() => slack.messages.find((m) => shown(m).includes('echoed: over the socket')), 'the result');
    expect(posted.channel).toBe('C2147483705');
  });

  it('runs an app_mention envelope once across a re-delivery, and answers in the thread', async () => {
    const body = corpusJson<{ event_id: string; event: Record<string, unknown> }>('slack-event-app_mention-docs.json');
    body.event_id = 'Ev0SOCKET1';
    body.event.text = '<@U0BOT> echo through socket mode';
    send({ envelope_id: 'env-2', type: 'events_api', payload: body, accepts_response_payload: false, retry_attempt: 0 });
    await ackOf('env-2');
    send({ envelope_id: 'env-3', type: 'events_api', payload: body, accepts_response_payload: false, retry_attempt: 1, retry_reason: 'timeout' });
    await ackOf('env-3');
    expect((await listExecutions(t)).filter((e) => e.origin.message_id === 'Ev0SOCKET1')).toHaveLength(1);
    const posted = await waitFor(() => slack.messages.find((m) => shown(m).includes('echoed: through socket mode')), 'the result');
    expect(posted).toMatchObject({ channel: 'C123ABC456', thread_ts: '1515449522.000016' });
  });

  it('acks a bot message and runs nothing', async () => {
    const before = (await listExecutions(t)).length;
    const body = corpusJson<{ event: Record<string, unknown> }>('slack-event-bot-message-botid-no-subtype.json');
    body.event.channel_type = 'im';
    body.event.text = 'echo loop';
    send({ envelope_id: 'env-4', type: 'events_api', payload: body });
    await ackOf('env-4');
    expect(await listExecutions(t)).toHaveLength(before);
  });

  it('connects although Slack failed the first apps.connections.open (HTTP 503)', async () => {
    sm.failOpens(1);
    const late = await startTestSwitchboard({
      files: slackConfigFiles(socketChannel),
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: `${sm.url}/api/`, SB_API_KEY: API_KEY },
    });
    try {
      await waitFor(() => late.logs.some((l) => l.includes('slack socket mode connected')), 'the retried connection');
      expect(sm.opensToFail).toBe(0);
    } finally {
      await late.stop();
    }
  });

  it('keeps the HTTP routes closed without a signing secret', async () => {
    const res = await t.request('/ingress/slack/events', { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});
