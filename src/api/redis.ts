/**
 * The Redis connection of the API's own state (per-key rate limit, Idempotency-Key body hashes):
 * the gateway's shared connection (`AppDeps.redis`) when there is one, else one connection per
 * process and Redis deployment opened on first use, unref'd so it never keeps a stopping process alive.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import { ownConnection, redisSettings, settingsKey, unrefSockets, type RedisSettings } from '../redis/connection.ts';
import type { AppDeps } from './types.ts';

const owned = new Map<string, Redis>();

function apiConnection(settings: RedisSettings, logger: Logger): Redis {
  const key = settingsKey(settings);
  const existing = owned.get(key);
  if (existing && existing.status !== 'end') return existing;
  // fail fast like the execution service's producer: one retry, no offline queue once connected
  const redis = unrefSockets(ownConnection(settings, { maxRetriesPerRequest: 1, enableAutoPipelining: false }));
  redis.on('error', (err: Error) => logger.debug({ err: err.message }, 'api redis error'));
  owned.set(key, redis);
  return redis;
}

/** A getter for the API's Redis connection: `deps.redis`, or its own one made on the first call. */
export function apiRedis(deps: Pick<AppDeps, 'redis' | 'config' | 'logger'>): () => Redis {
  let redis = deps.redis;
  return () => (redis ??= apiConnection(redisSettings(deps.config), deps.logger.child({ component: 'api' })));
}
