/**
 * The consumer side: two BullMQ workers, one on the bulk `deliveries` queue and one on `replies`
 * (answers to commands), each with its own concurrency (`deliveries.concurrency`,
 * `deliveries.reply_concurrency`), so a storm of bulk notifications never holds the slots an answer
 * needs; one sink per channel (built once, shared, closed on close). Retries use the `delivery` backoff (exponential, jitter, cap, Retry-After);
 * rate limits are per channel (see rate-limit.ts). Crash safety: lock = 2 x
 * `executions.stalled_interval`, stalled check every interval; a job that stalls (worker killed
 * mid-send) is re-run by another worker.
 */
import { setMaxListeners } from 'node:events';
import { Queue, Worker, type Processor } from 'bullmq';
import type { Config } from '../config/types.ts';
import { coalesceWrites, workerConnection } from '../executions/redis.ts';
import { redisSettings } from '../redis/connection.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { channelState } from '../redis/channel-state.ts';
import { deliveryBackoff } from './backoff.ts';
import { createChannelSinks } from './channel-sinks.ts';
import { kindsOf, loadProviderRuntimes } from '../providers/runtimes.ts';
import { openGate, type CommandGate } from './command-gate.ts';
import { startDigestWorker } from './digest.ts';
import type { DeliveryJobData } from './job.ts';
import type { NotifyTrigger } from '../notify/types.ts';
import { deliveryKeys, DELIVERY_QUEUE, REPLY_QUEUE, type DeliveryQueueName } from './keys.ts';
import { createLedger } from './ledger.ts';
import { meteredLedger } from './metered-ledger.ts';
import { processDelivery } from './process-delivery.ts';
import { startLoopGuard } from './loop-guard.ts';
import { createRateLimiter, startPauseWatch } from './rate-limit.ts';

/**
 * Bulk deliveries that never wait for the command gate: an execution's outcome notifications. At a
 * steady flow of commands the gate is never idle in a worker process, so each `on_success` waited
 * its full `command_gate_wait_ms` (bench e2e, issue 16); the gate still holds back API
 * notifications, alerts and digests.
 */
const OUTCOME_TRIGGERS: ReadonlySet<NotifyTrigger> = new Set(['on_success', 'on_failure', 'on_complete']);

/**
 * A counting limit whose size the loop guard steers (loop-guard.ts `Steerable`): each bulk send
 * other than an outcome notification holds a slot while it runs. The BullMQ worker keeps its full
 * concurrency, so outcome notifications are taken even while the guard holds the rest to one.
 */
function createSlots(max: number): { concurrency: number; run<T>(work: () => Promise<T>): Promise<T> } {
  let size = max;
  let used = 0;
  const waiting: (() => void)[] = [];
  const pump = () => {
    while (used < size && waiting.length > 0) {
      used += 1;
      waiting.shift()!();
    }
  };
  return {
    get concurrency() {
      return size;
    },
    set concurrency(n: number) {
      size = n;
      pump();
    },
    async run(work) {
      if (used < size) used += 1;
      else await new Promise<void>((r) => waiting.push(r));
      try {
        return await work();
      } finally {
        used -= 1;
        pump();
      }
    },
  };
}

export interface DeliveryWorkerOptions {
  config: Config;
  logger: Logger;
  /** bulk sends in flight in this process (default `deliveries.concurrency`) */
  concurrency?: number;
  /** answers to commands in flight in this process, apart from the bulk (default `deliveries.reply_concurrency`) */
  replyConcurrency?: number;
  /** the event-loop delay, ms, over which the bulk gives way (loop-guard.ts); null: never (default `deliveries.yield_at_loop_delay_ms`) */
  yieldAtLoopDelayMs?: number | null;
  /** this process's command work (command-gate.ts): answers are counted in it, bulk sends wait for it to be idle (default: none) */
  gate?: CommandGate;
  /** the most a bulk send waits for the gate, ms; null: never waits (default `deliveries.command_gate_wait_ms`) */
  gateWaitMs?: number | null;
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
  await loadProviderRuntimes(kindsOf(config));
  const logger = opts.logger.child({ component: 'deliveries' });
  const keys = deliveryKeys(config.main.redis.prefix);
  // the bulk's commands of one loop turn leave in one socket write (a storm's sends would otherwise
  // make one write system call per Redis command: a tenth of the process's CPU in the storm bench)
  const conn = coalesceWrites(workerConnection(redisSettings(config)));
  conn.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  const sendTimeoutMs = opts.sendTimeoutMs ?? 15_000;
  const sinks = createChannelSinks(config, logger, (name) => channelState(conn, config.main.redis.prefix, name), sendTimeoutMs);
  // the answers' own connection: their job moves and ledger writes never wait behind the bulk's on one socket
  const replyConn = workerConnection(redisSettings(config));
  replyConn.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  // fallbacks are added to the queue of their primary: the worker's own
  const queueNamed = (name: DeliveryQueueName, connection: typeof conn) => {
    const q = new Queue<DeliveryJobData>(name, { connection, prefix: keys.prefix });
    q.on('error', (err: Error) => logger.debug({ err: err.message, queue: name }, 'queue error'));
    return q;
  };
  const queues = [queueNamed(DELIVERY_QUEUE, conn), queueNamed(REPLY_QUEUE, replyConn)] as const;
  const ledgerOn = (connection: typeof conn) =>
    opts.metrics ? meteredLedger(createLedger(connection, keys), opts.metrics, (name) => config.channels.get(name)?.kind) : createLedger(connection, keys);
  // the channels' Retry-After pauses, known here as they happen: a channel with no rate needs no
  // round trip before each send while this copy is current (rate-limit.ts)
  const pauses = startPauseWatch({ subscriber: workerConnection(redisSettings(config)), redis: conn, keys, logger });
  const stopping = new AbortController();
  // every send in flight listens on it (concurrency may be well over the default 10)
  setMaxListeners(0, stopping.signal);
  const common = {
    sinks,
    ledger: ledgerOn(conn),
    limiter: createRateLimiter(conn, keys, config.channels, pauses),
    logger,
    secrets: config.secrets,
    sendTimeoutMs: sendTimeoutMs + 1000,
    stopping: stopping.signal,
  };

