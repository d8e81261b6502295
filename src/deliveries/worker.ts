/**
 * The consumer side: a BullMQ worker on the deliveries queue, one sink per channel (built once,
 * closed on close). Retries use the `delivery` backoff (exponential, jitter, cap, Retry-After);
 * rate limits are per channel (see rate-limit.ts). Crash safety: lock = 2 x
 * `executions.stalled_interval`, stalled check every interval; a job that stalls (worker killed
 * mid-send) is re-run by another worker.
 */
import { setMaxListeners } from 'node:events';
import { Queue, Worker } from 'bullmq';
import type { Config } from '../config/types.ts';
import { workerConnection } from '../executions/redis.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { channelState } from '../redis/channel-state.ts';
import { deliveryBackoff } from './backoff.ts';
import { createChannelSinks } from './channel-sinks.ts';
import type { DeliveryJobData } from './job.ts';
import { deliveryKeys, DELIVERY_QUEUE } from './keys.ts';
import { createLedger } from './ledger.ts';
import { meteredLedger } from './metered-ledger.ts';
import { processDelivery } from './process-delivery.ts';
import { createRateLimiter } from './rate-limit.ts';

export interface DeliveryWorkerOptions {
  config: Config;
  logger: Logger;
  /** sends in flight in this process (default 20) */
  concurrency?: number;
  /** how long one provider call may take, ms (default 15000) */
  sendTimeoutMs?: number;
  /** seconds to let running sends finish on close before aborting them (default 10) */
  shutdownGraceSeconds?: number;
  /** counts outcomes by channel kind; absent = not counted */
  metrics?: Metrics;
}

export interface DeliveryWorker {
  /** true while the BullMQ worker takes jobs (`/readyz`) */
  isRunning(): boolean;
  close(): Promise<void>;
}

/**
 * @example
 * const deliveries = await startDeliveryWorker({ config, logger });
 * process.on('SIGTERM', () => deliveries.close());
 */
export async function startDeliveryWorker(opts: DeliveryWorkerOptions): Promise<DeliveryWorker> {
  const { config } = opts;
  const logger = opts.logger.child({ component: 'deliveries' });
  const keys = deliveryKeys(config.main.redis.prefix);
  const conn = workerConnection(config.main.redis.url);
  conn.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  const sendTimeoutMs = opts.sendTimeoutMs ?? 15_000;
  const sinks = createChannelSinks(config, logger, (name) => channelState(conn, config.main.redis.prefix, name), sendTimeoutMs);
  const queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection: conn, prefix: keys.prefix });
  queue.on('error', (err: Error) => logger.debug({ err: err.message }, 'queue error'));
  const stopping = new AbortController();
  // every send in flight listens on it (concurrency may be well over the default 10)
  setMaxListeners(0, stopping.signal);
  const deps = {
    sinks,
    ledger: opts.metrics ? meteredLedger(createLedger(conn, keys), opts.metrics, (name) => config.channels.get(name)?.kind) : createLedger(conn, keys),
    limiter: createRateLimiter(conn, keys, config.channels),
    queue,
    logger,
    secrets: config.secrets,
    sendTimeoutMs: sendTimeoutMs + 1000,
    stopping: stopping.signal,
  };

  const stalledMs = Math.max(100, Math.round(config.main.executions.stalled_interval * 1000));
  const worker = new Worker<DeliveryJobData>(DELIVERY_QUEUE, (job, token) => processDelivery(job, token, deps), {
    connection: conn,
    prefix: keys.prefix,
    concurrency: opts.concurrency ?? 20,
    stalledInterval: stalledMs,
    lockDuration: stalledMs * 2,
    maxStalledCount: 5,
    settings: { backoffStrategy: (attemptsMade, type, err) => deliveryBackoff(attemptsMade, type, err) },
  });
  worker.on('error', (err: Error) => logger.warn({ err: err.message }, 'worker error'));
  await worker.waitUntilReady();

  return {
    isRunning: () => worker.isRunning(),
    async close() {
      const closing = worker.close();
      const timer = setTimeout(() => stopping.abort(), (opts.shutdownGraceSeconds ?? 10) * 1000);
      try {
        await closing;
      } finally {
        clearTimeout(timer);
        await sinks.close();
        await queue.close().catch(() => undefined);
        await conn.quit().catch(() => conn.disconnect());
      }
    },
  };
}
