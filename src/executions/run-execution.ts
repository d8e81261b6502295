/**
 * One job of the executions queue, start to end: claim the run atomically (which also spots a run
 * lost with a dead worker), run the action under its timeout and the cancel watcher, then record
 * the terminal status, or go back to `queued` and let BullMQ retry with backoff. A run holds a
 * lease on its record (renewed by the cancel watcher): a job handed out twice while its run goes
 * on (a Redis failover lost the hand-out) finds the record busy and is handed back, delayed.
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, type Job } from 'bullmq';
import type { ActionConfig, Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import type { CancelWatcher } from './cancel-watcher.ts';
import type { ExecutionJobData } from './job-options.ts';
import { LiveOutput } from './live-output.ts';
import { ProgressReporter, type ProgressUpdate } from './progress.ts';
import type { RecordStore, RunLease, StartResult } from './records.ts';
import { isConnectionError } from './redis.ts';
import { stopReasonOf, type Runner, type RunnerKind, type RunOutcome } from './runners/index.ts';
import { processTag, reapLostRun } from './process-tag.ts';
import type { ExecutionRecord } from './types.ts';

export interface RunDeps {
  config: Config;
  logger: Logger;
  store: RecordStore;
  watcher: CancelWatcher;
  runners: Map<RunnerKind, Runner>;
  /** called once per execution that reaches a terminal state (errors are logged, never thrown) */
  terminal(rec: ExecutionRecord): Promise<void>;
  /** the run's progress (running, then its last output line), throttled; absent = not reported (src/executions/progress.ts) */
  progress?(rec: ExecutionRecord, update: ProgressUpdate): Promise<void>;
}

/** Thrown to make BullMQ retry the job (with backoff) or leave it to the stalled-job check. */
export class RetryRun extends Error {
  override name = 'RetryRun';
}

/** a run's lease on its record: 2 x `stalled_interval` (BullMQ's lock), renewed every `stalled_interval` */
export function leaseOf(config: Config): { ms: number; everyMs: number } {
  const stalledMs = Math.max(100, Math.round(config.main.executions.stalled_interval * 1000));
  return { ms: stalledMs * 2, everyMs: stalledMs };
}

/**
 * The start (the record going `running` under this run's lease), sent again under the **same** run
 * token while Redis answers with a connection or failover error, for up to half the lease. A start
 * Redis applied but whose answer was lost (the old master of a failover ran it, the client got
 * CLUSTERDOWN, READONLY or a closed connection) is then answered `run`, its own token, and the run
 * goes on: given up, it would have left a lease no one renews, and the job's retry (a new token)
 * would have waited it out, then ended the execution `worker lost` with nothing run
 * (RELIABILITY.md, crash window 7). Any other error, or the time up, is thrown as before.
 */
