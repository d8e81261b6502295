/**
 * The fault suite's Switchboard: a whole gateway + workers (`startTestSwitchboard`) with every
 * ingress switched on (Twilio SMS, Slack commands and events, Mailgun, the JSON API), one alias
 * `fault {{n}}` -> `core.echo` whose `on_success` notifies two channel names routed to two webhook
 * channels on one local receiver. No ack and no result reply, so each execution is exactly two
 * deliveries, keyed by the `n` in their text and by their deterministic `X-Switchboard-Delivery` id.
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { signSlackRequest } from '../../src/providers/slack/signature.ts';
import { signMailgun } from '../../src/providers/email/webhook-auth.ts';
import { startHttpFake, type FakeServer } from '../fakes/http-fake.ts';
import { startSlackFake, type SlackFake } from '../../src/providers/slack/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../integration/harness.ts';

/** The fault tests' alias: `fault {{n}}` runs `core.echo`, no ack, no result reply. */
export const FAULT_ALIAS = `name: fault
pack: faults
action_ref: core.echo
formats: ["fault {{n}}"]
ack: { enabled: false }
result: { enabled: false }
`;

export const PUBLIC_URL = 'https://sb.faults.test';
export const SMS_URL = `${PUBLIC_URL}/ingress/twilio/sms`;
export const TWILIO_TOKEN = 'faults-twilio-token-0001';
export const OUR_NUMBER = '+15550002222';
export const ALICE_PHONE = '+15551230001';
export const ALICE_SLACK = 'U2147483697';
export const ALICE_EMAIL = 'alice@example.test';
export const SLACK_SECRET = 'faults-slack-signing-secret-0001';
export const SLACK_TOKEN = 'xoxb-faults-0001';
export const MAILGUN_KEY = 'key-faults-mailgun-0001';
export const API_KEY = 'faults-api-key-000000000001';
export const INBOX = 'ops@sb.faults.test';

function files(redisUrl: string, extraMain = ''): Record<string, string> {
  return {
    'switchboard.yaml': `${extraMain}
server: { port: 0, public_url: "${PUBLIC_URL}" }
redis: { url: "${redisUrl}", prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], phone: "${ALICE_PHONE}", slack: ${ALICE_SLACK}, email: "${ALICE_EMAIL}" }
api_keys:
  - { name: test, key: "${API_KEY}", user: alice }
limits: { per_sender_per_minute: 100000, per_key_per_minute: 100000 }
executions: { concurrency: 4, stalled_interval: 1, shutdown_grace: 1 }
logging: { level: info }
`,
    'channels/sms.yaml': `
name: sms
kind: sms
account_sid: AC${'f'.repeat(32)}
auth_token: ${TWILIO_TOKEN}
from: "${OUR_NUMBER}"
api_url: \${TWILIO_URL}
`,
    'channels/slack.yaml': `
name: slack-ops
kind: slack
token: ${SLACK_TOKEN}
signing_secret: ${SLACK_SECRET}
api_url: \${SLACK_API_URL}
`,
    'channels/mail.yaml': `
name: mail
kind: email
from: "Switchboard <${INBOX}>"
smtp: { host: 127.0.0.1, port: 9, ignore_tls: true }
webhook: mailgun
signing_key: "${MAILGUN_KEY}"
`,
    'channels/hook-a.yaml': 'name: hook-a\nkind: webhook\nurl: ${HOOK_URL}/a\n',
    'channels/hook-b.yaml': 'name: hook-b\nkind: webhook\nurl: ${HOOK_URL}/b\n',
    'rules/faults.yaml': `
rules:
  - { name: a, channel: [a], to: [{ channel: hook-a }] }
  - { name: b, channel: [b], to: [{ channel: hook-b }] }
`,
    'aliases/fault.yaml': `${FAULT_ALIAS}notify: { on_success: { message: "fault {{ params.n }} done", channels: [a, b] } }\n`,
  };
}

export interface FaultWorld {
  t: TestSwitchboard;
  hook: FakeServer;
  slack: SlackFake;
  /** a fresh command number for `fault N` */
  next(): number;
  /** requests answered 2xx per `n` of `fault n done` */
  deliveredPerCommand(): Map<number, number>;
  /** requests answered 2xx per X-Switchboard-Delivery id */
  deliveredPerId(): Map<string, number>;
  stop(): Promise<void>;
}

/**
 * `main`: more top-level lines of switchboard.yaml (`spool: {...}`); `env`: more variables (a shared
 * `SB_TEST_PREFIX` makes two worlds one deployment); `files`: more files of the config folder.
 */
export async function startFaultWorld(
  opts: { redisUrl?: string; twilioUrl?: string; main?: string; env?: Record<string, string>; files?: Record<string, string> } = {},
): Promise<FaultWorld> {
  const hook = await startHttpFake(() => ({ status: 200, body: { ok: true } }));
  const slack = await startSlackFake({ token: SLACK_TOKEN });
  const t = await startTestSwitchboard({
    files: { ...files(opts.redisUrl ?? 'redis://127.0.0.1:6379', opts.main), ...opts.files },
    env: { HOOK_URL: hook.url, SLACK_API_URL: slack.apiUrl, TWILIO_URL: opts.twilioUrl ?? 'http://127.0.0.1:9/', ...opts.env },
  });
  let n = 0;
  const answered = () => hook.requests.filter((r) => r.answeredWith !== undefined && r.answeredWith < 300);
  return {
    t,
    hook,
    slack,
    next: () => ++n,
    deliveredPerCommand() {
      const m = new Map<number, number>();
      for (const r of answered()) {
        const k = Number(/^fault (\d+) done/.exec(String(r.parsed?.text ?? ''))?.[1]);
        m.set(k, (m.get(k) ?? 0) + 1);
      }
      return m;
    },
    deliveredPerId() {
      const m = new Map<string, number>();
      for (const r of answered()) {
        const id = String(r.headers['x-switchboard-delivery']);
        m.set(id, (m.get(id) ?? 0) + 1);
      }
      return m;
    },
    async stop() {
      await t.stop();
      await hook.close();
      await slack.close();
    },
  };
}

