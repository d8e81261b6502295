/**
 * WhatsApp through the sms channel: Twilio webhooks from `whatsapp:+…` senders, signed by
 * twilio-node's own helper, run commands as the person who owns the number; answers go back to
 * `whatsapp:+…` from the channel's WhatsApp sender, as free-form text within WhatsApp's 24-hour
 * session and as the approved template outside it.
 */
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryKeys } from '../../../src/deliveries/keys.ts';
import { sessionKey } from '../../../src/providers/sms/whatsapp.ts';
import {
  ALICE,
  API_KEY,
  eventually,
  getExecution,
  inboundForm,
  OUR_NUMBER,
  postSms,
  queuedId,
  startSmsWorld,
  type SmsWorld,
} from '../ingress/twilio-sms-helpers.ts';

const WA_ALICE = `whatsapp:${ALICE}`;
const WA_OURS = `whatsapp:${OUR_NUMBER}`;
const TEMPLATE = `HX${'a1'.repeat(16)}`;

const templateYaml = `whatsapp_template: { content_sid: ${TEMPLATE}, variables: { "1": "{{ subject }}", "2": "{{ execution.id }}" } }\n`;

const extra: Record<string, string> = {
  'aliases/ops/page.yaml': `
name: page
pack: ops
action_ref: core.noop
formats: ["page me"]
notify: { on_success: { channels: [wa], message: "paged" } }
`,
  'rules/wa.yaml': `
rules:
  - name: pages reach alice on WhatsApp
    channel: wa
    to: [{ channel: sms, target: "${WA_ALICE}" }]
`,
};

let w: SmsWorld;
let redis: Redis;
const start = async (template: boolean) => {
  w = await startSmsWorld({ files: extra, ...(template && { smsChannelExtra: templateYaml }) });
  redis = new Redis(w.t.sb.config.main.redis.url);
};
afterEach(async () => {
  redis.disconnect();
  await w.stop();
});

const waForm = (from: string, body: string) => ({ ...inboundForm(from, body), From: from, To: WA_OURS });
const stateKey = (phone: string) => `${deliveryKeys(w.t.sb.config.main.redis.prefix).sinkState('sms')}:${sessionKey(phone)}`;

/** Runs `page me` through the API; its notification goes to whatsapp:+ALICE through the rule. */
async function page(): Promise<string> {
  const res = await w.t.request('/api/v1/commands', {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'page me' }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { execution: { id: string } }).execution.id;
}

const settled = (id: string) =>
  eventually(async () => {
    const e = await getExecution(w.t, id);
    return e.status === 'succeeded' && e.deliveries.length > 0 && e.deliveries.every((d) => d.status !== 'pending') ? e : undefined;
  }, `execution ${id} and its deliveries`);

describe('WhatsApp through the sms channel', () => {
  beforeEach(async () => {
    await start(true);
  });

  it('runs a signed WhatsApp message as the owner of the number, answers in TwiML, and sends the result free-form to whatsapp:+…', async () => {
    const answer = await postSms(w.t, waForm(WA_ALICE, 'restart web'));
    expect(answer.status).toBe(200);
    const id = queuedId(answer.message)!;
    expect(answer.message).toBe(`Queued ${id}: ops.restart`);
    const done = await settled(id);
    expect(done).toMatchObject({ user: 'alice', alias: 'ops.restart' });
    expect(done.origin).toMatchObject({ source: 'sms', sender: WA_ALICE, reply: { to: WA_ALICE, from: WA_OURS, channel: 'sms', medium: 'whatsapp' } });
    const sent = await eventually(() => w.twilio.messages.find((m) => m.to === WA_ALICE), 'the WhatsApp result');
    expect(sent).toMatchObject({ to: WA_ALICE, from: WA_OURS, body: 'restarted web' });
    expect(sent.contentSid).toBeUndefined();
  });

  it('sends a notification free-form within 24 hours of the last WhatsApp message, and as the template after', async () => {
    await postSms(w.t, waForm(WA_ALICE, 'ping'));
    await eventually(() => w.twilio.messages.find((m) => m.to === WA_ALICE), 'the pong');
    const within = await settled(await page());
    expect(within.deliveries).toEqual([expect.objectContaining({ target: WA_ALICE, status: 'sent' })]);
    expect(w.twilio.messages.at(-1)).toMatchObject({ to: WA_ALICE, from: WA_OURS, body: 'paged' });

    // her last message, 25 hours ago
    await redis.set(stateKey(ALICE), new Date(Date.now() - 25 * 3_600_000).toISOString());
    const after = await page();
    await settled(after);
    const template = w.twilio.messages.at(-1)!;
    expect(template).toMatchObject({ to: WA_ALICE, from: WA_OURS, body: '', contentSid: TEMPLATE });
    expect(JSON.parse(template.contentVariables!)).toEqual({ '1': 'core.noop succeeded', '2': after });
  });
});

describe('WhatsApp without a template', () => {
  beforeEach(async () => {
    await start(false);
  });

  it('fails a delivery outside the 24-hour session for good, with the reason, sending nothing', async () => {
    const before = w.twilio.messages.length;
    const done = await settled(await page());
    expect(done.deliveries).toEqual([
      expect.objectContaining({ target: WA_ALICE, status: 'failed', last_error: expect.stringContaining('no whatsapp_template') }),
    ]);
    expect(done.deliveries[0]!.last_error).toContain('24 hours');
    expect(w.twilio.messages.length).toBe(before);
  });
});
