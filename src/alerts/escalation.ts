/**
 * Escalation (docs/contracts.md section 7): `escalate: [{after: 5m, notify: [...]}, …]` steps while
 * nobody acknowledged. One delayed BullMQ job per step on the `alerts` queue (keys.ts), job id
 * `esc-<alertId>-<step>`: step 1 is added when the alert fires, and each step, once sent, adds the
 * next, each due `after` from the first firing (`baseMs`). ACK, SILENCE and resolution remove the
 * pending job; the processor re-checks the record anyway (still firing, not acknowledged, not
 * silenced, step not sent), so a job that escaped removal does nothing. Delayed jobs live in
 * Redis: they survive restarts. UNACK goes on from the next step, as far after now as that step
 * was after the last one sent.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.ts';
import { workerConnection } from '../executions/redis.ts';
import { redisSettings } from '../redis/connection.ts';
import type { Logger } from '../log.ts';
import { parseDuration } from './duration.ts';
import { ALERT_QUEUE, alertKeys } from './keys.ts';

export interface EscalationJobData {
  alertId: string;
  /** 1-based: `escalate[step - 1]` */
  step: number;
  /** ms epoch the steps' `after` count from (the first firing; moved by an UNACK) */
  baseMs: number;
}

/** `after` of each step, in ms (config validated them). */
export const stepDelays = (escalate: readonly { after: string | number }[] | undefined): number[] =>
  (escalate ?? []).map((s) => parseDuration(String(s.after)) ?? 0);

export const escalationJobId = (alertId: string, step: number) => `esc-${alertId}-${step}`;

export interface EscalationScheduler {
  /** adds the delayed job of `step` (no-op past the last step) */
  schedule(data: EscalationJobData, delays: readonly number[], now: number): Promise<void>;
  /** removes the pending jobs of every step of the alert */
  cancel(alertId: string, steps: number): Promise<void>;
  close(): Promise<void>;
}

const jobOptions = (id: string, delay: number) => ({
  jobId: id,
  delay: Math.max(0, Math.round(delay)),
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 2000 },
  // ids are reused by an UNACK: nothing is kept
  removeOnComplete: true,
  removeOnFail: true,
});

/**
 * @example
 * const esc = createEscalationScheduler(config, redis, logger);
 * await esc.schedule({ alertId, step: 1, baseMs: Date.now() }, stepDelays(channel.escalate), Date.now());
 */
export function createEscalationScheduler(config: Config, connection: Redis, logger: Logger): EscalationScheduler {
  const queue = new Queue<EscalationJobData>(ALERT_QUEUE, { connection, prefix: alertKeys(config.main.redis.prefix).prefix });
  queue.on('error', (err: Error) => logger.debug({ err: err.message }, 'alerts queue error'));
  return {
    async schedule(data, delays, now) {
      const after = delays[data.step - 1];
      if (after === undefined) return;
      await queue.add('escalate', data, jobOptions(escalationJobId(data.alertId, data.step), data.baseMs + after - now));
    },
    async cancel(alertId, steps) {
      await Promise.all(
        Array.from({ length: steps }, (_, i) =>
          queue.remove(escalationJobId(alertId, i + 1)).catch((err: Error) => logger.debug({ alert: alertId, err: err.message }, 'escalation job not removed')),
        ),
      );
    },
    async close() {
      await queue.close().catch(() => undefined);
    },
  };
}

export interface AlertWorker {
  isRunning(): boolean;
  close(): Promise<void>;
}

/**
 * The worker of the `alerts` queue: runs `step(data)` for each due escalation job (the alert
 * service's `escalate`, which re-checks the record and notifies).
 *
 * @example
 * const worker = await startAlertWorker({ config, logger, step: (d) => core.escalate(d) });
 */
export async function startAlertWorker(opts: {
  config: Config;
  logger: Logger;
  step(data: EscalationJobData): Promise<unknown>;
  concurrency?: number;
}): Promise<AlertWorker> {
  const { config } = opts;
  const logger = opts.logger.child({ component: 'alerts' });
  const conn = workerConnection(redisSettings(config));
  conn.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  const stalledMs = Math.max(100, Math.round(config.main.executions.stalled_interval * 1000));
  const worker = new Worker<EscalationJobData>(ALERT_QUEUE, async (job: Job<EscalationJobData>) => opts.step(job.data), {
    connection: conn,
    prefix: alertKeys(config.main.redis.prefix).prefix,
    concurrency: opts.concurrency ?? 4,
    lockDuration: stalledMs * 2,
    stalledInterval: stalledMs,
  });
  worker.on('error', (err: Error) => logger.debug({ err: err.message }, 'alerts worker error'));
  worker.on('failed', (job, err) => logger.warn({ alert: job?.data.alertId, step: job?.data.step, err: err.message }, 'escalation step failed'));
  await worker.waitUntilReady();
  return {
    isRunning: () => worker.isRunning(),
    async close() {
      await worker.close().catch(() => undefined);
      await conn.quit().catch(() => conn.disconnect());
    },
  };
}
