/** The priority tags of the bulk queue (src/deliveries/fairness.ts) against a real Redis and BullMQ. */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fairPriorities, fairPrioritiesAndPending, MAX_PRIORITY } from '../../../src/deliveries/fairness.ts';
import { createLedger, type LedgerEntry } from '../../../src/deliveries/ledger.ts';
import { DELIVERY_QUEUE, deliveryKeys } from '../../../src/deliveries/keys.ts';
import { cleanupPrefix, uniquePrefix } from '../executions/helpers.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';

describe('fairPriorities', () => {
  let prefix: string;
  let redis: Redis;
  let queue: Queue;
  let keys: { tags: string; prioritized: string };
  beforeEach(() => {
    prefix = uniquePrefix();
    redis = new Redis(REDIS_URL);
    const k = deliveryKeys(prefix);
    queue = new Queue(DELIVERY_QUEUE, { connection: redis, prefix: k.prefix });
    keys = { tags: k.fair, prioritized: queue.keys.prioritized! };
  });
  afterEach(async () => {
    await queue.close();
    redis.disconnect();
    await cleanupPrefix(prefix);
  });

  const add = (prios: number[]) =>
    queue.addBulk(prios.map((priority, i) => ({ name: 'x', data: {}, opts: { priority, jobId: `j-${priority}-${i}-${Math.random()}` } })));

  it("numbers each source's jobs on its own, so sources interleave", async () => {
    const first = await fairPriorities(redis, keys, ['a', 'a', 'b', 'a', 'b']);
    expect(first).toEqual([1, 2, 1, 3, 2]);
    await add(first);
    expect(await fairPriorities(redis, keys, ['b', 'a'])).toEqual([3, 4]);
  });

  it('starts a source new to the queue at the tag being served, not before the others', async () => {
    await fairPriorities(
      redis,
      keys,
      Array.from({ length: 100 }, () => 'loud'),
    );
    // the worker has taken the jobs up to tag 40: the head of the prioritized set is 41
    await add([41, 42, 100]);
    expect(await fairPriorities(redis, keys, ['new', 'new'])).toEqual([41, 42]);
    // the loud source goes on from where it was
    expect(await fairPriorities(redis, keys, ['loud'])).toEqual([101]);
  });

  it('lets every source start level once the queue is empty, and keeps within BullMQ priorities', async () => {
    await fairPriorities(redis, keys, ['a', 'a', 'a', 'b']);
    // empty queue: everyone starts at the highest tag given (a: 4)
    expect(await fairPriorities(redis, keys, ['b', 'c'])).toEqual([4, 4]);
    await redis.hset(keys.tags, 'huge', String(MAX_PRIORITY + 10));
    await add([5]);
    expect(await fairPriorities(redis, keys, ['huge'])).toEqual([MAX_PRIORITY]);
  });
});

describe('fairPrioritiesAndPending', () => {
  let prefix: string;
  let redis: Redis;
  let queue: Queue;
  beforeEach(() => {
    prefix = uniquePrefix();
    redis = new Redis(REDIS_URL);
    queue = new Queue(DELIVERY_QUEUE, { connection: redis, prefix: deliveryKeys(prefix).prefix });
  });
  afterEach(async () => {
    await queue.close();
    redis.disconnect();
    await cleanupPrefix(prefix);
  });

  const entry = (id: string): LedgerEntry => ({ id, channel: 'hook-a', status: 'pending', attempts: 0 });

  it('hands out the same tags as fairPriorities and lists each new delivery pending, counted queued once', async () => {
    const k = deliveryKeys(prefix);
    const keys = { tags: k.fair, prioritized: queue.keys.prioritized!, stats: k.stats };
    await redis.hset(k.record('e1'), 'id', 'e1', 'status', 'succeeded', 'deliveries', '[]');
    await redis.hset(k.record('e2'), 'id', 'e2', 'status', 'succeeded', 'deliveries', '[]');
    const pending = [
      { recordKey: k.record('e1'), entry: entry('d1') },
      { recordKey: k.record('e2'), entry: entry('d2') },
      // a record gone (expired): left alone, not counted
      { recordKey: k.record('gone'), entry: entry('d3') },
    ];
    expect(await fairPrioritiesAndPending(redis, keys, ['a', 'a', 'b'], pending)).toEqual([1, 2, 1]);
    // the same tag state as the tags-only script: both go on from it
    expect(await fairPriorities(redis, { tags: keys.tags, prioritized: keys.prioritized }, ['b'])).toEqual([3]);
    expect(JSON.parse((await redis.hget(k.record('e1'), 'deliveries'))!)).toEqual([entry('d1')]);
    expect(JSON.parse((await redis.hget(k.record('e2'), 'deliveries'))!)).toEqual([entry('d2')]);
    expect(await redis.exists(k.record('gone'))).toBe(0);
    expect(await redis.hget(k.stats, 'queued')).toBe('2');

    // the same deliveries again (a hook run twice): nothing listed or counted twice, a `sent` entry kept
    await createLedger(redis, k).update('e1', { ...entry('d1'), status: 'sent', attempts: 1 }, 'sent');
    expect(await fairPrioritiesAndPending(redis, keys, ['c'], pending.slice(0, 2))).toEqual([4]);
    expect(JSON.parse((await redis.hget(k.record('e1'), 'deliveries'))!)).toEqual([{ ...entry('d1'), status: 'sent', attempts: 1 }]);
    expect(JSON.parse((await redis.hget(k.record('e2'), 'deliveries'))!)).toEqual([entry('d2')]);
    expect(await redis.hget(k.stats, 'queued')).toBe('2');
  });

  it('lists entries with no bulk job to tag, and tags with no entry to list', async () => {
    const k = deliveryKeys(prefix);
    const keys = { tags: k.fair, prioritized: queue.keys.prioritized!, stats: k.stats };
    await redis.hset(k.record('e1'), 'id', 'e1', 'status', 'succeeded', 'deliveries', '[]');
    expect(await fairPrioritiesAndPending(redis, keys, [], [{ recordKey: k.record('e1'), entry: entry('d1') }])).toEqual([]);
    expect(await redis.exists(k.fair)).toBe(0);
    expect(JSON.parse((await redis.hget(k.record('e1'), 'deliveries'))!)).toEqual([entry('d1')]);
    expect(await fairPrioritiesAndPending(redis, keys, ['x', 'x'], [])).toEqual([1, 2]);
    expect(await redis.hget(k.stats, 'queued')).toBe('1');
  });
});
