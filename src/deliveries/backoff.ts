/**
 * The retry delay of a failed delivery (BullMQ custom backoff strategy `delivery`):
 * 1. the provider said when (a SinkError's `retryAfterMs`, from Retry-After): that long, plus up to
 *    250 ms of jitter, never sooner;
 * 2. otherwise exponential from 1 s, doubled per attempt, capped at 5 minutes, with "equal jitter"
 *    (half fixed, half random) so a burst of failures does not come back in lockstep.
 */
export const RETRY_BASE_MS = 1000;
export const RETRY_CAP_MS = 5 * 60_000;

/**
 * @example
 * deliveryBackoff(1) // 500..1000
 * deliveryBackoff(3, 'delivery', new SinkError('429', 'rate_limited', true, 2000)) // 2000..2250
 */
export function deliveryBackoff(attemptsMade: number, _type?: string, err?: Error, random: () => number = Math.random): number {
  const retryAfter = (err as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0) {
    return Math.ceil(retryAfter) + Math.floor(random() * 250);
  }
  const expo = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(expo / 2 + random() * (expo / 2));
}
