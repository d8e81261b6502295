/**
 * The Redis connection of the API's own state (per-key rate limit, Idempotency-Key body hashes):
 * the gateway's shared connection (`AppDeps.redis`) when there is one, else one connection per
 * process and Redis URL opened on first use, unref'd so it never keeps a stopping process alive.
 */
import { Redis } from 'ioredis';
import type { Socket } from 'node:net';
import type { Logger } from '../log.ts';
import type { AppDeps } from './types.ts';

const owned = new Map<string, Redis>();

function ownConnection(url: string, logger: Logger): Redis {
  const existing = owned.get(url);
  if (existing && existing.status !== 'end') return existing;
  // fail fast like the execution service's producer: one retry, no offline queue once connected
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableAutoPipelining: false });
  redis.on('error', (err: Error) => logger.debug({ err: err.message }, 'api redis error'));
  redis.on('connect', () => (redis as unknown as { stream?: Socket }).stream?.unref());
  owned.set(url, redis);
  return redis;
}

/** A getter for the API's Redis connection: `deps.redis`, or its own one made on the first call. */
export function apiRedis(deps: Pick<AppDeps, 'redis' | 'config' | 'logger'>): () => Redis {
  let redis = deps.redis;
  return () => (redis ??= ownConnection(deps.config.main.redis.url, deps.logger.child({ component: 'api' })));
}
