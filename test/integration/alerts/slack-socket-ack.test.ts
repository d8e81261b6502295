/**
 * An alert's ACK button over Slack Socket Mode (a channel with `app_token`, no public URL): the
 * click arrives as an `interactive` envelope, acts as the clicking person, is acked, answers them
 * through the payload's response_url and edits the alert message, as over HTTP.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelId, startSlackFake, type SlackFake } from '../../../src/providers/slack/fake.ts';
import { startSocketModeFake, type SocketModeFake } from '../../fakes/slack-socket-mode.ts';
import { waitFor } from '../executions/helpers.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';

const APP_TOKEN = 'xapp-1-SECRET-alerts-socket-01';
const BOT_TOKEN = 'xoxb-SECRET-alerts-socket-bot-01';
const AM_TOKEN = 'am-bearer-SECRET-socket-0001';
const ALICE = 'U0ALICE';

const files = {
  'switchboard.yaml': `
server: { port: 0 }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [oncall], slack: ${ALICE} }
roles:
  oncall: { permissions: [] }
logging: { level: warn }
`,
  'channels/slack.yaml': `
name: slack-ops
kind: slack
token: \${SLACK_BOT_TOKEN}
app_token: \${SLACK_APP_TOKEN}
api_url: \${SLACK_API_URL}
`,
  'channels/am-prod.yaml': `
name: am-prod
kind: alertmanager
token: \${AM_TOKEN}
notify: [pager]
allow: [oncall]
`,
  'rules/alerts.yaml': `
rules:
  - name: alerts to the ops channel
    channel: pager
    to: [{ channel: slack-ops, target: "#ops" }]
`,
};

type Button = { action_id: string; value: string };
const buttonsOf = (m: { blocks?: unknown }) =>
  ((m.blocks ?? []) as { type: string; elements?: Button[] }[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

describe('alert buttons over Slack Socket Mode', () => {
  let slack: SlackFake;
  let sm: SocketModeFake;
  let t: TestSwitchboard;
  /** what the gateway posted to the interaction's response_url */
  const responses: Record<string, unknown>[] = [];

  beforeAll(async () => {
    slack = await startSlackFake({ token: BOT_TOKEN, channels: ['#ops'] });
    // Slack's side on one host (the channel's api_url): the socket URL, the response_url, the Web API (the fake)
    sm = await startSocketModeFake(slack, APP_TOKEN, (req) => {
      if (!req.path.startsWith('/actions/')) return undefined;
      responses.push(JSON.parse(req.body) as Record<string, unknown>);
      return { status: 200, body: 'ok' };
    });
    t = await startTestSwitchboard({
      files,
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: `${sm.url}/api/`, AM_TOKEN },
    });
    await waitFor(() => sm.sockets.length > 0, 'the socket mode connection');
  });
  afterAll(async () => {
    await t?.stop();
    await sm?.close();
    await slack?.close();
  });

  it('acknowledges from an interactive envelope, acks it, answers the person and edits the message', async () => {
    const res = await t.request('/ingress/alertmanager/am-prod', {
      method: 'POST',
      headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': 'application/json' },
      body: readFileSync(new URL('../../fixtures/alerts/alertmanager-v4.json', import.meta.url), 'utf8'),
    });
    expect(res.status).toBeLessThan(300);
    const posted = await waitFor(() => slack.messages.find((m) => buttonsOf(m).length > 0), 'an alert message with buttons');
    const ack = buttonsOf(posted).find((b) => b.action_id === 'alert_ack')!;

    const payload = {
      type: 'block_actions',
      user: { id: ALICE, username: 'alice', team_id: 'T0001' },
      container: { type: 'message', message_ts: posted.ts, channel_id: channelId(posted.channel), is_ephemeral: false },
      channel: { id: channelId(posted.channel), name: 'ops' },
      message: { type: 'message', ts: posted.ts, text: posted.text, blocks: posted.blocks },
      response_url: `${sm.url}/actions/T0001/1/abc`,
      actions: [{ type: 'button', block_id: 'x', action_id: ack.action_id, value: ack.value, action_ts: '1548426417.840180' }],
    };
    sm.send({ envelope_id: 'env-ack-1', type: 'interactive', payload, accepts_response_payload: false });

    await waitFor(() => sm.acks.find((a) => a.envelope_id === 'env-ack-1'), 'the envelope acked');
    const answer = await waitFor(() => responses[0], 'the answer to alice');
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(answer.text)).toMatch(new RegExp(`^Acknowledged HighLatency \\(${ack.value?.split(':')[0]}\\)`));
    const edit = await waitFor(() => slack.updates.find((u) => u.ts === posted.ts), 'the edited message');
    expect(JSON.stringify(edit.blocks)).toContain('Acknowledged by alice');
  });
});
