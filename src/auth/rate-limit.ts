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

// INCR, and EXPIRE on the window's first command (one script: never a counter without a TTL)
const COUNT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;
// a message already answered returns that answer; one already acted on (KEYS[3] exists) is not
// counted again; otherwise it is counted
const ANSWERED_OR_COUNT = `
local answer = redis.call('GET', KEYS[1])
if answer then return {answer, 0} end
if redis.call('EXISTS', KEYS[3]) == 1 then return {false, 0} end
local n = redis.call('INCR', KEYS[2])
if n == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
return {false, n}`;

type Scripts = {
  sbRateCount(key: string, ttl: number): Promise<number>;
  sbAnsweredOrCount(answerKey: string, key: string, doneKey: string, ttl: number): Promise<[string | null, number]>;
};

function scripts(redis: Redis): Scripts {
  const r = redis as unknown as Partial<Scripts>;
  if (!r.sbRateCount) redis.defineCommand('sbRateCount', { lua: COUNT, numberOfKeys: 1 });
  if (!r.sbAnsweredOrCount) redis.defineCommand('sbAnsweredOrCount', { lua: ANSWERED_OR_COUNT, numberOfKeys: 3 });
  return redis as unknown as Scripts;
}

/**
 * Counts one command of `sender` (e.g. `sms:+15551230001`) in the current window, in one round
 * trip (one script), and says whether it is within `perMinute`.
 *
 * @example
 * const d = await checkRateLimit(redis, '{sb}', 'sms:+15551230001', 30);
 * if (!d.allowed) reply(`Slow down: try again in ${d.retryAfterSeconds}s`);
 */
export async function checkRateLimit(redis: Redis, prefix: string, sender: string, perMinute: number, nowMs = Date.now()): Promise<RateDecision> {
  const count = await scripts(redis).sbRateCount(rateKey(prefix, sender, nowMs), RATE_KEY_TTL);
  return rateDecision(Number(count), perMinute, nowMs);
}

/**
 * For webhooks a provider may send again: the answer already stored under `answerKey`, or else
 * `sender` counted as {@link checkRateLimit} does, except when `doneKey` exists (the message was
 * already acted on, e.g. its execution's idempotency key: then it is allowed and not counted).
 * One round trip.
 *
 * @example
 * const r = await answeredOrCounted(redis, { answerKey: '{sb}:ingress-sms:SM1', doneKey: '{sb}:exec-idem:sms:SM1' },
 *   '{sb}', 'sms:+15551230001', 30);
 * if ('answer' in r) return r.answer;
 */
export async function answeredOrCounted(
  redis: Redis,
  { answerKey, doneKey }: { answerKey: string; doneKey: string },
  prefix: string,
  sender: string,
  perMinute: number,
  nowMs = Date.now(),
): Promise<{ answer: string } | { rate: RateDecision }> {
  const [answer, count] = await scripts(redis).sbAnsweredOrCount(answerKey, rateKey(prefix, sender, nowMs), doneKey, RATE_KEY_TTL);
  return typeof answer === 'string' ? { answer } : { rate: rateDecision(Number(count), perMinute, nowMs) };
}

/** The reply a rate-limited sender gets. */
export function slowDownText(d: RateDecision): string {
  return `Slow down: too many commands this minute. Try again in ${d.retryAfterSeconds}s.`;
}
