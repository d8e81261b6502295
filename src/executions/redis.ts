/**
 * Redis connections for the execution engine. Producers (gateways) fail fast when Redis is down
 * (no offline queue, one retry) and report it as {@link UnavailableError}; workers wait for Redis
 * (`maxRetriesPerRequest: null`, which BullMQ requires for blocking connections).
 */
import { Redis } from 'ioredis';
import { UnavailableError } from '../errors.ts';

export function producerConnection(url: string): Redis {
  return coalesceWrites(new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, enableAutoPipelining: false, lazyConnect: false }));
}

/**
 * Commands sent in one turn of the event loop leave in one socket write: the first write of a turn
 * corks the connection's socket, the check phase of the same turn uncorks it (one writev). Under
 * load, the commands of many concurrent requests share a system call; an idle gateway waits for
 * nothing (the check phase follows the poll phase in the same turn).
 */
export function coalesceWrites(redis: Redis): Redis {
  redis.on('connect', () => {
    const stream = redis.stream as unknown as import('node:net').Socket;
    const write = stream.write;
    let corked = false;
    const uncork = () => {
      corked = false;
      stream.uncork();
    };
    stream.write = function (this: unknown, ...args: unknown[]) {
      if (!corked) {
        corked = true;
        stream.cork();
        setImmediate(uncork);
      }
      return (write as (...a: unknown[]) => boolean).apply(stream, args);
    } as typeof stream.write;
  });
  return redis;
}

export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableAutoPipelining: false });
}

/** Resolves when `redis` is ready, or throws UnavailableError after `timeoutMs`. */
export async function whenReady(redis: Redis, timeoutMs = 2000): Promise<void> {
  if (redis.status === 'ready') return;
  // it has been connected before and lost Redis: fail at once rather than make callers wait
  if (redis.status === 'reconnecting') throw new UnavailableError('Redis is not reachable');
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

function isConnectionError(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string };
  const text = `${e?.name ?? ''} ${e?.message ?? ''} ${e?.code ?? ''}`;
  return /MaxRetriesPerRequest|Connection is closed|enableOfflineQueue|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Stream isn't writeable/i.test(text);
}
