/**
 * Redis connections for the execution engine. Producers (gateways) fail fast when Redis is down
 * (no offline queue, one retry) and report it as {@link UnavailableError}; workers wait for Redis
 * (`maxRetriesPerRequest: null`, which BullMQ requires for blocking connections). The connections
 * are made by src/redis/connection.ts; {@link whenReady} and {@link guarded} work for every mode.
 */
import type { Redis } from 'ioredis';
import { UnavailableError } from '../errors.ts';

// the connections themselves are made in src/redis/connection.ts (url, Sentinel or Cluster)
export { coalesceWrites, producerConnection, workerConnection } from '../redis/connection.ts';

/** connections seen ready once: while such a one connects again (a Sentinel failover), callers fail at once */
const seenReady = new WeakSet<Redis>();

/** Resolves when `redis` is ready, or throws UnavailableError after `timeoutMs`. */
export async function whenReady(redis: Redis, timeoutMs = 2000): Promise<void> {
  if (redis.status === 'ready') {
    seenReady.add(redis);
    return;
  }
  // it has been connected before and lost Redis: fail at once rather than make callers wait
  if (redis.status === 'reconnecting' || (redis.status === 'connecting' && seenReady.has(redis))) throw new UnavailableError('Redis is not reachable');
  if (redis.status === 'end' || redis.status === 'close') {
    // a fail-fast client that gave up: try once more
    redis.connect().catch(() => undefined);
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new UnavailableError('Redis is not reachable'));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/** Runs `fn`; any connection-level failure becomes UnavailableError. */
export async function guarded<T>(redis: Redis, fn: () => Promise<T>): Promise<T> {
  await whenReady(redis);
  try {
    return await fn();
  } catch (err) {
    if (isConnectionError(err)) throw new UnavailableError('Redis is not reachable', { cause: err });
    throw err;
  }
}

/** A connection-level failure of an ioredis call (Redis away, the socket lost): what `guarded` turns into UnavailableError. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string };
  const text = `${e?.name ?? ''} ${e?.message ?? ''} ${e?.code ?? ''}`;
  // the last ones: a Sentinel failover (a demoted master, no master yet) or a Cluster moving slots
  // or failing a master over (its slots answered MOVED to the dead master until the replica takes over)
  return /MaxRetriesPerRequest|Connection is closed|enableOfflineQueue|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Stream isn't writeable|READONLY|MASTERDOWN|LOADING|CLUSTERDOWN|TRYAGAIN|All sentinels are unreachable|Cluster isn't ready|Failed to refresh slots|Too many Cluster redirections/i.test(
    text,
  );
}
