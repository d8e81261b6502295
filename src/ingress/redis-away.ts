/**
 * The one seam every ingress goes through for its Redis-backed steps around a command (a provider
 * retry's dedup claim, the seen ids, the per-sender rate limit), so a gateway with a spool
 * (`spool:`, src/spool/) keeps commands from every ingress while Redis is away without any ingress
 * holding spool code of its own (docs/contracts.md section 7, "When Redis is away").
 *
 * - Without a spool, nothing changes: each step's UnavailableError goes to the ingress, which
 *   answers in its medium that nothing was run (503, SMTP 451, a chat text).
 * - With a spool, a step before the command answers `whenAway` (a claim: fresh; seen: no; a rate
 *   limit: allowed, uncounted) and a step after it is skipped. The command then goes to the pipeline,
 *   which keeps it in the spool under the provider's message id as idempotency key: a provider
 *   retry while Redis is away finds the same spooled entry on this gateway (the same provisional
 *   id), and at replay, on any gateway, the same execution (an execution's idempotency key is
 *   checked in Redis). A command the pipeline cannot keep (it must be confirmed) still throws
 *   UnavailableError, answered as without a spool.
 * - The answer is the ingress's own, from the pipeline's `spooled` outcome; an answer that goes
 *   through the delivery queue is sent directly while Redis is away (src/spool/direct-reply.ts).
 */
import type { RateDecision } from '../auth/rate-limit.ts';
import { UnavailableError } from '../errors.ts';
import { guarded } from '../executions/redis.ts';
import type { IngressDeps } from './ingress.ts';

/** The rate limit's answer while Redis is away: allowed, not counted (the spool's `max_mb` bounds what is kept). */
export const UNCOUNTED: RateDecision = { allowed: true, count: 0, retryAfterSeconds: 0 };

export interface RedisAway {
  /** this gateway keeps commands in a spool while Redis is away */
  readonly spooling: boolean;
  /**
   * A Redis-backed step before the command (on `deps.redis`, made fail-fast by `guarded`): its
   * answer, or `whenAway` when Redis is away and the gateway spools; else its UnavailableError.
   */
  before<T>(step: () => Promise<T>, whenAway: T): Promise<T>;
  /** A Redis-backed step after the command (remembering an id): skipped while Redis is away and the gateway spools. */
  after(step: () => Promise<unknown>): Promise<void>;
}

/**
 * @example
 * const away = redisAway(deps);
 * if (!(await away.before(() => seen.claim(id, deps.now()), true))) return 'already handled';
 * const rate = await away.before(() => checkRateLimit(deps.redis, prefix, `teams:${sender}`, limit, deps.now()), UNCOUNTED);
 */
export function redisAway(deps: Pick<IngressDeps, 'config' | 'redis'>): RedisAway {
  // ingresses run in gateway roles only, where `spool:` gives the pipeline its spool (src/main.ts)
  const spooling = deps.config.main.spool !== undefined;
  const away = (err: unknown) => spooling && err instanceof UnavailableError;
  return {
    spooling,
    async before(step, whenAway) {
      try {
        return await guarded(deps.redis, step);
      } catch (err) {
        if (away(err)) return whenAway;
        throw err;
      }
    },
    async after(step) {
      try {
        await guarded(deps.redis, step);
      } catch (err) {
        if (!away(err)) throw err;
      }
    },
  };
}