async function startUnderOwnToken(
  store: RecordStore,
  id: string,
  maxRuns: number,
  createdAt: string | undefined,
  lease: RunLease,
  logger: Logger,
): Promise<StartResult> {
  const until = Date.now() + lease.ms / 2;
  for (let waitMs = 50; ; waitMs = Math.min(waitMs * 2, 1_000)) {
    try {
      return await store.start(id, maxRuns, createdAt, lease);
    } catch (err) {
      if (!isConnectionError(err) || Date.now() + waitMs >= until) throw err;
      logger.debug({ execution: id, err: (err as Error).message, retry_in_ms: waitMs }, 'start not answered; sending it again under the same run token');
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

/** `lockToken`: the BullMQ lock token of the job (the processor's second argument), to hand a busy job back */
export async function runExecutionJob(job: Job<ExecutionJobData>, deps: RunDeps, lockToken?: string): Promise<void> {
  const { store, watcher, config } = deps;
  const snapshot = job.data.execution;
  const id = snapshot.id;
  if (job.name === 'finalize') {
    const rec = await store.claimHook(id);
    if (rec) await deps.terminal(rec);
    return;
  }
  const action = config.actions.get(snapshot.action);
  const instantRunner = action && runners(deps, action.runner);
  if (action && instantRunner?.instant?.(action)) return runInstant(snapshot, action, instantRunner, deps);
  const maxRuns = (action?.retries ?? 0) + 1;
  const controller = new AbortController();
  const runToken = randomUUID();
  watcher.watch(id, controller, runToken);
  try {
    const start = await startUnderOwnToken(store, id, maxRuns, snapshot.created_at, { token: runToken, ms: leaseOf(config).ms }, deps.logger);
    if (start.kind === 'missing') return;
    if (start.kind === 'busy') {
      // this job was handed out twice (a failover lost its first hand-out) and its first run goes on:
      // never run it again nor take that run for lost; back to the queue until that run's lease ends
      // (by then the record is terminal and this job ends, a no-op), without using a retry
      deps.logger.warn({ execution: id, job: job.id, retry_in_ms: start.retryInMs }, 'job handed out while its run goes on elsewhere; delayed');
      if (!lockToken) throw new RetryRun('another run of this execution goes on');
      await job.moveToDelayed(Date.now() + start.retryInMs + 100, lockToken);
      throw new DelayedError();
    }
    if (start.kind === 'terminal') {
      if (start.claimed && start.record) await deps.terminal(start.record);
      return;
    }
    if (start.kind === 'canceled' || start.kind === 'lost') {
      if (start.kind === 'lost') {
        deps.logger.warn({ execution: id }, 'previous run was lost with its worker');
        await reapLost(id, deps.logger.child({ execution: id }), deps);
      }
      await deps.terminal(start.record);
      return;
    }
    if (start.kind !== 'run') return;
    const logger = deps.logger.child({ execution: id, action: snapshot.action, attempt: start.attempts });

    if (start.lost) {
      logger.warn('previous run was lost with its worker; running again');
      // never two runs at once: what the lost run left going is stopped first
      await reapLost(id, logger, deps);
    }
    const execution: ExecutionRecord = { ...snapshot, status: 'running', attempts: start.attempts, started_at: new Date().toISOString() };
    if (!action) return await end(execution, 'failed', { error: `unknown action ${snapshot.action}` }, deps);
    const runner = runners(deps, action.runner);
    if (!runner) return await end(execution, 'failed', { error: `action ${action.ref} has no runnable runner` }, deps);

    const timer = setTimeout(() => controller.abort('timeout'), action.timeout * 1000);
    // what the action prints, on the record while it runs; the end of the run (its result) replaces it
    const live = new LiveOutput({
      limit: config.main.executions.output_limit,
      write: (delta) => store.appendOutput(id, start.attempts, delta),
      onError: (err) => logger.debug({ err: err.message }, 'live output not recorded'),
    });
    const report = deps.progress;
    const progress = report
      ? new ProgressReporter({ emit: (u) => report(execution, u), onError: (err) => logger.debug({ err: err.message }, 'progress not reported') })
      : undefined;
    progress?.start();
    let outcome: RunOutcome;
    try {
      const onSpawn = (pid: number) => {
        store.setProcess(id, processTag(pid)).catch((err: Error) => logger.debug({ err: err.message }, 'process not recorded'));
      };
      const output = (stream: 'stdout' | 'stderr', chunk: Buffer | string) => {
        live.push(stream, chunk);
        progress?.output(stream, chunk);
      };
      outcome = await runner.run(action, snapshot.params ?? {}, {
        signal: controller.signal,
        logger,
        execution,
        onSpawn,
        output,
        ...(progress && { progress: (text: string) => progress.progress(text) }),
      });
    } catch (err) {
      outcome = { status: 'failed', error: (err as Error)?.message ?? String(err) };
    } finally {
      clearTimeout(timer);
      live.close();
      progress?.close();
    }
    const reason = stopReasonOf(controller.signal);
    if (reason === 'shutdown') {
      // what it ran is stopped: let its lease go, so that another worker takes the run up at once
      await store.renewLeases([{ id, token: runToken }], 0).catch(() => undefined);
      throw new RetryRun('worker shut down during the run');
    }
    if (reason === 'canceled') return await end(execution, 'canceled', { result: outcome.result, error: 'canceled' }, deps);
    if (reason === 'timeout') {
      return await end(execution, 'timeout', { result: outcome.result, error: `timed out after ${action.timeout}s` }, deps);
    }
    if (outcome.status === 'succeeded') return await end(execution, 'succeeded', { result: outcome.result }, deps);
    const error = outcome.error ?? 'failed';
    if (start.attempts < maxRuns) {
      logger.info({ error }, 'run failed; retrying');
      await store.retry(id, error, outcome.result);
      throw new RetryRun(error);
    }
    await end(execution, 'failed', { result: outcome.result, error }, deps);
  } finally {
    watcher.unwatch(id, controller);
  }
}

const NEVER = new AbortController().signal;

/** An instant action (see `Runner.instant`): run it, then record queued -> terminal in one step. */
async function runInstant(snapshot: ExecutionRecord, action: ActionConfig, runner: Runner, deps: RunDeps): Promise<void> {
  const startedAt = new Date().toISOString();
  const execution: ExecutionRecord = { ...snapshot, status: 'running', attempts: snapshot.attempts + 1, started_at: startedAt };
  let outcome: RunOutcome;
  try {
    outcome = await runner.run(action, snapshot.params ?? {}, { signal: NEVER, logger: deps.logger, execution });
  } catch (err) {
    outcome = { status: 'failed', error: (err as Error)?.message ?? String(err) };
  }
  const finishedAt = new Date().toISOString();
  const r = await deps.store.complete(snapshot.id, outcome.status, outcome, startedAt, finishedAt, snapshot.created_at);
  if (r.kind === 'done') {
    const rec: ExecutionRecord = { ...execution, status: outcome.status, attempts: r.attempts, finished_at: finishedAt };
    if (outcome.result !== undefined) rec.result = outcome.result;
    if (outcome.error) rec.error = outcome.error;
    else delete rec.error;
    return deps.terminal(rec);
  }
  if (r.kind === 'terminal' && r.claimed && r.record) return deps.terminal(r.record);
  if (r.kind === 'canceled' || r.kind === 'lost') return deps.terminal(r.record);
}

/** Stops what a lost run of `id` left running on this host (see process-tag.ts). */
async function reapLost(id: string, logger: Logger, deps: RunDeps): Promise<void> {
  const tag = await deps.store.takeProcess(id).catch(() => undefined);
  if (tag) reapLostRun(tag, logger);
}

function runners(deps: RunDeps, kind: RunnerKind | undefined): Runner | undefined {
  return kind ? deps.runners.get(kind) : undefined;
}

/** Records the terminal status; when this call made it terminal, runs the hook with the record as now stored. */
async function end(run: ExecutionRecord, status: ExecutionRecord['status'], fields: { result?: unknown; error?: string }, deps: RunDeps) {
  if (!(await deps.store.finish(run.id, status, fields))) return;
  const rec: ExecutionRecord = { ...run, status, finished_at: new Date().toISOString() };
  if (fields.result !== undefined) rec.result = fields.result;
  if (fields.error) rec.error = fields.error;
  else delete rec.error;
  await deps.terminal(rec);
}
