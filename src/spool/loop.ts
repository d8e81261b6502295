/**
 * The replay loop every gateway with a spool runs (docs/contracts.md section 7, "When Redis is
 * away"): every `intervalMs`, refresh this gateway's segment heartbeat and, unless a pass still
 * runs, when Redis answers and the folder holds anything, seal this gateway's segment and replay
 * the folder (replay.ts).
 */
import type { Logger } from '../log.ts';
import { replaySpool } from './replay.ts';
import { listSegments } from './segments.ts';
import type { CommandSpool } from './spool.ts';
import type { SpoolEntry } from './types.ts';

export interface SpoolLoopOptions {
  spool: CommandSpool;
  logger: Logger;
  /** true when Redis answers (the producer connection is ready) */
  redisReady(): boolean;
  /** runs one entry (src/spool/replay-entry.ts); throws when Redis went away again */
  run(entry: SpoolEntry): Promise<void>;
  intervalMs?: number;
  staleMs?: number;
}

export interface SpoolLoop {
  /** one pass now (tests); resolves when it is done */
  tick(): Promise<void>;
  /** no more passes; a pass under way ends after the entry it runs (the rest is kept for the next replayer) */
  stop(): Promise<void>;
}

/** @example const loop = startSpoolLoop({ spool, logger, redisReady: () => redis.status === 'ready', run }); */
export function startSpoolLoop(opts: SpoolLoopOptions): SpoolLoop {
  const { spool, logger } = opts;
  let running: Promise<void> | undefined;
  let stopped = false;
  // a pass under way when the loop stops ends after the entry it is running
  const stopping = new AbortController();
  const pass = async () => {
    if (!opts.redisReady() || stopping.signal.aborted) return;
    if ((await listSegments(spool.dir)).length === 0) {
      spool.forgetAll();
      return;
    }
    await spool.seal();
    const started = Date.now();
    const report = await replaySpool({
      dir: spool.dir,
      logger,
      run: opts.run,
      replayed: (e) => spool.forget(e.id),
      segmentDone: (base) => spool.segmentDone(base),
      signal: stopping.signal,
      ...(opts.staleMs !== undefined && { staleMs: opts.staleMs }),
    });
    if (report.replayed > 0 || report.tails > 0) {
      logger.info({ replayed: report.replayed, tails: report.tails, ms: Date.now() - started }, 'spool replayed');
    }
  };
  const tick = () =>
    (running ??= pass()
      .catch((err: Error) => logger.warn({ err: err.message }, 'spool replay stopped; it goes on when Redis answers again'))
      .finally(() => {
        running = undefined;
      }));
  const timer = setInterval(() => {
    if (stopped) return;
    // the heartbeat goes on during a long replay: the open segment is never taken for a stopped writer's
    void spool.heartbeat();
    void tick();
  }, opts.intervalMs ?? 1000);
  timer.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      stopping.abort();
      await running;
    },
  };
}
