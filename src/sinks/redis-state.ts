/**
 * SinkState in Redis: one string key per entry, `<prefix>:<key>`. Give each channel its own prefix
 * (e.g. `sb:sink:github-ops`) so channels never share opt-outs or fingerprints by accident.
 */
import type { Redis } from 'ioredis';
import type { SinkState } from './sink.ts';

/**
 * @example
 * const state = createRedisSinkState(redis, `${config.main.redis.prefix}:sink:${channel.name}`);
 */
export function createRedisSinkState(redis: Redis, prefix: string): SinkState {
  const k = (key: string) => `${prefix}:${key}`;
  return {
    async get(key) {
      return (await redis.get(k(key))) ?? undefined;
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds) await redis.set(k(key), value, 'EX', ttlSeconds);
      else await redis.set(k(key), value);
    },
    async setIfAbsent(key, value, ttlSeconds) {
      const r = ttlSeconds ? await redis.set(k(key), value, 'EX', ttlSeconds, 'NX') : await redis.set(k(key), value, 'NX');
      return r === 'OK';
    },
    async delete(key) {
      await redis.del(k(key));
    },
  };
}