// ---------------------------------------------------------------- requests, signed or not

export const newSid = () => `SM${randomBytes(16).toString('hex')}`;

export function smsForm(body: string, sid = newSid(), from = ALICE_PHONE): Record<string, string> {
  return { MessageSid: sid, SmsMessageSid: sid, AccountSid: `AC${'f'.repeat(32)}`, From: from, To: OUR_NUMBER, Body: body, NumMedia: '0' };
}

/** POST the Twilio webhook; `signature` overrides the valid one ('' = none). */
export function postSms(t: TestSwitchboard, form: Record<string, string>, signature?: string): Promise<Response> {
  const sig = signature ?? twilio.getExpectedTwilioSignature(TWILIO_TOKEN, SMS_URL, form);
  return t.request('/ingress/twilio/sms', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sig !== '' && { 'x-twilio-signature': sig }) },
    body: new URLSearchParams(form).toString(),
  });
}

/** POST to a Slack endpoint signed with v0 at `ts` (default now) by `secret`. */
export function postSlack(
  t: TestSwitchboard,
  path: string,
  body: string,
  type: 'form' | 'json',
  o: { ts?: number; secret?: string; signature?: string } = {},
): Promise<Response> {
  const ts = String(o.ts ?? Math.floor(Date.now() / 1000));
  return t.request(path, {
    method: 'POST',
    headers: {
      'content-type': type === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': o.signature ?? signSlackRequest(o.secret ?? SLACK_SECRET, ts, body),
    },
    body,
  });
}

export function slashBody(text: string, triggerId = `t.${randomBytes(6).toString('hex')}`): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T0001',
    team_domain: 'faults',
    channel_id: 'C0001',
    channel_name: 'ops',
    user_id: ALICE_SLACK,
    user_name: 'alice',
    command: '/sb',
    text,
    response_url: 'http://127.0.0.1:9/response',
    trigger_id: triggerId,
  }).toString();
}

export function eventBody(text: string, eventId: string): string {
  return JSON.stringify({
    token: 'legacy',
    team_id: 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_mention', user: ALICE_SLACK, text: `<@U0BOT> ${text}`, ts: '1515449522.000016', channel: 'C0001', event_ts: '1515449522.000016' },
    authorizations: [{ enterprise_id: null, team_id: 'T0001', user_id: 'U0BOT', is_bot: true }],
  });
}

/** A Mailgun route `forward()` form, signed at `timestamp` with `token` (or with `signature`). */
export function mailgunForm(text: string, o: { timestamp?: string; token?: string; signature?: string; key?: string } = {}): string {
  const timestamp = o.timestamp ?? String(Math.floor(Date.now() / 1000));
  const token = o.token ?? randomBytes(25).toString('hex');
  return new URLSearchParams({
    recipient: INBOX,
    sender: ALICE_EMAIL,
    from: `Alice <${ALICE_EMAIL}>`,
    subject: text,
    'body-plain': text,
    'stripped-text': text,
    // Mailgun's own SPF verdict for the envelope sender: a genuine mail from alice's domain (verified)
    'X-Mailgun-Spf': 'Pass',
    'Message-Id': `<${token}@example.test>`,
    'message-headers': JSON.stringify([
      ['From', `Alice <${ALICE_EMAIL}>`],
      ['To', INBOX],
      ['Subject', text],
      ['Message-Id', `<${token}@example.test>`],
      ['X-Mailgun-Spf', 'Pass'],
    ]),
    timestamp,
    token,
    signature: o.signature ?? signMailgun(o.key ?? MAILGUN_KEY, timestamp, token),
  }).toString();
}

export function postMailgun(t: TestSwitchboard, body: string): Promise<Response> {
  return t.request('/ingress/email/mailgun', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

export function postApi(t: TestSwitchboard, text: string, key = API_KEY, headers: Record<string, string> = {}): Promise<Response> {
  return t.request('/api/v1/commands', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ text }),
  });
}

export interface ExecutionJson {
  id: string;
  status: string;
  alias?: string;
  params?: Record<string, unknown>;
  origin?: Record<string, unknown>;
  error?: string;
}

/** Every execution `GET /api/v1/executions` lists, page after page, from gateway `t` (bearer `apiKey`). */
export async function listExecutions(t: Pick<TestSwitchboard, 'request'>, apiKey = API_KEY): Promise<ExecutionJson[]> {
  const out: ExecutionJson[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await t.request(`/api/v1/executions?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const body = (await res.json()) as { items: ExecutionJson[]; next_cursor?: string | null; cursor?: string | null };
    out.push(...body.items);
    cursor = body.next_cursor ?? body.cursor ?? undefined;
    if (!cursor || body.items.length === 0) break;
  }
  return out;
}

/** Polls until `probe` returns a value (bounded; nothing about time is asserted). */
export async function eventually<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}
