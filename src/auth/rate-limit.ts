/**
 * Per-sender rate limit in Redis, shared by every gateway process: a sliding one-minute window per
 * (medium, sender). Each minute has a counter; the commands of the last 60 seconds are estimated
 * as the current minute's count plus the previous minute's, weighted by how much of it is still
 * inside the last 60 seconds (Cloudflare's sliding-window counter: two keys, no per-command
 * entries). A burst across a minute boundary cannot reach twice the limit as it can with fixed
 * windows. Commands refused are not counted, so a sender who waits the time given gets through.
 * Over the limit, the caller answers "slow down" and runs nothing.
 */
import type { Redis } from 'ioredis';
import { defineScript } from '../redis/script.ts';

export interface RateDecision {
  allowed: boolean;
  /** commands in the last minute (estimated), this one included */
  count: number;
  /** seconds until one more command would be allowed (0 when this one is) */
  retryAfterSeconds: number;
}

const WINDOW_MS = 60_000;

/**
 * The one-minute counter window `nowMs` falls in, and the seconds until it ends (at least 1). Pure.
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

/** seconds a window's counter is kept: its own minute and the next, which still weighs it */
export const RATE_KEY_TTL = 120;

/** How far into its one-minute counter window `nowMs` is, in ms. */
const elapsedInWindow = (nowMs: number) => nowMs - rateWindow(nowMs).window * WINDOW_MS;

/** Commands of the last 60 s, estimated; the Lua scripts compute the same expression. */
function estimate(prev: number, curr: number, elapsedMs: number): number {
  return (prev * (WINDOW_MS - elapsedMs)) / WINDOW_MS + curr;
}

/**
 * The decision for one more command (pure): `prev` and `curr` commands counted in the previous and
 * the current minute before it, `nowMs` the time. When refused, the wait is until the estimate
 * leaves room for one: the previous minute's weight fades during this one, then this minute's
 * during the next.
 *
 * @example
 * slidingDecision(0, 3, 1_800_000_015_000, 3) // { allowed: false, count: 4, retryAfterSeconds: 65 }
 */
export function slidingDecision(prev: number, curr: number, nowMs: number, perMinute: number, allowed?: boolean): RateDecision {
  const elapsed = elapsedInWindow(nowMs);
  const est = estimate(prev, curr, elapsed);
  const ok = allowed ?? est + 1 <= perMinute;
  const count = Math.ceil(est + 1 - 1e-9);
  if (ok) return { allowed: true, count, retryAfterSeconds: 0 };
  const room = perMinute - 1; // what the estimate may be for one more to pass
  let waitMs: number;
  if (room < 0) waitMs = 2 * WINDOW_MS - elapsed;
  else if (curr <= room && prev > 0) waitMs = WINDOW_MS - elapsed - (room - curr) * (WINDOW_MS / prev);
  else waitMs = WINDOW_MS - elapsed + Math.max(0, WINDOW_MS - (room * WINDOW_MS) / Math.max(curr, 1));
  // the wait is computed in floating point: 45000.000000001 ms is 45 s, not 46 (1 us of slack)
  return { allowed: false, count, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000 - 1e-9)) };
}

// KEYS[1] this minute's counter, KEYS[2] the previous minute's; ARGV limit, ms into this minute,
// window ms, ttl. Counts the command only when allowed. Returns {allowed, prev, curr before it}.
const SLIDING = `
local curr = tonumber(redis.call('GET', KEYS[1]) or '0')
local prev = tonumber(redis.call('GET', KEYS[2]) or '0')
local w = tonumber(ARGV[3])
local est = prev * (w - tonumber(ARGV[2])) / w + curr
if est + 1 > tonumber(ARGV[1]) then return {0, prev, curr} end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
return {1, prev, curr}`;
// the same after two checks: a message already answered returns that answer (KEYS[3]); one already
// acted on (KEYS[4] exists) is allowed and not counted
const ANSWERED_OR_SLIDING = `
local answer = redis.call('GET', KEYS[3])
if answer then return {2, 0, 0, answer} end
if redis.call('EXISTS', KEYS[4]) == 1 then return {3, 0, 0} end
${SLIDING}`;

