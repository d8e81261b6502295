/**
 * Fault: a flood of duplicated webhooks. Providers re-send (Twilio on a slow answer, Slack with
 * X-Slack-Retry-Num); a proxy may fan one request out. The same MessageSid, Slack event_id or
 * Mailgun token posted N times at once runs one execution, delivered once per channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventBody,
  eventually,
  listExecutions,
  mailgunForm,
  newSid,
  postApi,
  postMailgun,
  postSlack,
  postSms,
  smsForm,
  startFaultWorld,
  type FaultWorld,
} from './world.ts';

const N = 25;
let w: FaultWorld;
beforeAll(async () => {
  w = await startFaultWorld();
});
afterAll(async () => {
  await w?.stop();
});

/** every execution whose `n` param is `n` */
const executionsOf = async (n: number) => (await listExecutions(w.t)).filter((e) => String(e.params?.n) === String(n));

async function expectRanOnce(n: number) {
  const [only] = await eventually(async () => {
    const found = await executionsOf(n);
    return found.length >= 1 && found.every((e) => e.status === 'succeeded') && found;
  }, `the execution of fault ${n}`);
  await eventually(() => (w.deliveredPerCommand().get(n) ?? 0) >= 2, `the two deliveries of fault ${n}`);
  // a settle round: anything duplicated would have been queued by now
  await eventually(async () => (await listExecutions(w.t)).every((e) => e.status === 'succeeded'), 'every execution settled');
  expect(await executionsOf(n)).toHaveLength(1);
  expect(only!.status).toBe('succeeded');
  expect(w.deliveredPerCommand().get(n)).toBe(2);
}

describe('duplicated webhooks', () => {
  it(`runs one execution for the same Twilio MessageSid posted ${N} times at once`, async () => {
    const n = w.next();
    const form = smsForm(`fault ${n}`, newSid());
    const answers = await Promise.all(Array.from({ length: N }, () => postSms(w.t, form)));
    expect(answers.map((r) => r.status)).toEqual(Array(N).fill(200));
    const bodies = await Promise.all(answers.map((r) => r.text()));
    // every copy gets a TwiML answer (the same ack, empty here: ack is off)
    expect(bodies.every((b) => b.includes('<Response'))).toBe(true);
    await expectRanOnce(n);
  });

  it(`runs one execution for the same Slack event_id posted ${N} times at once`, async () => {
    const n = w.next();
    const body = eventBody(`fault ${n}`, `Ev0FAULT${n}${Date.now()}`);
    const answers = await Promise.all(Array.from({ length: N }, () => postSlack(w.t, '/ingress/slack/events', body, 'json')));
    expect(answers.map((r) => r.status)).toEqual(Array(N).fill(200));
    await expectRanOnce(n);
  });

  it(`runs one execution for the same Mailgun token posted ${N} times at once`, async () => {
    const n = w.next();
    const body = mailgunForm(`fault ${n}`);
    const answers = await Promise.all(Array.from({ length: N }, () => postMailgun(w.t, body)));
    const statuses = answers.map((r) => r.status);
    // the first is accepted; copies are either answered as already handled or refused as a replay
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 403)).toBe(true);
    await expectRanOnce(n);
  });

  it(`runs one execution for the same API Idempotency-Key posted ${N} times at once`, async () => {
    const n = w.next();
    const key = `idem-${n}-${Date.now()}`;
    const answers = await Promise.all(Array.from({ length: N }, () => postApi(w.t, `fault ${n}`, undefined, { 'idempotency-key': key })));
    expect(answers.map((r) => r.status)).toEqual(Array(N).fill(202));
    const ids = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as { execution: { id: string } }).execution.id)));
    expect(ids.size).toBe(1);
    await expectRanOnce(n);
  });
});
