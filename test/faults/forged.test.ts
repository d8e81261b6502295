/**
 * Fault: forged and replayed requests on every ingress (Twilio SMS, Slack slash commands, Slack
 * events, Mailgun, the JSON API). Each is refused (401/403) and runs nothing; a genuine request
 * sent last proves the same setup does run commands, so "nothing ran" is not vacuous.
 */
import { createHmac } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE_PHONE,
  eventBody,
  eventually,
  listExecutions,
  mailgunForm,
  newSid,
  postApi,
  postMailgun,
  postSlack,
  postSms,
  slashBody,
  smsForm,
  SMS_URL,
  startFaultWorld,
  TWILIO_TOKEN,
  type FaultWorld,
} from './world.ts';

let w: FaultWorld;
beforeAll(async () => {
  w = await startFaultWorld();
});
afterAll(async () => {
  await w?.stop();
});

const refused = (status: number) => status === 401 || status === 403;
const sixMinutesAgo = () => Math.floor(Date.now() / 1000) - 6 * 60;

/** no execution and no delivery for command `n` (checked after a genuine command went all the way through) */
async function expectNothingRan(ns: number[]) {
  const control = w.next();
  expect((await postApi(w.t, `fault ${control}`)).status).toBe(202);
  await eventually(() => (w.deliveredPerCommand().get(control) ?? 0) >= 2, 'the control command delivered');
  const ran = (await listExecutions(w.t)).map((e) => Number(e.params?.n));
  for (const n of ns) {
    expect(ran).not.toContain(n);
    expect(w.deliveredPerCommand().get(n)).toBeUndefined();
  }
}