type Counted = [number, number, number, string?];
type WindowArgs = readonly [limit: number, elapsed: number, window: number, ttl: number];
const slidingScript = defineScript<'curr' | 'prev', WindowArgs, Counted>({ name: 'sbRateSliding', keys: ['curr', 'prev'], lua: SLIDING });
const answeredOrSlidingScript = defineScript<'curr' | 'prev' | 'answer' | 'done', WindowArgs, Counted>({
  name: 'sbAnsweredOrSliding',
  keys: ['curr', 'prev', 'answer', 'done'],
  lua: ANSWERED_OR_SLIDING,
});

function keysAndArgs(prefix: string, sender: string, perMinute: number, nowMs: number) {
  const elapsed = elapsedInWindow(nowMs);
  return {
    curr: rateKey(prefix, sender, nowMs),
    prev: rateKey(prefix, sender, nowMs - WINDOW_MS),
    args: [perMinute, elapsed, WINDOW_MS, RATE_KEY_TTL] as const,
  };
}

/**
 * Counts one command of `sender` (e.g. `sms:+15551230001`) when the last minute leaves room for
 * it, in one round trip (one script), and says whether it may run.
 *
 * @example
 * const d = await checkRateLimit(redis, '{sb}', 'sms:+15551230001', 30);
 * if (!d.allowed) reply(`Slow down: try again in ${d.retryAfterSeconds}s`);
 */
export async function checkRateLimit(redis: Redis, prefix: string, sender: string, perMinute: number, nowMs = Date.now()): Promise<RateDecision> {
  const { curr, prev, args } = keysAndArgs(prefix, sender, perMinute, nowMs);
  const [allowed, p, c] = await slidingScript.run(redis, { curr, prev }, ...args);
  return slidingDecision(Number(p), Number(c), nowMs, perMinute, allowed === 1);
}

/**
 * For webhooks a provider may send again: the answer already stored under `answerKey`, or else
 * `sender` checked as {@link checkRateLimit} does, except when `doneKey` exists (the message was
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
  const { curr, prev, args } = keysAndArgs(prefix, sender, perMinute, nowMs);
  const [kind, p, c, answer] = await answeredOrSlidingScript.run(redis, { curr, prev, answer: answerKey, done: doneKey }, ...args);
  if (kind === 2 && typeof answer === 'string') return { answer };
  if (kind === 3) return { rate: { allowed: true, count: 0, retryAfterSeconds: 0 } };
  return { rate: slidingDecision(Number(p), Number(c), nowMs, perMinute, kind === 1) };
}

/** The reply a rate-limited sender gets. */
export function slowDownText(d: RateDecision): string {
  return `Slow down: too many commands this minute. Try again in ${d.retryAfterSeconds}s.`;
}

/**
 * A lease: like SLIDING, but counts up to ARGV[5] commands at once (the tokens a gateway hands out
 * locally), at most a share of the room left: ARGV[6] is that share's divisor. KEYS[3] gets ARGV[7]
 * unused tokens of an earlier lease back first (KEYS[3] is the window they were counted in; ARGV[7]
 * '0' when none). Returns {granted (0 = refused), prev, curr before it}.
 */
const LEASE = `
local back = tonumber(ARGV[7])
if back > 0 and tonumber(redis.call('GET', KEYS[3]) or '0') >= back then redis.call('DECRBY', KEYS[3], back) end
local curr = tonumber(redis.call('GET', KEYS[1]) or '0')
local prev = tonumber(redis.call('GET', KEYS[2]) or '0')
local w = tonumber(ARGV[3])
local est = prev * (w - tonumber(ARGV[2])) / w + curr
local room = tonumber(ARGV[1]) - est
if room < 1 then return {0, prev, curr} end
local n = math.max(1, math.min(tonumber(ARGV[5]), math.floor(room / tonumber(ARGV[6]))))
if redis.call('INCRBY', KEYS[1], n) == n then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
return {n, prev, curr}`;

type LeaseArgs = readonly [...WindowArgs, want: number, share: number, back: number];
const leaseScript = defineScript<'curr' | 'prev' | 'back', LeaseArgs, Counted>({ name: 'sbRateLease', keys: ['curr', 'prev', 'back'], lua: LEASE });

