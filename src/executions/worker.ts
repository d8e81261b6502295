/**
 * The consumer side: a BullMQ worker on the executions queue. Stalled jobs (a worker killed
 * mid-run) are detected after `executions.stalled_interval` (lock = twice that) and run again when
 * the action has retries left, else end `failed` with "worker lost". `close()` stops taking jobs,
 * lets running ones finish for up to `shutdown_grace` seconds, then stops them; a stopped run is
 * left to the stalled-job check of another worker, like a crash.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.ts';
import type { CommandGate } from '../deliveries/command-gate.ts';
import type { Logger } from '../log.ts';
import { startCancelWatcher } from './cancel-watcher.ts';
import { retentionSecondsOf, type ExecutionJobData } from './job-options.ts';
import { executionKeys, QUEUE_NAME } from './keys.ts';
import { createRecordStore } from './records.ts';
import { coalesceWrites, workerConnection } from './redis.ts';
import { redisSettings } from '../redis/connection.ts';
import type { ProgressUpdate } from './progress.ts';
import { leaseOf, runExecutionJob } from './run-execution.ts';
import { createRunners, type BuiltinDeps } from './runners/index.ts';
import { createExecutionService } from './service.ts';
import type { ExecutionRecord, ExecutionService } from './types.ts';

export interface ExecutionWorkerHooks {
  /** called exactly once per execution reaching a terminal state (notifications plug in here) */
  onTerminal?(exec: ExecutionRecord): Promise<void>;
  /**
   * a running execution's progress, throttled (at most one call every 2 s per run, never two at once):
   * step 0 when it starts running, then its last output line or a module's `context.progress(text)`.
   * Best effort: an error is logged and the run goes on (src/executions/progress.ts).
   */
  onProgress?(exec: ExecutionRecord, update: ProgressUpdate): Promise<void>;
}

export interface ExecutionWorkerOptions {
  config: Config;
  logger: Logger;
  /** jobs run at once by this process (default `executions.concurrency`) */
  concurrency?: number;
  hooks?: ExecutionWorkerHooks;
  builtins?: BuiltinDeps;
  /** base environment the shell runner filters with each action's `env_allow` (default: empty) */
  env?: Record<string, string | undefined>;
  /** seconds between SIGTERM and SIGKILL for a stopped shell action (default 5) */
  killGraceSeconds?: number;
  /** this process's command work (src/deliveries/command-gate.ts): each running execution is counted in it (default: none) */
  gate?: CommandGate;
  /** BullMQ worker name stored on processed jobs (default: none) */
  name?: string;
}

export interface ExecutionWorker {
  /** true while the BullMQ worker takes jobs (`/readyz`) */
  isRunning(): boolean;
  /** stop taking jobs; wait up to `graceSeconds` (default `executions.shutdown_grace`) for running ones */
  close(graceSeconds?: number): Promise<void>;
}

const STALLED_LIMIT = 'job stalled more than allowable limit';
/** tries of the onTerminal hook (backoff 0.5 s doubling, capped at 10 s: about a minute in all) */
const HOOK_ATTEMPTS = 8;

/** settles when `p` does or after `ms`, whichever is first; never rejects */
function withinMs(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([
    p.then(
      () => undefined,
      () => undefined,
    ),
    late,
  ]).finally(() => clearTimeout(timer));
}

/** the error of an execution whose job was never added (see `sweepOrphans`) */
export const ORPHAN_ERROR = 'not queued: Redis failed while the command was being accepted (it was answered 503)';

/**
 * @example
 * const worker = await startExecutionWorker({ config, logger, env: process.env, hooks: { onTerminal: notify } });
 * process.on('SIGTERM', () => worker.close());
 */