describe('forged and replayed requests', () => {
  it('Twilio: missing, forged, wrong-token and wrong-URL signatures are refused; a replayed MessageSid runs nothing again', async () => {
    const ns = [w.next(), w.next(), w.next(), w.next(), w.next()];
    const [a, b, c, d, e] = ns as [number, number, number, number, number];
    expect((await postSms(w.t, smsForm(`fault ${a}`), '')).status).toBe(403);
    // signed for another body, the body swapped
    const signedOther = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, SMS_URL, smsForm('fault 1'));
    expect((await postSms(w.t, smsForm(`fault ${b}`), signedOther)).status).toBe(403);
    const formC = smsForm(`fault ${c}`);
    expect((await postSms(w.t, formC, twilio.getExpectedTwilioSignature('not-the-token', SMS_URL, formC))).status).toBe(403);
    const formD = smsForm(`fault ${d}`);
    expect((await postSms(w.t, formD, twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${w.t.url}/ingress/twilio/sms`, formD))).status).toBe(403);
    // a sender spoofing a known number needs the signature too: a valid form, one field altered after signing
    const formE = smsForm(`fault ${e}`, newSid(), '+15559990000');
    const sigE = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, SMS_URL, formE);
    expect((await postSms(w.t, { ...formE, From: ALICE_PHONE }, sigE)).status).toBe(403);
    await expectNothingRan(ns);

    // replay: a genuine request captured and sent again later runs nothing new
    const r = w.next();
    const form = smsForm(`fault ${r}`);
    expect((await postSms(w.t, form)).status).toBe(200);
    await eventually(() => (w.deliveredPerCommand().get(r) ?? 0) >= 2, 'the genuine SMS delivered');
    for (let i = 0; i < 3; i++) expect((await postSms(w.t, form)).status).toBe(200);
    await expectNothingRan([]);
    expect((await listExecutions(w.t)).filter((x) => Number(x.params?.n) === r)).toHaveLength(1);
    expect(w.deliveredPerCommand().get(r)).toBe(2);
  });

  it.each([
    ['slash commands', '/ingress/slack/commands', 'form' as const, (text: string) => slashBody(text)],
    ['events', '/ingress/slack/events', 'json' as const, (text: string, n: number) => eventBody(text, `Ev0FORGED${n}${Date.now()}`)],
  ])('Slack %s: unsigned, wrong secret, tampered, stale (a replay after 5 minutes) and future timestamps are refused', async (_name, path, type, make) => {
    const ns = Array.from({ length: 6 }, () => w.next());
    const [a, b, c, d, e, f] = ns as [number, number, number, number, number, number];
    const now = Math.floor(Date.now() / 1000);
    expect(refused((await postSlack(w.t, path, make(`fault ${a}`, a), type, { signature: '' })).status)).toBe(true);
    expect(refused((await postSlack(w.t, path, make(`fault ${b}`, b), type, { secret: 'another-signing-secret' })).status)).toBe(true);
    const ts = now;
    const sig = `v0=${createHmac('sha256', 'faults-slack-signing-secret-0001')
      .update(`v0:${ts}:${make(`fault 1`, c)}`)
      .digest('hex')}`;
    expect(refused((await postSlack(w.t, path, make(`fault ${c}`, c), type, { ts, signature: sig })).status)).toBe(true);
    // replayed: a correctly signed request whose timestamp is outside the 5-minute window
    expect(refused((await postSlack(w.t, path, make(`fault ${d}`, d), type, { ts: sixMinutesAgo() })).status)).toBe(true);
    expect(refused((await postSlack(w.t, path, make(`fault ${e}`, e), type, { ts: now + 6 * 60 })).status)).toBe(true);
    expect(refused((await postSlack(w.t, path, make(`fault ${f}`, f), type, { signature: 'v1=deadbeef' })).status)).toBe(true);
    await expectNothingRan(ns);
  });

  it('Slack: a genuine request replayed inside the 5-minute window runs once (trigger_id / event_id)', async () => {
    const [a, b] = [w.next(), w.next()];
    const ts = Math.floor(Date.now() / 1000);
    const slash = slashBody(`fault ${a}`);
    const event = eventBody(`fault ${b}`, `Ev0REPLAY${b}${Date.now()}`);
    for (let i = 0; i < 3; i++) {
      expect((await postSlack(w.t, '/ingress/slack/commands', slash, 'form', { ts })).status).toBe(200);
      expect((await postSlack(w.t, '/ingress/slack/events', event, 'json', { ts })).status).toBe(200);
    }
    await eventually(() => (w.deliveredPerCommand().get(a) ?? 0) >= 2 && (w.deliveredPerCommand().get(b) ?? 0) >= 2, 'both delivered');
    await expectNothingRan([]);
    const ran = (await listExecutions(w.t)).map((e) => Number(e.params?.n));
    expect(ran.filter((n) => n === a)).toHaveLength(1);
    expect(ran.filter((n) => n === b)).toHaveLength(1);
    expect([w.deliveredPerCommand().get(a), w.deliveredPerCommand().get(b)]).toEqual([2, 2]);
  });

  it('Mailgun: wrong key, altered signature, stale timestamp and a replayed token are refused', async () => {
    const ns = Array.from({ length: 4 }, () => w.next());
    const [a, b, c, d] = ns as [number, number, number, number];
    expect(refused((await postMailgun(w.t, mailgunForm(`fault ${a}`, { key: 'key-not-ours' }))).status)).toBe(true);
    expect(refused((await postMailgun(w.t, mailgunForm(`fault ${b}`, { signature: '0'.repeat(64) }))).status)).toBe(true);
    expect(refused((await postMailgun(w.t, mailgunForm(`fault ${c}`, { timestamp: String(Math.floor(Date.now() / 1000) - 3600) }))).status)).toBe(true);
    // replay: a genuine post's token and signature sent again with another text is refused
    const token = 'f'.repeat(50);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const r = w.next();
    expect((await postMailgun(w.t, mailgunForm(`fault ${r}`, { token, timestamp }))).status).toBe(200);
    expect(refused((await postMailgun(w.t, mailgunForm(`fault ${d}`, { token, timestamp }))).status)).toBe(true);
    await expectNothingRan(ns);
    await eventually(() => (w.deliveredPerCommand().get(r) ?? 0) >= 2, 'the genuine mail delivered');
  });

  it('API: missing, wrong and malformed bearer keys are refused', async () => {
    const ns = Array.from({ length: 4 }, () => w.next());
    const [a, b, c, d] = ns as [number, number, number, number];
    const raw = (n: number, headers: Record<string, string>) =>
      w.t.request('/api/v1/commands', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ text: `fault ${n}` }),
      });
    expect((await raw(a, {})).status).toBe(401);
    expect((await postApi(w.t, `fault ${b}`, 'faults-api-key-000000000002')).status).toBe(401);
    expect((await raw(c, { authorization: 'Basic ZmF1bHRzOmtleQ==' })).status).toBe(401);
    expect((await raw(d, { authorization: 'Bearer ' })).status).toBe(401);
    await expectNothingRan(ns);
  });
});