/** How a {@link createLeasedRateLimit} hands out its leases. */
export interface LeaseSettings {
  /** a lease is used for at most this long (and never past its minute), ms */
  ms: number;
  /** most tokens one lease takes */
  max: number;
  /** a lease takes at most 1/share of the room left in the window: near the limit every command asks Redis */
  share: number;
}

/** 1 s leases of up to 32 tokens, an eighth of the room left at most. */
export const DEFAULT_LEASE: LeaseSettings = { ms: 1000, max: 32, share: 8 };

interface Lease {
  tokens: number;
  /** the one-minute window the tokens were counted in */
  window: number;
  until: number;
  /** tokens the next lease asks for: doubles while leases run out before they end, halves when they do not */
  want: number;
  /** the lease being taken (one round trip at a time per sender; the others wait for it) */
  refill?: Promise<RateDecision>;
}

export interface LeasedRateLimit {
  /** the decision for one more command of `sender` (see {@link checkRateLimit}) */
  take(sender: string): Promise<RateDecision>;
}

/**
 * {@link checkRateLimit} for a process that sees many commands of one sender (an API key at
 * hundreds of requests a second): each round trip counts up to `lease.max` commands at once in the
 * shared Redis counter and hands them out locally for up to `lease.ms`, so most commands cost no
 * round trip. Across processes the limit holds as before: every command is counted in Redis before
 * it is allowed, so no more than `perMinute` pass in any (estimated) minute. What changes:
 * - a command may be refused while other processes still hold tokens they counted and did not
 *   use yet: at most `lease.max - 1` per process, for at most `lease.ms`; a lease never takes more
 *   than 1/`lease.share` of the room left, so a sender near its limit gets one token per round trip
 *   (exact), and a slow sender always does (`want` starts at 1 and grows only while leases run out);
 * - a token counts from when it was leased, at most `lease.ms` before its command;
 * - the tokens a lease did not use are given back with the sender's next round trip (not when it
 *   ends): until then they count against the sender.
 *
 * @example
 * const limit = createLeasedRateLimit(redis, '{sb}', 600);
 * if (!(await limit.take('api:ci')).allowed) answer429();
 */
export function createLeasedRateLimit(
  redis: Redis,
  prefix: string,
  perMinute: number,
  now: () => number = Date.now,
  lease: LeaseSettings = DEFAULT_LEASE,
): LeasedRateLimit {
  const leases = new Map<string, Lease>();
  const allowed: RateDecision = { allowed: true, count: 0, retryAfterSeconds: 0 };

  const refill = async (sender: string, l: Lease, t: number): Promise<RateDecision> => {
    const { window } = rateWindow(t);
    // unused tokens go back to the window they were counted in, while it still weighs
    const back = l.tokens > 0 && l.window >= window - 1 ? l.tokens : 0;
    const backKey = rateKey(prefix, sender, l.window * WINDOW_MS);
    l.tokens = 0;
    const { curr, prev, args } = keysAndArgs(prefix, sender, perMinute, t);
    const [n, p, c] = await leaseScript.run(redis, { curr, prev, back: back > 0 ? backKey : curr }, ...args, l.want, lease.share, back);
    const granted = Number(n);
    if (granted < 1) {
      l.want = 1;
      return slidingDecision(Number(p), Number(c), t, perMinute, false);
    }
    l.tokens = granted - 1;
    l.window = window;
    l.until = Math.min(t + lease.ms, (window + 1) * WINDOW_MS);
    return allowed;
  };

  return {
    async take(sender) {
      let l = leases.get(sender);
      if (!l) {
        l = { tokens: 0, window: 0, until: 0, want: 1 };
        leases.set(sender, l);
      }
      for (;;) {
        const t = now();
        if (l.tokens > 0 && t < l.until && rateWindow(t).window === l.window) {
          l.tokens--;
          return allowed;
        }
        if (l.refill) {
          // another command of this sender is taking a lease: wait for it, then look again
          await l.refill.catch(() => undefined);
          continue;
        }
        // the last lease ended with tokens left: the next takes fewer; used up before it ended: more
        if (l.tokens > 0) l.want = Math.max(1, Math.floor(l.want / 2));
        else if (t < l.until) l.want = Math.min(lease.max, l.want * 2);
        const r = refill(sender, l, t);
        l.refill = r;
        try {
          return await r;
        } finally {
          l.refill = undefined;
        }
      }
    },
  };
}
