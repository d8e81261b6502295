/**
 * Alerts on Slack and on the dashboard, through a whole Switchboard: an Alertmanager webhook posts
 * each alert to Slack with its code and ACK / Silence 1h buttons; a signed click acts as the
 * clicking person (a person outside the channel's `allow` gets the refusal, nothing is
 * acknowledged), edits the message, and the resolve replies in the alert's thread and edits the
 * first message. The dashboard lists the alerts, shows one with its timeline and deliveries, and
 * its ACK form acts as the signed-in user, same-origin only.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelId, startSlackFake, type SlackFake, type SlackPosted } from '../../../src/providers/slack/fake.ts';
import { signSlackRequest } from '../../../src/providers/slack/signature.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { waitFor } from '../executions/helpers.ts';

const SIGNING_SECRET = 'slack-signing-SECRET-alerts-0001';
const BOT_TOKEN = 'xoxb-SECRET-alerts-bot-0001';
const AM_TOKEN = 'am-bearer-SECRET-alerts-0001';
const API_KEY = 'alerts-slack-web-api-key-0000001';
const ALICE_PASSWORD = 'alice-alerts-horse-9911';
const BOB_PASSWORD = 'bob-alerts-staple-2288';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

const payload = (status: 'firing' | 'resolved', fingerprint: string, instance: string) => {
  const p = JSON.parse(readFileSync(new URL('../../fixtures/alerts/alertmanager-v4.json', import.meta.url), 'utf8')) as {
    status: string;
    alerts: Record<string, unknown>[];
  };
  const a: Record<string, unknown> = { ...p.alerts[0], status, fingerprint, labels: { alertname: 'HighLatency', instance, severity: 'critical' } };
  if (status === 'resolved') a.endsAt = new Date().toISOString();
  return JSON.stringify({ ...p, status, alerts: [a] });
};

const files = {
  'switchboard.yaml': `
server: { port: 0 }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [oncall], slack: ${ALICE}, password: "\${ALICE_PASSWORD}" }
  bob:   { roles: [viewer], slack: ${BOB}, password: "\${BOB_PASSWORD}" }
  ops:   { roles: [admin] }
roles:
  admin: { permissions: ["*"] }
  viewer: { permissions: [] }
api_keys:
  - { name: test, key: "\${API_KEY}", user: ops }
executions: { stalled_interval: 5, shutdown_grace: 2 }
logging: { level: warn }
`,
  'channels/slack.yaml': `
name: slack-ops
kind: slack
token: \${SLACK_BOT_TOKEN}
signing_secret: \${SLACK_SIGNING_SECRET}
api_url: \${SLACK_API_URL}
default_target: "#ops"
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
type Block = { type: string; block_id?: string; elements?: (Button & { text?: unknown })[] };
const buttonsOf = (m: { blocks?: unknown }) => ((m.blocks ?? []) as Block[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

let slack: SlackFake;
let t: TestSwitchboard;

beforeAll(async () => {
  slack = await startSlackFake({ token: BOT_TOKEN, channels: ['#ops'] });
  t = await startTestSwitchboard({
    files,
    env: {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      AM_TOKEN,
      API_KEY,
      ALICE_PASSWORD,
      BOB_PASSWORD,
    },
  });
});
afterAll(async () => {
  await t?.stop();
  await slack?.close();
});

const fire = async (status: 'firing' | 'resolved', fingerprint: string, instance: string) => {
  const res = await t.request('/ingress/alertmanager/am-prod', {
    method: 'POST',
    headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': 'application/json' },
    body: payload(status, fingerprint, instance),
  });
  expect(res.status).toBeLessThan(300);
};

interface AlertJson {
  id: string;
  code: string;
  fingerprint: string;
  status: string;
  acked_by?: string;
  events: { kind: string; user?: string; source?: string }[];
}
const alertsNow = async (): Promise<AlertJson[]> => {
  const res = await t.request('/api/v1/alerts?limit=200', { headers: { authorization: `Bearer ${API_KEY}` } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { alerts?: AlertJson[]; items?: AlertJson[] };
  return body.alerts ?? body.items ?? [];
};
const alertOf = async (fingerprint: string) => waitFor(async () => (await alertsNow()).find((a) => a.fingerprint === fingerprint), `alert ${fingerprint}`);

/** A signed block_actions click on `message` (as the fake recorded it) by Slack user `user`. */
function click(message: SlackPosted, button: Button, user: string, responseToken: string) {
  const body = new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      user: { id: user, username: 'someone', team_id: 'T0001' },
      api_app_id: 'A0001',
      container: { type: 'message', message_ts: message.ts, channel_id: channelId(message.channel), is_ephemeral: false },
      channel: { id: channelId(message.channel), name: 'ops' },
      message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
      response_url: slack.responseUrl(responseToken),
      actions: [{ type: 'button', block_id: 'x', action_id: button.action_id, value: button.value, action_ts: '1548426417.840180' }],
    }),
  }).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  return fetch(`${t.url}/ingress/slack/interactions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signSlackRequest(SIGNING_SECRET, ts, body),
    },
    body,
  });
}

describe('alerts on Slack', () => {
  it('posts the alert with its code and buttons; a refused click records nothing, an allowed one acknowledges and edits the message', async () => {
    await fire('firing', 'aaaa000000000001', 'web-1');
    const alert = await alertOf('aaaa000000000001');
    const posted = await waitFor(() => slack.messages.find((m) => buttonsOf(m).some((b) => b.value === `${alert.code}:${alert.id}`)), 'the alert message');
    expect(buttonsOf(posted).map((b) => b.action_id)).toEqual(['alert_ack', 'alert_silence_1h']);
    const ack = buttonsOf(posted).find((b) => b.action_id === 'alert_ack')!;

    // bob's role is not in am-prod's allow: the refusal, to him alone; nothing acknowledged
    expect((await click(posted, ack, BOB, 'bob')).status).toBe(200);
    const refusal = await waitFor(() => slack.responses.find((r) => r.token === 'bob'), 'the refusal');
    expect(refusal.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(refusal.body.text)).toContain('You may not acknowledge alerts of am-prod');
    expect((await alertOf('aaaa000000000001')).acked_by).toBeUndefined();
    expect(slack.updates.filter((u) => u.ts === posted.ts)).toEqual([]);

    expect((await click(posted, ack, ALICE, 'alice')).status).toBe(200);
    const answer = await waitFor(() => slack.responses.find((r) => r.token === 'alice'), 'the answer');
    expect(String(answer.body.text)).toContain(`Acknowledged HighLatency (${alert.code})`);
    const acked = await alertOf('aaaa000000000001');
    expect(acked.acked_by).toBe('alice');
    expect(acked.events).toContainEqual(expect.objectContaining({ kind: 'acked', user: 'alice', source: 'slack' }));
    const edit = await waitFor(() => slack.updates.find((u) => u.ts === posted.ts), 'the edited message');
    expect(JSON.stringify(edit.blocks)).toContain('Acknowledged by alice');
    expect(buttonsOf(edit)).toEqual([]);

    // the resolve edits the message again, keeping who acknowledged it
    await fire('resolved', 'aaaa000000000001', 'web-1');
    const resolved = await waitFor(() => slack.updates.filter((u) => u.ts === posted.ts)[1], 'the resolved edit');
    expect(JSON.stringify(resolved.blocks)).toContain('Acknowledged by alice');
    expect(JSON.stringify(resolved.blocks)).toContain('Resolved');

    // the button names this alert by id: a late click on the old message acts on nothing else
    expect((await click(posted, ack, ALICE, 'alice-late')).status).toBe(200);
    const late = await waitFor(() => slack.responses.find((r) => r.token === 'alice-late'), 'the late answer');
    expect(String(late.body.text)).toContain('already resolved');
  });

  it('follows up the resolve in the alert’s thread, shown in the channel, and edits the first message', async () => {
    await fire('firing', 'bbbb000000000002', 'web-2');
    const alert = await alertOf('bbbb000000000002');
    const first = await waitFor(() => slack.messages.find((m) => buttonsOf(m).some((b) => b.value === `${alert.code}:${alert.id}`)), 'the alert message');
    await fire('resolved', 'bbbb000000000002', 'web-2');
    const reply = await waitFor(() => slack.messages.find((m) => m.thread_ts === first.ts), 'the follow-up in the thread');
    expect(reply.reply_broadcast).toBe('true');
    expect(buttonsOf(reply)).toEqual([]);
    const edit = await waitFor(() => slack.updates.find((u) => u.ts === first.ts), 'the first message edited');
    expect(JSON.stringify(edit.blocks)).toContain('Resolved');
    expect(buttonsOf(edit)).toEqual([]);
  });
});

describe('alerts on the dashboard', () => {
  const login = async (user: string, password: string) => {
    const res = await t.request('/login', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.url },
      body: new URLSearchParams({ user, password }).toString(),
    });
    const cookie = /^(sb_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    expect(cookie).toBeDefined();
    return cookie!;
  };
  const get = (path: string, cookie: string) => t.request(path, { redirect: 'manual', headers: { cookie } });
  const post = (path: string, cookie: string, headers: Record<string, string> = { origin: t.url }) =>
    t.request(path, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: 'duration=1h',
    });

  it('lists alerts and shows one with its labels, timeline and deliveries, behind the login', async () => {
    await fire('firing', 'cccc000000000003', 'web-3');
    const alert = await alertOf('cccc000000000003');
    expect((await t.request('/alerts', { redirect: 'manual' })).headers.get('location')).toBe('/login?next=%2Falerts');

    const alice = await login('alice', ALICE_PASSWORD);
    const list = await get('/alerts?status=firing', alice);
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain('<a href="/alerts" aria-current="page">Alerts</a>');
    expect(html).toContain(`href="/alerts/${alert.id}"`);
    expect(html).toContain('HighLatency');

    // the deliveries are recorded once the worker sent them
    await waitFor(async () => (await (await get(`/alerts/${alert.id}`, alice)).text()).includes('data-status="sent"'), 'the delivery sent');
    const page = await (await get(`/alerts/${alert.id}`, alice)).text();
    expect(page).toContain('web-3');
    expect(page).toContain('data-event="fired"');
    expect(page).toContain(`action="/alerts/${alert.id}/ack"`);
    expect((await get('/alerts/al-nothere1', alice)).status).toBe(404);
  });

  it('acts as the signed-in user: refused for bob (not acknowledged), refused cross-site, done for alice', async () => {
    await fire('firing', 'dddd000000000004', 'web-4');
    const alert = await alertOf('dddd000000000004');
    const [alice, bob] = [await login('alice', ALICE_PASSWORD), await login('bob', BOB_PASSWORD)];

    const refused = await post(`/alerts/${alert.id}/ack`, bob);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('You may not acknowledge alerts of am-prod.');
    expect((await alertOf('dddd000000000004')).acked_by).toBeUndefined();

    expect((await post(`/alerts/${alert.id}/ack`, alice, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await alertOf('dddd000000000004')).acked_by).toBeUndefined();

    const done = await post(`/alerts/${alert.id}/ack`, alice);
    expect(done.status).toBe(200);
    const html = await done.text();
    expect(html).toContain(`Acknowledged HighLatency (${alert.code})`);
    expect(html).toMatch(/data-acked-by>alice/);
    expect(html).not.toContain(`action="/alerts/${alert.id}/ack"`);
    const acked = await alertOf('dddd000000000004');
    expect(acked.acked_by).toBe('alice');
    expect(acked.events).toContainEqual(expect.objectContaining({ kind: 'acked', user: 'alice', source: 'web' }));
  });

  it('answers a silence without an api_url with the reason, nothing silenced', async () => {
    await fire('firing', 'eeee000000000005', 'web-5');
    const alert = await alertOf('eeee000000000005');
    const res = await post(`/alerts/${alert.id}/silence`, await login('alice', ALICE_PASSWORD));
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('has no api_url');
  });
});
