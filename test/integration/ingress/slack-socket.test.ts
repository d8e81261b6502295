import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { startHttpFake, type FakeServer } from '../../fakes/http-fake.ts';
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

interface Ack {
  envelope_id: string;
  payload: Record<string, unknown>;
}

/**
 * Slack over Socket Mode, offline: `apps.connections.open` (answered by a front server that hands
 * every other Web API call to the Slack fake) returns the URL of a `ws` server playing Slack's
 * side: it says hello, sends envelopes and records the acks.
 */
describe('Slack Socket Mode ingress', () => {
  let slack: SlackFake;
  let front: FakeServer;
  let wss: WebSocketServer;
  let t: TestSwitchboard;
  const sockets: WebSocket[] = [];
  /** answer this many apps.connections.open calls with HTTP 503 */
  let failOpens = 0;
  const acks: Ack[] = [];
  const send = (envelope: Record<string, unknown>) => sockets.at(-1)!.send(JSON.stringify(envelope));
  const ackOf = (id: string) => waitFor(() => acks.find((a) => a.envelope_id === id), `the ack of ${id}`);

  beforeAll(async () => {
    slack = await startSlackFake({ token: BOT_TOKEN });
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (ws) => {
      sockets.push(ws);
      ws.on('message', (data) => acks.push(JSON.parse(String(data)) as Ack));
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A123ABC456' } }));
    });
    const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
    front = await startHttpFake(async (req) => {
      if (req.path === '/api/apps.connections.open') {
        if (failOpens > 0) {
          failOpens -= 1;
          return { status: 503, body: 'unavailable' };
        }
        return req.headers.authorization === `Bearer ${APP_TOKEN}`
          ? { status: 200, body: { ok: true, url: wsUrl } }
          : { status: 200, body: { ok: false, error: 'invalid_auth' } };
      }
      const res = await fetch(`${slack.url}${req.path}`, {
        method: req.method,
        headers: { authorization: String(req.headers.authorization ?? ''), 'content-type': String(req.headers['content-type'] ?? '') },
        body: req.body,
      });
      return { status: res.status, body: await res.json() };
    });
    t = await startTestSwitchboard({
      files: slackConfigFiles(socketChannel),
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: `${front.url}/api/`, SB_API_KEY: API_KEY },
    });
    await waitFor(() => sockets.length > 0, 'the socket mode connection');
  });
  afterAll(async () => {
    await t?.stop();
    for (const ws of wss?.clients ?? []) ws.terminate();
    await new Promise((resolve) => wss?.close(resolve));
    await front?.close();
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
    failOpens = 1;
    const late = await startTestSwitchboard({
      files: slackConfigFiles(socketChannel),
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: `${front.url}/api/`, SB_API_KEY: API_KEY },
    });
    try {
      await waitFor(() => late.logs.some((l) => l.includes('slack socket mode connected')), 'the retried connection');
      expect(failOpens).toBe(0);
    } finally {
      await late.stop();
    }
  });

  it('keeps the HTTP routes closed without a signing secret', async () => {
    const res = await t.request('/ingress/slack/events', { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});
