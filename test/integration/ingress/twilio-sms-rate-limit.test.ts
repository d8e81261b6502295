import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answeredOrCounted, checkRateLimit, rateKey } from '../../../src/auth/rate-limit.ts';
import { cleanupPrefix } from '../harness.ts';

const URL = 'redis://127.0.0.1:6379';
let redis: Redis;
let prefix: string;
beforeAll(() => {
  redis = new Redis(URL);
});
afterAll(() => redis.disconnect());
afterEach(async () => {
  await cleanupPrefix(URL, prefix);
});

// a fixed clock in the middle of a window: nothing here depends on the time the test runs
const T0 = 1_800_000_000_000 + 15_000;

describe('checkRateLimit (real Redis)', () => {
  it('allows up to the limit, then refuses with the seconds until one more fits, counting only what it allowed', async () => {
    prefix = `{rl-${randomUUID().slice(0, 8)}}`;
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await checkRateLimit(redis, prefix, 'sms:+15551230001', 3, T0 + i));
    expect(decisions.map((d) => [d.allowed, d.count])).toEqual([
      [true, 1],
      [true, 2],
      [true, 3],
      [false, 4],
      [false, 4],
    ]);
    // 15 s into the minute: this minute's 3 must fade to 2 in the next one (20 s into it): 45 + 20 s
    expect(decisions[3]!.retryAfterSeconds).toBe(65);
    expect(await redis.get(rateKey(prefix, 'sms:+15551230001', T0))).toBe('3');
    // a sender who waits that long gets through, and not a second earlier
    expect((await checkRateLimit(redis, prefix, 'sms:+15551230001', 3, T0 + 64_000)).allowed).toBe(false);
    expect((await checkRateLimit(redis, prefix, 'sms:+15551230001', 3, T0 + 65_000)).allowed).toBe(true);
  });

  it('lets a full minute weigh on the next one as it passes: no double burst across the boundary', async () => {
    prefix = `{rl-${randomUUID().slice(0, 8)}}`;
    const end = T0 + 44_000; // 59 s into the minute
    for (let i = 0; i < 4; i++) expect((await checkRateLimit(redis, prefix, 'sms:+15551230001', 4, end)).allowed).toBe(true);
    // two seconds later, in the next minute: a fixed window would allow 4 more; the last 60 s hold 4
    expect(await checkRateLimit(redis, prefix, 'sms:+15551230001', 4, end + 2_000)).toMatchObject({ allowed: false, retryAfterSeconds: 14 });
    // 15 s into the next minute the previous one weighs 4 x 45/60 = 3: room for one
    expect((await checkRateLimit(redis, prefix, 'sms:+15551230001', 4, end + 16_000)).allowed).toBe(true);
    expect((await checkRateLimit(redis, prefix, 'sms:+15551230001', 4, end + 16_000)).allowed).toBe(false);
  });

  it('counts each sender apart', async () => {
    prefix = `{rl-${randomUUID().slice(0, 8)}}`;
    for (let i = 0; i < 3; i++) await checkRateLimit(redis, prefix, 'sms:+15551230001', 2, T0);
    expect((await checkRateLimit(redis, prefix, 'sms:+15551230002', 2, T0)).allowed).toBe(true);
    expect((await checkRateLimit(redis, prefix, 'slack:U0ALICE', 2, T0)).allowed).toBe(true);
    expect((await checkRateLimit(redis, prefix, 'sms:+15551230001', 2, T0)).allowed).toBe(false);
  });

  it('lets its keys expire', async () => {
    prefix = `{rl-${randomUUID().slice(0, 8)}}`;
    await checkRateLimit(redis, prefix, 'sms:+15551230001', 2, T0);
    const key = rateKey(prefix, 'sms:+15551230001', T0);
    expect(await redis.get(key)).toBe('1');
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(60);
    expect(ttl).toBeLessThanOrEqual(120);
  });
});

describe('answeredOrCounted (real Redis)', () => {
  it('returns a stored answer without counting, skips counting a message already acted on, counts the rest', async () => {
    prefix = `{rl-${randomUUID().slice(0, 8)}}`;
    const keys = { answerKey: `${prefix}:ingress-sms:SM1`, doneKey: `${prefix}:exec-idem:sms:SM1` };
    const sender = 'sms:+15551230001';
    const count = async () => Number((await redis.get(rateKey(prefix, sender, T0))) ?? 0);
    expect(await answeredOrCounted(redis, keys, prefix, sender, 2, T0)).toEqual({ rate: { allowed: true, count: 1, retryAfterSeconds: 0 } });
    await redis.set(keys.doneKey, 'exec-1');
    expect(await answeredOrCounted(redis, keys, prefix, sender, 2, T0)).toEqual({ rate: { allowed: true, count: 0, retryAfterSeconds: 0 } });
    await redis.set(keys.answerKey, '<Response/>');
    expect(await answeredOrCounted(redis, keys, prefix, sender, 2, T0)).toEqual({ answer: '<Response/>' });
    expect(await count()).toBe(1);
    const other = { answerKey: `${prefix}:ingress-sms:SM2`, doneKey: `${prefix}:exec-idem:sms:SM2` };
    await answeredOrCounted(redis, other, prefix, sender, 2, T0);
    expect(await answeredOrCounted(redis, other, prefix, sender, 2, T0)).toMatchObject({ rate: { allowed: false, count: 3 } });
    expect(await count()).toBe(2);
    expect(await redis.ttl(rateKey(prefix, sender, T0))).toBeGreaterThan(60);
  });
});
