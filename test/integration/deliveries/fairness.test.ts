/** The priority tags of the bulk queue (src/deliveries/fairness.ts) against a real Redis and BullMQ. */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fairPriorities, MAX_PRIORITY } from '../../../src/deliveries/fairness.ts';
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
