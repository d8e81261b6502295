/**
 * A whole Switchboard (startTestSwitchboard) with an sms channel pointed at the fake Twilio REST API,
 * and a client that posts inbound-SMS webhooks signed by twilio-node's own helper.
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { startTwilioFake, type TwilioFake } from '../../../src/providers/sms/fake.ts';

export const ACCOUNT_SID = `AC${'7'.repeat(32)}`;
export const AUTH_TOKEN = 'twilio-test-auth-token-42';
export const PUBLIC_URL = 'https://sb.example.com';
export const WEBHOOK_URL = `${PUBLIC_URL}/ingress/twilio/sms`;
export const OUR_NUMBER = '+15550001111';
export const ALICE = '+15551230001';
export const BOB = '+15551230002';
export const API_KEY = 'sms-test-api-key-000000000001';

/** enough aliases for alice that her help takes several SMS pages */
const tasks = Object.fromEntries(
  Array.from({ length: 8 }, (_, i) => [
    `aliases/ops/task${i}.yaml`,
    `name: task${i}\npack: ops\naction_ref: core.noop\nformats: ["run maintenance task ${i} on {{host}}"]\nallow: [ops]\n`,
  ]),
);

const files = (perMinute: number, smsChannelExtra = ''): Record<string, string> => ({
  ...tasks,
  'switchboard.yaml': `
server: { port: 0, public_url: "${PUBLIC_URL}" }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], phone: "${ALICE}" }
  bob:   { roles: [viewer], phone: "+1 (555) 123-0002" }
roles:
  ops: { permissions: [executions.read_all, executions.cancel_all] }
  viewer: { permissions: [] }
api_keys:
  - { name: test, key: "${API_KEY}", user: alice }
limits: { per_sender_per_minute: ${perMinute} }
ingress: { unknown_sender_reply: "This number is not registered." }
executions: { stalled_interval: 5, shutdown_grace: 2 }
logging: { level: info }
`,
  'channels/sms.yaml': `
name: sms
kind: sms
account_sid: ${ACCOUNT_SID}
auth_token: ${AUTH_TOKEN}
from: "${OUR_NUMBER}"
api_url: \${TWILIO_URL}
${smsChannelExtra}`,
  'actions/ops.yaml': `
name: ops.restart
runner: shell
command: [echo, "restarted {{ service }}"]
parameters:
  service: { type: string, required: true, enum: [web, api] }
`,
  'actions/count.yaml': `
name: ops.count
runner: shell
command: [echo, "counted {{ n }}"]
parameters:
  n: { type: integer, required: true }
`,
  'aliases/ops/restart.yaml': `
name: restart
pack: ops
action_ref: ops.restart
description: Restart a service
formats: ["restart {{service}}"]
allow: [ops]
result: { format: "{{ execution.result.stdout }}" }
`,
  'aliases/ops/bounce.yaml': `
name: bounce
pack: ops
action_ref: ops.restart
formats: ["bounce {{service}}"]
allow: [ops]
ack: { format: "Bouncing {{ execution.parameters.service }} & co" }
result: { format: "{{ execution.result.stdout }}" }
`,
  'aliases/ops/quiet.yaml': `
name: quiet
pack: ops
action_ref: ops.restart
formats: ["quietly restart {{service}}"]
allow: [ops]
ack: { enabled: false }
result: { format: "{{ execution.result.stdout }}" }
`,
  'aliases/ops/count.yaml': `
name: count
pack: ops
action_ref: ops.count
formats: ["count to {{n}}"]
allow: [ops]
`,
  'aliases/core/ping.yaml': `
name: ping
pack: core
action_ref: core.ping
description: Check that Switchboard answers
formats: ["ping"]
result: { format: "pong" }
`,
  'aliases/core/status.yaml': `
name: status
pack: core
action_ref: core.status
formats: ["status {{id}}"]
`,
});

export interface SmsWorld {
  t: TestSwitchboard;
  twilio: TwilioFake;
  stop(): Promise<void>;
}

/** `smsChannelExtra`: more YAML keys for channels/sms.yaml (e.g. `whatsapp_template: …`). */
export async function startSmsWorld(
  opts: { perMinute?: number; files?: Record<string, string>; env?: Record<string, string>; smsChannelExtra?: string } = {},
): Promise<SmsWorld> {
  const fake = await startTwilioFake({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  const t = await startTestSwitchboard({
    files: { ...files(opts.perMinute ?? 30, opts.smsChannelExtra), ...opts.files },
    env: { TWILIO_URL: fake.url, ...opts.env },
  });
  return {
    t,
    twilio: fake,
    async stop() {
      await t.stop();
      await fake.close();
    },
  };
}

export const newSid = () => `SM${randomBytes(16).toString('hex')}`;

export type Signing = 'valid' | 'missing' | 'forged' | 'wrong-url' | 'wrong-token';

/** Twilio's inbound SMS form (docs/providers/twilio.md, "What Twilio sends and what it gets back"). */
export function inboundForm(from: string, body: string, sid = newSid()): Record<string, string> {
  return {
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: sid,
    NumMedia: '0',
    ToCity: '',
    FromZip: '',
    SmsSid: sid,
    FromState: 'CA',
    SmsStatus: 'received',
    FromCity: '',
    Body: body,
    FromCountry: 'US',
    To: OUR_NUMBER,
    ToZip: '',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: ACCOUNT_SID,
    From: from,
    ApiVersion: '2010-04-01',
  };
}

export interface SmsAnswer {
  status: number;
  body: string;
  contentType: string | null;
  /** the text of the TwiML <Message>, '' for <Response/> */
  message: string;
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** Posts `form` to the webhook, signed as `signing` says (`valid`: with `token`). */
export async function postSms(t: TestSwitchboard, form: Record<string, string>, signing: Signing = 'valid', token = AUTH_TOKEN): Promise<SmsAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signing === 'valid') headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(token, WEBHOOK_URL, form);
  if (signing === 'forged') headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(AUTH_TOKEN, WEBHOOK_URL, { ...form, Body: 'ping' });
  if (signing === 'wrong-url') headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${t.url}/ingress/twilio/sms`, form);
  if (signing === 'wrong-token') headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature('another-token', WEBHOOK_URL, form);
  const res = await t.request('/ingress/twilio/sms', { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  const body = await res.text();
  const m = /<Message>([\s\S]*)<\/Message>/.exec(body);
  return { status: res.status, body, contentType: res.headers.get('content-type'), message: m ? unescape(m[1]!) : '' };
}

/** Sends a command as `from` and returns the TwiML answer. */
export const text = (t: TestSwitchboard, from: string, body: string, sid?: string) => postSms(t, inboundForm(from, body, sid));

export interface ExecutionJson {
  id: string;
  status: string;
  alias?: string;
  user?: string;
  origin?: Record<string, unknown>;
  deliveries: { channel: string; target?: string; status: string; last_error?: string }[];
}

const api = { authorization: `Bearer ${API_KEY}` };

export async function listExecutions(t: TestSwitchboard): Promise<ExecutionJson[]> {
  const res = await t.request('/api/v1/executions?limit=200', { headers: api });
  return ((await res.json()) as { items: ExecutionJson[] }).items;
}

export async function getExecution(t: TestSwitchboard, id: string): Promise<ExecutionJson> {
  return (await (await t.request(`/api/v1/executions/${id}`, { headers: api })).json()) as ExecutionJson;
}

/** Polls `probe` until it returns a value (bounded; no timing is asserted). */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

export const queuedId = (message: string) => /^Queued (\S+): /.exec(message)?.[1];
