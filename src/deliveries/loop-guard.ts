/**
 * The bulk worker yields the event loop to commands. One Node process runs the gateways, the
 * execution worker and both delivery workers on one event loop; when a storm of bulk sends keeps
 * that loop busy (CPU, not I/O), every await on a command's path (webhook checks, the execution,
 * its answer) waits behind the storm's callbacks. The guard samples the loop's delay
 * (`perf_hooks.monitorEventLoopDelay`) every `intervalMs` and steers the bulk worker's concurrency
 * with AIMD: halved while the delay is over `targetMs`, one more slot per interval while it is
 * under half of it, never below `min` (bulk always progresses) nor above `max`
 * (`deliveries.concurrency`). Real providers answer in 100–500 ms: sends in flight wait on I/O,
 * the loop stays idle and the bulk keeps its full concurrency; only a CPU-bound process gives way.
 * A delay while the loop itself is mostly idle (event-loop utilization under `busyAt`, default 0.5)
 * is the host's doing (other processes hold the CPUs, this one waits to be scheduled): giving way
 * would help no command, only serialise the bulk, so the concurrency grows back instead (bench e2e:
 * on a loaded 2-core host the guard held the bulk worker at 1 slot, one `on_success` at a time).
 * The `replies` worker is never steered.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface LoopGuardPolicy {
  /** slots never taken away (at least 1) */
  min: number;
  /** the configured concurrency */
  max: number;
  /** event-loop delay (p90 over an interval, ms) above which the bulk gives way */
  targetMs: number;
  /** event-loop utilization (0–1) under which a delay is not this process's own doing (default 0.5) */
  busyAt?: number;
}

/**
 * The bulk concurrency for the next interval, from the current one and the delay just measured.
 *
 * @example
 * nextConcurrency(20, 30, { min: 1, max: 20, targetMs: 10 }) // 10 (over the target: halved)
 * nextConcurrency(10, 2, { min: 1, max: 20, targetMs: 10 })  // 11 (well under: one more)
 * nextConcurrency(10, 7, { min: 1, max: 20, targetMs: 10 })  // 10 (between: kept)
 * nextConcurrency(10, 30, { min: 1, max: 20, targetMs: 10 }, 0.2) // 11 (late, but the loop idle 80 %: the host's load)
 */
export function nextConcurrency(current: number, delayMs: number, p: LoopGuardPolicy, utilization?: number): number {
  const min = Math.max(1, Math.min(p.min, p.max));
  const cur = Math.min(p.max, Math.max(min, current));
  // late, but the loop was mostly idle: the host is busy, not this process (a whole interval without a sample is this process's)
  if (utilization !== undefined && Number.isFinite(delayMs) && utilization < (p.busyAt ?? 0.5)) return Math.min(p.max, cur + 1);
  if (!Number.isFinite(delayMs) || delayMs > p.targetMs) return Math.max(min, Math.floor(cur / 2));
  if (delayMs < p.targetMs / 2) return Math.min(p.max, cur + 1);
  return cur;
}

/** the sampling timer of `monitorEventLoopDelay`, ms */
const RESOLUTION_MS = 5;

/** What the guard steers: a BullMQ Worker's run-time `concurrency`. */
export interface Steerable {
  concurrency: number;
}

export interface LoopGuard {
  stop(): void;
}

/**
 * @example
 * const guard = startLoopGuard(bulkWorker, { min: 1, max: 20, targetMs: 10 });
 * // on close
 * guard.stop();
 */
export function startLoopGuard(
  target: Steerable,
  policy: LoopGuardPolicy,
  opts: { intervalMs?: number; onChange?: (concurrency: number, delayMs: number) => void } = {},
): LoopGuard {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let elu = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const since = performance.eventLoopUtilization(elu);
    elu = performance.eventLoopUtilization();
    // each sample is the whole timer interval: the delay is what exceeds the resolution; no sample
    // at all means one turn held the loop the whole interval
    const delayMs = histogram.count > 0 ? Math.max(0, histogram.percentile(90) / 1e6 - RESOLUTION_MS) : Number.POSITIVE_INFINITY;
    histogram.reset();
    const next = nextConcurrency(target.concurrency, delayMs, policy, since.utilization);
    if (next !== target.concurrency) {
      target.concurrency = next;
      opts.onChange?.(next, delayMs);
    }
  }, opts.intervalMs ?? 100);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
