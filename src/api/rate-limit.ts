/**
 * Per-API-key rate limit on `/api/v1` (docs/contracts.md section 4): at most `limits.per_key_per_minute`
 * requests that write (every method but GET and HEAD) per key in any sliding minute, counted in
 * Redis so every gateway shares one budget. Over it: 429 `rate_limited` with `Retry-After`, and the
 * request is not run. Reads are not counted: they create nothing, and clients poll executions.
 * A busy key's requests are counted in leases (src/auth/rate-limit.ts `createLeasedRateLimit`): one
 * Redis round trip counts up to 32 of them, handed out by this process within a second, so the
 * limit holds across gateways as before, but another gateway may refuse a request while this one
 * still holds a few counted, unused ones (at most 31, for at most a second).
 */
import type { MiddlewareHandler } from 'hono';
import { createLeasedRateLimit, type LeasedRateLimit } from '../auth/rate-limit.ts';
import { hashTagPrefix } from '../executions/keys.ts';
import { UnavailableError } from '../errors.ts';
import { guarded } from '../executions/redis.ts';
import { errorBody } from './errors.ts';
import { apiRedis } from './redis.ts';
import type { ApiEnv, AppDeps } from './types.ts';

/**
 * Runs after the bearer-key check (it needs `apiKey`).
 *
 * @example
 * api.use('*', requireApiKey({ config }), limitPerKey(deps));
 */
export function limitPerKey(deps: Pick<AppDeps, 'redis' | 'config' | 'logger' | 'commandSpool'>, now: () => number = Date.now): MiddlewareHandler<ApiEnv> {
  const redis = apiRedis(deps);
  const prefix = hashTagPrefix(deps.config.main.redis.prefix);
  const perMinute = deps.config.main.limits.per_key_per_minute;
  // one per connection: `apiRedis` may hand out another client once Redis is back (the spool)
  const limits = new WeakMap<object, LeasedRateLimit>();
  const limitOf = (r: ReturnType<typeof redis>) => {
    let l = limits.get(r);
    if (!l) limits.set(r, (l = createLeasedRateLimit(r, prefix, perMinute, now)));
    return l;
  };
  return async function limitPerKey(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const r = redis();
    const decision = await guarded(r, () => limitOf(r).take(`api:${c.get('apiKey').name}`)).catch((err: unknown) => {
      // Redis away with a spool (src/spool/): not counted; the spool's max_mb bounds what is kept
      if (deps.commandSpool && err instanceof UnavailableError) return undefined;
      throw err;
    });
    if (decision && !decision.allowed) {
      const message = `too many requests for this API key: at most ${perMinute} a minute; try again in ${decision.retryAfterSeconds}s`;
      return c.json(errorBody('rate_limited', message), 429, { 'Retry-After': String(decision.retryAfterSeconds) });
    }
    return next();
  };
}