  const stalledMs = Math.max(100, Math.round(config.main.executions.stalled_interval * 1000));
  // commands first (command-gate.ts): an answer counts as command work; a bulk send starts only when none is in flight here
  const gate = opts.gate ?? openGate;
  const gateWaitMs = opts.gateWaitMs !== undefined ? opts.gateWaitMs : config.main.deliveries.command_gate_wait_ms;
  const bulkConcurrency = opts.concurrency ?? config.main.deliveries.concurrency;
  // the bulk sends the loop guard steers (all but outcome notifications)
  const bulkSlots = createSlots(bulkConcurrency);
  const workerOn = (queue: (typeof queues)[number], connection: typeof conn, concurrency: number) => {
    const deps =
      connection === conn
        ? { ...common, queue }
        : { ...common, ledger: ledgerOn(connection), limiter: createRateLimiter(connection, keys, config.channels, pauses), queue };
    const bulk = queue.name === DELIVERY_QUEUE;
    const run: Processor<DeliveryJobData> = !bulk
      ? (job, token) => gate.track(() => processDelivery(job, token, deps))
      : async (job, token) => {
          // a command's own outcome (`on_*`) is the end of that command's path, not bulk from
          // elsewhere: it waits neither for the gate (the next commands' executions in this
          // process) nor for a slot the loop guard left
          if (OUTCOME_TRIGGERS.has(job.data.trigger)) return processDelivery(job, token, deps);
          return bulkSlots.run(async () => {
            if (gateWaitMs !== null) await gate.idle(gateWaitMs);
            return processDelivery(job, token, deps);
          });
        };
    const worker = new Worker<DeliveryJobData>(queue.name, run, {
      connection,
      prefix: keys.prefix,
      concurrency,
      stalledInterval: stalledMs,
      lockDuration: stalledMs * 2,
      maxStalledCount: 5,
      settings: { backoffStrategy: (attemptsMade, type, err) => deliveryBackoff(attemptsMade, type, err) },
    });
    worker.on('error', (err: Error) => logger.warn({ err: err.message, queue: queue.name }, 'worker error'));
    return worker;
  };
  const bulkWorker = workerOn(queues[0], conn, bulkConcurrency);
  const workers = [bulkWorker, workerOn(queues[1], replyConn, opts.replyConcurrency ?? config.main.deliveries.reply_concurrency)];
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  // a CPU-bound storm gives the event loop back to commands (loop-guard.ts); the replies worker is never steered
  const yieldAt = opts.yieldAtLoopDelayMs !== undefined ? opts.yieldAtLoopDelayMs : config.main.deliveries.yield_at_loop_delay_ms;
  const guard =
    yieldAt === null
      ? undefined
      : startLoopGuard(
          bulkSlots,
          { min: 1, max: bulkConcurrency, targetMs: yieldAt },
          {
            onChange: (concurrency, delayMs) =>
              logger.debug({ concurrency, loop_delay_ms: Math.round(delayMs) }, 'bulk concurrency steered by event-loop delay'),
          },
        );
  // quiet hours: the digest jobs (src/deliveries/digest.ts) queue their digests on the bulk queue
  const digests = await startDigestWorker({
    connection: conn,
    redisPrefix: config.main.redis.prefix,
    deliveries: queues[0],
    ledger: common.ledger,
    logger,
    stalledIntervalMs: stalledMs,
  });

  return {
    isRunning: () => workers.every((w) => w.isRunning()),
    async close() {
      guard?.stop();
      const closing = Promise.all([...workers.map((w) => w.close()), digests.close()]);
      const timer = setTimeout(() => stopping.abort(), (opts.shutdownGraceSeconds ?? 10) * 1000);
      try {
        await closing;
      } finally {
        clearTimeout(timer);
        await sinks.close();
        await pauses.close();
        await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
        await Promise.all([conn, replyConn].map((c) => c.quit().catch(() => c.disconnect())));
      }
    },
  };
}
