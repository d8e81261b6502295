/**
 * A channel's Retry-After pause across processes (src/deliveries/rate-limit.ts): each process keeps
 * a copy of the running pauses (`startPauseWatch`), so a channel with no rate is sent to without a
 * round trip; the copy is trusted only while its subscription stands. Real Redis; each "process"
 * is a connection, a subscriber, a watch and a limiter of its own.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelConfig } from '../../../src/config/schema.ts';
import { deliveryKeys } from '../../../src/deliveries/keys.ts';
import { createRateLimiter, startPauseWatch, type PauseWatch, type RateLimiter } from '../../../src/deliveries/rate-limit.ts';
import { silentLogger } from '../../../src/log.ts';
import { waitFor } from './harness.ts';
import { startRedisMonitor } from '../../fakes/redis-monitor.ts';

const URL = 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// a webhook channel has no rate: only a pause holds it
const channels = new Map<string, ChannelConfig>([
  ['hooks', { name: 'hooks', kind: 'webhook', url: 'http://127.0.0.1:9/x' } as ChannelConfig],
  ['other', { name: 'other', kind: 'webhook', url: 'http://127.0.0.1:9/y' } as ChannelConfig],
]);

interface Proc {
  redis: Redis;
  subscriber: Redis;
  watch: PauseWatch;
  limiter: RateLimiter;
}

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function setup() {
  const name = `rp-${randomUUID().slice(0, 8)}`;
  const keys = deliveryKeys(name);
  closers.push(async () => {
    const r = new Redis(URL);
    const found = await r.keys(`${keys.prefix}*`);
    if (found.length) await r.del(...found);
    r.disconnect();
  });
  const start = (subscriber = new Redis(URL)): Proc => {
    const redis = new Redis(URL);
    const watch = startPauseWatch({ subscriber, redis, keys, logger: silentLogger, reloadMs: 60_000 });
    closers.push(async () => {
      await watch.close();
      redis.disconnect();
    });
    return { redis, subscriber, watch, limiter: createRateLimiter(redis, keys, channels, watch) };
  };
  const trusted = (p: Proc) => waitFor(() => p.watch.remaining('none') !== undefined, 'the pause watch to be current');
  return { keys, start, trusted };
}

describe('Retry-After pauses of channels with no rate', () => {
  it('reach the other processes at once, and a send asks Redis nothing while none runs', async () => {
    const { keys, start, trusted } = setup();
    const [a, b] = [start(), start()];
    await Promise.all([trusted(a), trusted(b)]);
    const monitor = await startRedisMonitor(URL);
    closers.push(() => monitor.close());
    const takes: string[][] = [];
    monitor.on(({ source, args }) => {
      if (source !== 'lua' && args.includes(keys.rate('hooks'))) takes.push(args);
    });

    for (let i = 0; i < 5; i++) expect(await b.limiter.take('hooks', undefined)).toBe(0);
    await a.limiter.pause('hooks', undefined, 1500);
    const wait = await waitFor(async () => {
      const ms = await b.limiter.take('hooks', undefined);
      return ms > 0 && ms;
    }, 'the pause to reach the other process');
    expect(wait).toBeLessThanOrEqual(1500);
    expect(wait).toBeGreaterThan(1000);
    // only that channel
    expect(await b.limiter.take('other', undefined)).toBe(0);
    await sleep(1600);
    expect(await b.limiter.take('hooks', undefined)).toBe(0);
    expect(await a.limiter.take('hooks', undefined)).toBe(0);
    await sleep(200); // the monitor's lines come after the replies
    expect(takes).toEqual([]);
  });

  it('a pause set before a process starts, or while its subscriber is away, holds it; meanwhile it asks Redis', async () => {
    const { keys, start, trusted } = setup();
    const a = start();
    await a.limiter.pause('hooks', undefined, 4000);
    // a subscriber that comes back half a second after it is cut off
    const b = start(new Redis(URL, { retryStrategy: () => 500 }));
    await trusted(b);
    expect(b.watch.remaining(`${keys.rate('hooks')}:pause`)).toBeGreaterThan(2000);
    expect(await b.limiter.take('hooks', undefined)).toBeGreaterThan(2000);

    const away = new Promise<number | undefined>((resolve) => b.subscriber.once('close', () => resolve(b.watch.remaining('none'))));
    (b.subscriber as unknown as { stream: { destroy(): void } }).stream.destroy();
    expect(await away).toBeUndefined();
    // announced while b's subscriber is away: b does not hear it, but asks Redis until it is back
    await a.limiter.pause('other', undefined, 4000);
    expect(b.watch.remaining(`${keys.rate('other')}:pause`)).toBeUndefined();
    expect(await b.limiter.take('other', undefined)).toBeGreaterThan(2000);
    await trusted(b);
    expect(b.watch.remaining(`${keys.rate('other')}:pause`)).toBeGreaterThan(2000);
    expect(await b.limiter.take('other', undefined)).toBeGreaterThan(2000);
  });

  it('is extended, never shortened, by a later pause', async () => {
    const { start, trusted } = setup();
    const [a, b] = [start(), start()];
    await Promise.all([trusted(a), trusted(b)]);
    await a.limiter.pause('hooks', undefined, 3000);
    await a.limiter.pause('hooks', undefined, 500);
    await sleep(100);
    expect(await b.limiter.take('hooks', undefined)).toBeGreaterThan(2000);
    await a.limiter.pause('hooks', undefined, 6000);
    await waitFor(async () => (await b.limiter.take('hooks', undefined)) > 5000, 'the longer pause');
  });
});
