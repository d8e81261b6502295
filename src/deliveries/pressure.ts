/**
 * Backpressure on bulk notifications: the bulk queue's backlog (waiting, prioritized and delayed
 * jobs) against `deliveries.max_backlog`. The count is read at most once per `ttlMs` whatever the
 * number of callers (one read in flight, its answer shared), so a storm of requests costs Redis one
 * round trip per quarter second. Retry-After comes from the drain rate observed between two reads
 * (deliveries finished, from the `{sb}:dlv-stats` counters).
 */
import type { Pressure } from './types.ts';

/** One read of the queue: jobs not yet sent, deliveries finished so far, when. */
export interface BacklogSample {
  backlog: number;
  /** sent + failed + skipped since the counters began (monotonic) */
  done: number;
  /** ms */
  at: number;
}

/** Retry-After bounds, seconds. */
export const RETRY_AFTER_MIN = 1;
export const RETRY_AFTER_MAX = 60;
/** Retry-After when no drain was observed (no worker running, or the first read). */
export const RETRY_AFTER_UNKNOWN = 10;

/**
 * The verdict for the latest sample: full when the backlog reached `maxBacklog`; then, the seconds
 * the observed drain rate needs to bring the backlog down to 90 % of it (clients come back when
 * there is room for them, not all at the limit), bounded to [1, 60].
 *
 * @example
 * pressureOf({ backlog: 1200, done: 500, at: 2000 }, { backlog: 1000, done: 0, at: 1000 }, 1000)
 * // { ok: false, waiting: 1200, retryAfterSeconds: 1 }  (500/s drains 300 in 0.6 s)
 */
export function pressureOf(cur: BacklogSample, prev: BacklogSample | undefined, maxBacklog: number): Pressure {
  if (cur.backlog < maxBacklog) return { ok: true };
  const seconds = prev && cur.at > prev.at ? (cur.at - prev.at) / 1000 : 0;
  const rate = seconds > 0 ? Math.max(0, cur.done - prev!.done) / seconds : 0;
  const excess = cur.backlog - Math.floor(maxBacklog * 0.9);
  const wait = rate > 0 ? Math.ceil(excess / rate) : RETRY_AFTER_UNKNOWN;
  return { ok: false, waiting: cur.backlog, retryAfterSeconds: Math.min(RETRY_AFTER_MAX, Math.max(RETRY_AFTER_MIN, wait)) };
}

export interface PressureGauge {
  check(): Promise<Pressure>;
}

/**
 * @example
 * const gauge = createPressureGauge({ read: () => readBacklog(queue, ledger), maxBacklog: 50_000 });
 * if (!(await gauge.check()).ok) ... // 429
 */
export function createPressureGauge(opts: {
  read: () => Promise<Omit<BacklogSample, 'at'>>;
  maxBacklog: number;
  /** how long a read is reused, ms (default 250) */
  ttlMs?: number;
  now?: () => number;
}): PressureGauge {
  const now = opts.now ?? Date.now;
  const ttl = opts.ttlMs ?? 250;
  let last: { sample: BacklogSample; verdict: Pressure } | undefined;
  // the recent samples (~5 s): the drain rate is measured from the oldest, so a rate over 250 ms of a
  // bursty worker does not swing Retry-After
  let window: BacklogSample[] = [];
  let reading: Promise<Pressure> | undefined;

  const refresh = async (): Promise<Pressure> => {
    const s = { ...(await opts.read()), at: now() };
    // counters reset (stats deleted): the older samples say nothing of the rate
    window = window.filter((w) => s.at - w.at <= 5000 && w.done <= s.done);
    const verdict = pressureOf(s, window[0], opts.maxBacklog);
    window.push(s);
    last = { sample: s, verdict };
    return verdict;
  };

  return {
    check() {
      if (last && now() - last.sample.at < ttl) return Promise.resolve(last.verdict);
      reading ??= refresh().finally(() => {
        reading = undefined;
      });
      return reading;
    },
  };
}