export async function startExecutionWorker(opts: ExecutionWorkerOptions): Promise<ExecutionWorker> {
  const { config } = opts;
  const ex = config.main.executions;
  const logger = opts.logger.child({ component: 'worker' });
  const keys = executionKeys(config.main.redis.prefix);
  const conn: Redis = coalesceWrites(workerConnection(redisSettings(config)));
  conn.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  const store = createRecordStore(conn, keys, retentionSecondsOf(ex.retention_days));
  const watcher = await startCancelWatcher({ subscriber: conn.duplicate(), channel: keys.cancelChannel, store, logger, lease: leaseOf(config) });

  let service: ExecutionService | undefined;
  const lazyService = () => (service ??= createExecutionService({ config, logger: opts.logger }));
  const builtins: BuiltinDeps = {
    help: opts.builtins?.help,
    executions: opts.builtins?.executions ?? { get: (id) => lazyService().get(id), cancel: (id) => lazyService().cancel(id) },
  };
  const runners = createRunners({ config, env: opts.env ?? {}, builtins, killGraceSeconds: opts.killGraceSeconds ?? 5 });

  const runHook = async (rec: ExecutionRecord) => {
    // claimed once per execution in Redis and kept in the hook outbox until it ran: retry it (it must
    // be idempotent) rather than lose notifications; a hook still owed is swept up below
    for (let attempt = 1; ; attempt++) {
      try {
        if (opts.hooks?.onTerminal) await opts.hooks.onTerminal(rec);
        // not awaited: the job ends without waiting for it; if it is lost (Redis away, a crash) the
        // sweep below runs the hook again, which queues nothing twice (delivery ids are job ids)
        store.hookDone(rec.id).catch((err: Error) => logger.debug({ execution: rec.id, err: err.message }, 'hook outbox entry not removed'));
        return;
      } catch (err) {
        if (attempt >= HOOK_ATTEMPTS) return logger.error({ execution: rec.id, err: (err as Error).message }, 'onTerminal hook failed; left in the outbox');
        logger.warn({ execution: rec.id, attempt, err: (err as Error).message }, 'onTerminal hook failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** attempt)));
      }
    }
  };
  const terminal = async (rec: ExecutionRecord) => {
    // a success is at debug: the record says it (status, finished_at: `GET /api/v1/executions/:id`,
    // `switchboard executions`), and the metrics count it (`switchboard_executions_total` by status and
    // action); one line per command was a measurable share of the worker's CPU (bench e2e)
    const line = { execution: rec.id, status: rec.status, action: rec.action };
    if (rec.status === 'succeeded') logger.debug(line, 'execution ended');
    else logger.info(line, 'execution ended');
    await runHook(rec);
  };
  const onProgress = opts.hooks?.onProgress;
  const deps = { config, logger, store, watcher, runners, terminal, ...(onProgress && { progress: onProgress }) };

  const stalledMs = Math.max(100, Math.round(ex.stalled_interval * 1000));
  const gate = opts.gate;
  const worker = new Worker<ExecutionJobData>(
    QUEUE_NAME,
    gate ? (job, token) => gate.track(() => runExecutionJob(job, deps, token)) : (job, token) => runExecutionJob(job, deps, token),
    {
      connection: conn,
      prefix: keys.prefix,
      concurrency: opts.concurrency ?? ex.concurrency,
      stalledInterval: stalledMs,
      lockDuration: stalledMs * 2,
      // a lost run is judged by the start script against the action's retries, not by BullMQ
      maxStalledCount: 1000,
      ...(opts.name && { name: opts.name }),
    },
  );
  worker.on('error', (err: Error) => logger.warn({ err: err.message }, 'worker error'));
  worker.on('failed', (job: Job<ExecutionJobData> | undefined, err: Error) => {
    if (!job || job.name !== 'run') return;
    const final = err.message === STALLED_LIMIT || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    const error = err.message === STALLED_LIMIT || err.name === 'RetryRun' ? 'worker lost' : err.message;
    const id = job.data.execution.id;
    store
      .finish(id, 'failed', { error })
      .then(async (changed) => {
        const rec = changed ? await store.get(id) : undefined;
        if (rec) await terminal(rec);
      })
      .catch((e: Error) => logger.error({ execution: job.data.execution.id, err: e.message }, 'could not record failure'));
  });
  await worker.waitUntilReady();

  // the hook outbox: an execution whose worker died between recording its end and notifying
  const sweepAgeMs = stalledMs * 4;
  const sweep = async () => {
    for (const id of await store.sweepHooks(sweepAgeMs, 50)) {
      const rec = await store.get(id);
      if (!rec) await store.hookDone(id);
      else {
        logger.warn({ execution: id }, 'running an owed terminal hook (its worker was lost)');
        await runHook(rec);
      }
    }
  };
  // records without a job: `submit` writes the record, then adds its job; when Redis fails between
  // the two writes the caller is answered 503 and the record would stay `queued` for ever. Once old
  // enough (a resubmission with the same idempotency key re-adds the job before then), such a record
  // with no job ends `failed`, never run: the caller was told it was not accepted.
  const jobs = new Queue<ExecutionJobData>(QUEUE_NAME, { connection: conn, prefix: keys.prefix });
  jobs.on('error', (err: Error) => logger.debug({ err: err.message }, 'queue error'));
  const orphanAgeMs = Math.max(10_000, stalledMs * 10);
  const sweepOrphans = async () => {
    const cutoff = (Date.now() - orphanAgeMs) * 1000;
    for (const { id } of await store.page('queued', `(${cutoff}`, 50)) {
      const rec = await store.get(id);
      if (!rec || rec.status !== 'queued' || rec.attempts > 0 || (await jobs.getJob(id))) continue;
      const now = new Date().toISOString();
      const r = await store.complete(id, 'failed', { error: ORPHAN_ERROR }, now, now);
      logger.warn({ execution: id }, 'execution record without a job (Redis failed during its submit): ended failed');
      if (r.kind === 'done') await terminal({ ...rec, status: 'failed', error: ORPHAN_ERROR, attempts: r.attempts, started_at: now, finished_at: now });
    }
  };
  const sweeper = setInterval(() => {
    void sweep().catch((e: Error) => logger.debug({ err: e.message }, 'hook sweep failed'));
    void sweepOrphans().catch((e: Error) => logger.debug({ err: e.message }, 'orphan sweep failed'));
  }, stalledMs * 2);
  sweeper.unref();

  return {
    isRunning: () => worker.isRunning(),
    async close(graceSeconds = ex.shutdown_grace) {
      clearInterval(sweeper);
      await jobs.close().catch(() => undefined);
      const closing = worker.close();
      const timer = setTimeout(() => {
        logger.warn('shutdown grace over; stopping running executions');
        for (const c of watcher.controllers()) c.abort('shutdown');
      }, graceSeconds * 1000);
      try {
        await closing;
      } finally {
        clearTimeout(timer);
        await watcher.close();
        // the hooks that ran leave the outbox now, or another worker's sweep would run them again;
        // never waiting for Redis (a stop while it is away must not hang): what is left is swept
        if (conn.status === 'ready') await withinMs(store.flushHookDone(), 1000);
        await service?.close();
        await conn.quit().catch(() => conn.disconnect());
      }
    },
  };
}
