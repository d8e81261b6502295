/**
 * createLeasedRateLimit (the per-API-key limit) against real Redis, as several gateway processes
 * use it: one limiter and one connection per "gateway", the same Redis counters.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkRateLimit, createLeasedRateLimit, rateKey, type LeasedRateLimit } from '../../../src/auth/rate-limit.ts';
import { cleanupPrefix } from '../harness.ts';
import { startRedisMonitor, type RedisMonitor } from '../../fakes/redis-monitor.ts';

const URL = 'redis://127.0.0.1:6379';
let gateways: Redis[];
let monitor: RedisMonitor | undefined;
let prefix: string;
beforeAll(() => {
  gateways = [new Redis(URL), new Redis(URL)];
});
afterAll(() => {
  for (const r of gateways) r.disconnect();
});
afterEach(async () => {
  monitor?.close();
  monitor = undefined;
  await cleanupPrefix(URL, prefix);
});

// a fixed clock in the middle of a window: nothing here depends on the time the test runs
const T0 = 1_800_000_000_000 + 15_000;

/** `n` takes of `sender`, `lanes` at a time, spread over the limiters in turn; how many were allowed */
async function takeMany(limits: LeasedRateLimit[], sender: string, n: number, lanes: number): Promise<number> {
  let next = 0;
  let allowed = 0;
  const lane = async (l: number) => {
    while (next < n) {
      next++;
      if ((await limits[l % limits.length]!.take(sender)).allowed) allowed++;
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, l) => lane(l)));
  return allowed;
}

/** the lease script calls Redis sees from clients (monitored) */
async function countLeaseCalls(): Promise<{ calls: () => number }> {
  monitor = await startRedisMonitor(URL);
  let calls = 0;
  monitor.on(({ args }) => {
    if (/^eval/i.test(args[0] ?? '') && args.some((a) => a.startsWith(`${prefix}:rate:`))) calls++;
  });
  return { calls: () => calls };
}

describe('createLeasedRateLimit (real Redis, two gateways)', () => {
  it('lets exactly the limit through across two gateways, every allowed command counted in Redis', async () => {
    prefix = `{rl-${randomUUID().slice(0, 8)}}`;
    const now = () => T0;
    const limits = gateways.map((r) => createLeasedRateLimit(r, prefix, 100, now));
    expect(await takeMany(limits, 'api:ci', 300, 16)).toBe(100);
    expect(Number(await gateways[0]!.get(rateKey(prefix, 'api:ci', T0)))).toBe(100);
    // the exact sliding decision agrees: no room left
    expect((await checkRateLimit(gateways[0]!, prefix, 'api:ci', 100, T0)).allowed).toBe(false);
  });

  it('needs far fewer round trips than commands for a busy key', async () => {
    prefix = `{rl-${randomUUID().slice(0, 8)}}`;
    const { calls } = await countLeaseCalls();
    const now = () => T0;
    const limits = gateways.map((r) => createLeasedRateLimit(r, prefix, 100_000, now));
    expect(await takeMany(limits, 'api:ci', 1000, 32)).toBe(1000);
    // every lease was used: the counter is exactly what was allowed, plus what the two still hold
    const counted = Number(await gateways[0]!.get(rateKey(prefix, 'api:ci', T0)));
    expect(counted).toBeGreaterThanOrEqual(1000);
    expect(counted).toBeLessThanOrEqual(1000 + 2 * 31);
    await new Promise((r) => setTimeout(r, 200)); // the monitor's lines arrive after the replies
    expect(calls()).toBeGreaterThan(0);
    expect(calls()).toBeLessThan(150);
  });

  it('gives the tokens a lease did not use back with the next round trip, so none are lost for good', async () => {
    prefix = `{rl-${randomUUID().slice(0, 8)}}`;
    let t = T0;
    const now = () => t;
    const [a, b] = gateways.map((r) => createLeasedRateLimit(r, prefix, 200, now)) as [LeasedRateLimit, LeasedRateLimit];
    // gateway a grows its leases, then stops using them
    let allowed = await takeMany([a], 'api:ci', 60, 8);
    expect(allowed).toBe(60);
    // b uses what Redis has left; a still holds some counted, unused ones
    allowed += await takeMany([b], 'api:ci', 200, 1);
    expect(allowed).toBeLessThanOrEqual(200);
    // a's lease ends; its next round trip gives the rest back, and together they reach the limit exactly
    t += 2000;
    allowed += await takeMany([a, b], 'api:ci', 200, 1);
    expect(allowed).toBe(200);
  });

  it('is exact for a slow sender: one token per round trip, the same answer as checkRateLimit', async () => {
    prefix = `{rl-${randomUUID().slice(0, 8)}}`;
    let t = T0;
    const limits = gateways.map((r) => createLeasedRateLimit(r, prefix, 3, () => t));
    const decisions = [];
    for (let i = 0; i < 5; i++) {
      decisions.push(await limits[i % 2]!.take('api:slow'));
      t += 10;
    }
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    const exact = await checkRateLimit(gateways[0]!, prefix, 'api:slow', 3, t);
    expect(exact.allowed).toBe(false);
    expect(decisions[4]!.retryAfterSeconds).toBe(exact.retryAfterSeconds);
    expect(Number(await gateways[0]!.get(rateKey(prefix, 'api:slow', T0)))).toBe(3);
  });
});
