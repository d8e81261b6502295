/**
 * Per-API-key rate limit on `/api/v1` (docs/contracts.md section 4): at most `limits.per_key_per_minute`
 * requests that write (every method but GET and HEAD) per key in any sliding minute, counted in
 * Redis so every gateway shares one budget. Over it: 429 `rate_limited` with `Retry-After`, and the
 * request is not run. Reads are not counted: they create nothing, and clients poll executions.
 */
import type { MiddlewareHandler } from 'hono';
import { checkRateLimit } from '../auth/rate-limit.ts';
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
  return async function limitPerKey(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const r = redis();
    const decision = await guarded(r, () => checkRateLimit(r, prefix, `api:${c.get('apiKey').name}`, perMinute, now())).catch((err: unknown) => {
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
