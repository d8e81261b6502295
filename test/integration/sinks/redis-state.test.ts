import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisSinkState } from '../../../src/sinks/redis-state.ts';

describe('createRedisSinkState', () => {
  let redis: Redis;
  const prefix = `test-${randomUUID()}`;
  beforeAll(() => {
    redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  });
  afterAll(() => redis.quit());

  it('gets, sets and deletes under the prefix', async () => {
    const state = createRedisSinkState(redis, prefix);
    expect(await state.get('a')).toBeUndefined();
    await state.set('a', '1');
    expect(await state.get('a')).toBe('1');
    expect(await redis.get(`${prefix}:a`)).toBe('1');
    await state.delete('a');
    expect(await state.get('a')).toBeUndefined();
  });

  it('sets only when absent', async () => {
    const state = createRedisSinkState(redis, prefix);
    expect(await state.setIfAbsent('k', 'first', 60)).toBe(true);
    expect(await state.setIfAbsent('k', 'second', 60)).toBe(false);
    expect(await state.get('k')).toBe('first');
    expect(await redis.ttl(`${prefix}:k`)).toBeGreaterThan(0);
  });

  it('applies a ttl to set', async () => {
    const state = createRedisSinkState(redis, prefix);
    await state.set('t', 'v', 30);
    expect(await redis.ttl(`${prefix}:t`)).toBeGreaterThan(0);
    await state.set('p', 'v');
    expect(await redis.ttl(`${prefix}:p`)).toBe(-1);
  });
});
