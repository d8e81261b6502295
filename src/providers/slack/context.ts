/**
 * The state the Slack transports (HTTP commands, HTTP events, Socket Mode) share per gateway: the
 * ingress deps, a logger, our bot's user id per channel, and the per-sender rate limit (allowed,
 * uncounted while Redis is away and the gateway spools).
 */
import { checkRateLimit, type RateDecision } from '../../auth/rate-limit.ts';
import { seenIds, type SeenIds } from '../../auth/seen-ids.ts';
import { hashTagPrefix } from '../../executions/keys.ts';
import { guarded } from '../../executions/redis.ts';
import type { Logger } from '../../log.ts';
import type { IngressDeps } from '../../ingress/ingress.ts';
import { redisAway, UNCOUNTED, type RedisAway } from '../../ingress/redis-away.ts';
import { createBotUserResolver, type BotUserResolver } from './bot-user.ts';

export interface SlackContext {
  deps: IngressDeps;
  log: Logger;
  bots: BotUserResolver;
  /** `{sb}`: the hash-tagged Redis prefix for dedup and rate-limit keys */
  keyPrefix: string;
  /** counts one command of a Slack user against `limits.per_sender_per_minute` */
  rateLimit(slackUserId: string): Promise<RateDecision>;
  /** event ids and trigger ids acted on, kept `ingress.seen_ids_days` whatever the execution retention */
  seen: SeenIds;
  /** Redis-backed steps around a command while Redis is away (src/ingress/redis-away.ts) */
  away: RedisAway;
  /** runs a command on `deps.redis` once it is ready; connection failures become UnavailableError */
  withRedis<T>(fn: (redis: IngressDeps['redis']) => Promise<T>): Promise<T>;
}

/** @example const ctx = createSlackContext(deps, 'slack-events'); */
export function createSlackContext(deps: IngressDeps, component: string): SlackContext {
  const log = deps.logger.child({ component });
  const keyPrefix = hashTagPrefix(deps.config.main.redis.prefix);
  const withRedis = <T>(fn: (redis: IngressDeps['redis']) => Promise<T>) => guarded(deps.redis, () => fn(deps.redis));
  const away = redisAway(deps);
  return {
    deps,
    log,
    away,
    bots: createBotUserResolver(log),
    keyPrefix,
    seen: seenIds(deps.redis, keyPrefix, 'slack', deps.config.main.ingress.seen_ids_days),
    withRedis,
    rateLimit: async (slackUserId) => {
      // Redis away with a spool: allowed, not counted (src/ingress/redis-away.ts)
      const rate = await away.before(
        () => checkRateLimit(deps.redis, keyPrefix, `slack:${slackUserId}`, deps.config.main.limits.per_sender_per_minute, deps.now()),
        UNCOUNTED,
      );
      if (!rate.allowed) deps.metrics?.commandReceived('slack', 'rate_limited');
      return rate;
    },
  };
}
