/**
 * Per-sender rate limit in Redis: a fixed one-minute window per (medium, sender), shared by every
 * gateway process. Over the limit, the caller answers "slow down" and runs nothing.
 */
import type { Redis } from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  /** commands counted in this window, this one included */
  count: number;
  /** seconds until the window resets */
  retryAfterSeconds: number;
}

const WINDOW_MS = 60_000;

/**
 * The fixed one-minute window `nowMs` falls in, and the seconds until it ends (at least 1). Pure.
 *
 * @example
 * rateWindow(90_000) // { window: 1, retryAfterSeconds: 30 }
 */
export function rateWindow(nowMs: number): { window: number; retryAfterSeconds: number } {
  const window = Math.floor(nowMs / WINDOW_MS);
  return { window, retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - nowMs) / 1000)) };
}

/** The Redis key counting `sender`'s commands in the window of `nowMs`; it lives {@link RATE_KEY_TTL} seconds. */
export function rateKey(prefix: string, sender: string, nowMs: number): string {
  return `${prefix}:rate:${sender}:${rateWindow(nowMs).window}`;
}

/** seconds a window's counter is kept: past its own minute, so a late INCR never revives it for long */
export const RATE_KEY_TTL = 120;

/** The decision for the `count`-th command of the window of `nowMs`. Pure. */
export function rateDecision(count: number, perMinute: number, nowMs: number): RateDecision {
  return { allowed: count <= perMinute, count, retryAfterSeconds: rateWindow(nowMs).retryAfterSeconds };
}

/**
 * Counts one command of `sender` (e.g. `sms:+15551230001`) in the current window, in one round
 * trip (INCR + EXPIRE in a MULTI), and says whether it is within `perMinute`. Callers that already
 * send other commands may queue the same INCR + EXPIRE on `rateKey` in their own pipeline and
 * call `rateDecision` with the count.
 *
 * @example
 * const d = await checkRateLimit(redis, '{sb}', 'sms:+15551230001', 30);
 * if (!d.allowed) reply(`Slow down: try again in ${d.retryAfterSeconds}s`);
 */
export async function checkRateLimit(redis: Redis, prefix: string, sender: string, perMinute: number, nowMs = Date.now()): Promise<RateDecision> {
  const key = rateKey(prefix, sender, nowMs);
  const results = await redis.multi().incr(key).expire(key, RATE_KEY_TTL).exec();
  return rateDecision(Number(results?.[0]?.[1] ?? 0), perMinute, nowMs);
}

/** The reply a rate-limited sender gets. */
export function slowDownText(d: RateDecision): string {
  return `Slow down: too many commands this minute. Try again in ${d.retryAfterSeconds}s.`;
}
