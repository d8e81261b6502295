/**
 * Fault: a sink that answers 500, 429 (Retry-After) or never answers for a while, then recovers.
 * Every delivery arrives, and is *answered 2xx exactly once* per delivery id: a retry only follows
 * an answer that was not a success (or no answer at all, for a timeout: the receiver then saw the
 * request twice but acknowledged it once; see docs/RELIABILITY.md on at-least-once).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWorld, waitFor, type World } from '../integration/deliveries/harness.ts';

let w: World;
beforeEach(async () => {
  w = await startWorld();
  await w.startDeliveryWorker();
});
afterEach(async () => {
  await w.close();
});

const okPerId = () => {
  const m = new Map<string, number>();
  for (const r of w.hook.requests) {
    if (r.answeredWith !== undefined && r.answeredWith < 300) {
      const id = String(r.headers['x-switchboard-delivery']);
      m.set(id, (m.get(id) ?? 0) + 1);
    }
  }
  return m;
};
const requestsFor = (id: string) => w.hook.requests.filter((r) => r.headers['x-switchboard-delivery'] === id);

describe('a sink that fails for a while, then recovers', () => {
  it('retries through three 500s and delivers once', async () => {
    w.hook.failNext(3, { status: 500, body: 'down' });
    const { deliveries } = await w.deliveries.notify({ channels: ['hooks'], message: 'outage 500' });
    const id = deliveries[0]!.id;
    await waitFor(() => okPerId().get(id) === 1, 'the delivery', 30_000);
    expect(requestsFor(id).map((r) => r.answeredWith)).toEqual([500, 500, 500, 200]);
  });

  it('honours Retry-After on 429 (never sooner) and delivers once', async () => {
    // through the route's plan (not failNext) so the fake records each arrival time
    w.hook.plan.push(...Array.from({ length: 2 }, () => ({ status: 429, headers: { 'retry-after': '1' }, body: 'slow down' })));
    const { deliveries } = await w.deliveries.notify({ channels: ['hooks'], message: 'outage 429' });
    const id = deliveries[0]!.id;
    await waitFor(() => okPerId().get(id) === 1, 'the delivery', 30_000);
    const times = w.hook.times;
    expect(requestsFor(id).map((r) => r.answeredWith)).toEqual([429, 429, 200]);
    // protocol fact: a retry never comes before the Retry-After the provider asked for
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1000);
  });

  it('gives up on a request that never answers (send timeout), retries, and is acknowledged once', async () => {
    w.hook.failNext(1, { status: 200, hang: true });
    const { deliveries } = await w.deliveries.notify({ channels: ['hooks'], message: 'outage hang' });
    const id = deliveries[0]!.id;
    await waitFor(() => okPerId().get(id) === 1, 'the delivery after the timeout', 30_000);
    const seen = requestsFor(id);
    expect(seen).toHaveLength(2);
    expect(seen[0]!.answeredWith).toBeUndefined();
    // the same deterministic id both times: a receiver can drop the repeat
    expect(new Set(seen.map((r) => r.parsed?.id))).toEqual(new Set([id]));
  });

  it('delivers every notification of a burst sent during a mixed outage, each acknowledged once', async () => {
    w.hook.failNext(6, { status: 500, body: 'down' });
    w.hook.failNext(4, { status: 429, headers: { 'retry-after': '1' } });
    w.hook.failNext(4, { status: 503, body: 'still down' });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => w.deliveries.notify({ channels: ['hooks'], message: `burst ${i}` })));
    const ids = results.map((r) => r.deliveries[0]!.id);
    expect(new Set(ids).size).toBe(10);
    await waitFor(() => ids.every((id) => okPerId().get(id) === 1), 'every delivery of the burst', 60_000);
    const ok = okPerId();
    expect(ids.map((id) => ok.get(id))).toEqual(Array(10).fill(1));
    expect(w.hook.requests.filter((r) => r.answeredWith !== undefined && r.answeredWith >= 300)).toHaveLength(14);
  });
});
