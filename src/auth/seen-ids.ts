/**
 * Message ids already acted on (Twilio MessageSid, Slack trigger_id and event_id), remembered for
 * `ingress.seen_ids_days` (90 by default) whatever `executions.retention_days` says, so a captured
 * signed webhook replayed after its execution record expired still runs nothing (finding #11).
 *
 * Compact: one Redis set per UTC day holding the first 8 bytes of each id's SHA-256 (16 hex
 * characters, whatever the id's length), each set expiring `days` + 1 days after its day. A lookup
 * asks every day's set in one script call.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineScript, defineScriptOverKeys } from '../redis/script.ts';

const DAY_MS = 86_400_000;

/** 1 when the id is in one of the sets (KEYS), else 0; `claim` (ARGV[2] = 1) then adds it to KEYS[1]. */
const SEEN = `
for i = 1, #KEYS do
  if redis.call('SISMEMBER', KEYS[i], ARGV[1]) == 1 then return 1 end
end
if ARGV[2] == '1' then
  redis.call('SADD', KEYS[1], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return 0
`;

const ADD = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
`;

const seenScript = defineScriptOverKeys<[member: string, claim: '1' | '0', ttl: number], number>({ name: 'sbSeenIds', lua: SEEN });
const addScript = defineScript<'day', [member: string, ttl: number], number>({ name: 'sbSeenAdd', keys: ['day'], lua: ADD });

export interface SeenIds {
  /** whether `id` was remembered in the last `days` days */
  seen(id: string, nowMs: number): Promise<boolean>;
  /** remembers `id` (from `nowMs` for `days` days) */
  remember(id: string, nowMs: number): Promise<void>;
  /** atomically: `true` and remembered when new, `false` when already seen */
  claim(id: string, nowMs: number): Promise<boolean>;
}

/** The Redis set of day `day` (days since the epoch) for ids of `kind`. */
export function seenKey(prefix: string, kind: string, day: number): string {
  return `${prefix}:seen:${kind}:${day}`;
}

/** The 16 hex characters stored for an id. */
export function seenMember(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}

/**
 * @example
 * const sids = seenIds(redis, '{sb}', 'sms', 90);
 * if (await sids.seen(sid, Date.now())) return replayAnswer;
 */
export function seenIds(redis: Redis, prefix: string, kind: string, days: number): SeenIds {
  const span = Math.max(1, Math.ceil(days));
  const ttl = (span + 1) * 86_400;
  // today's set first: `claim` adds to KEYS[1]
  const keys = (nowMs: number) => {
    const today = Math.floor(nowMs / DAY_MS);
    return Array.from({ length: span + 1 }, (_, i) => seenKey(prefix, kind, today - i));
  };
  const run = (nowMs: number, id: string, claim: boolean) => seenScript.run(redis, keys(nowMs), seenMember(id), claim ? '1' : '0', ttl);
  return {
    seen: async (id, nowMs) => (await run(nowMs, id, false)) === 1,
    claim: async (id, nowMs) => (await run(nowMs, id, true)) === 0,
    async remember(id, nowMs) {
      await addScript.run(redis, { day: keys(nowMs)[0]! }, seenMember(id), ttl);
    },
  };
}
