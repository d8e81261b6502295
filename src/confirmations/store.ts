/**
 * Confirmations in Redis. One hash per confirmation (the code's digest, the pending execution ids,
 * when it expires, wrong tries), a sorted set per person and medium (what a `YES 482113` from them
 * may confirm), one sorted set by expiry (the sweep), one wrong-code counter per person and medium.
 *
 * Every transition is one Lua script ({@link confirmScript}) that also moves the executions'
 * status (`pending` → `queued` or `canceled`), so two confirms arriving at once queue the
 * execution exactly once, and a code is used once.
 *
 * Keys (prefix `{sb}`, the executions' hash tag: the script touches both):
 * - `{sb}:confirm:<cid>`                 hash: digest, ids (JSON), expires (ms), wrong, person, wrongkey, source, user
 * - `{sb}:confirm-of:<source>:<user>`    sorted set: that person's open confirmations on that medium
 * - `{sb}:confirm-expiry`                sorted set: every open confirmation, scored by its expiry (ms)
 * - `{sb}:confirm-wrong:<source>:<user>` wrong codes of that person on that medium in the last hour
 */
import type { Redis } from 'ioredis';
import type { ExecutionKeys } from '../executions/keys.ts';
import { defineScript } from '../redis/script.ts';

/** Wrong codes that cancel one confirmation. */
export const MAX_WRONG_PER_CODE = 3;
/** Wrong codes a person may send on one medium per {@link WRONG_WINDOW_SECONDS}; then every code is refused. */
export const MAX_WRONG_PER_PERSON = 10;
export const WRONG_WINDOW_SECONDS = 3600;
/** A confirmation's keys outlive its ttl by this much, so a late sweep still finds it. */
const KEEP_SECONDS = 86_400;

/**
 * KEYS: [1] confirmation hash, [2] expiry set, [3] pending index, [4] queued index, [5] canceled
 * index. ARGV: [1] mode ('code' | 'wrong' | 'refuse' | 'expire'), [2] digest (code mode),
 * [3] record key prefix (`{sb}:exec:`), [4] now iso, [5] retention seconds, [6] max wrong per
 * code, [7] now ms, [8] max wrong per person, [9] window seconds, [10] cancel reason,
 * [11] count this wrong against the person ('1' | '0').
 *
 * Returns {answer, ids...}: 'confirmed' (ids now queued) | 'nomatch' | 'wrong', tries left |
 * 'canceled' (third wrong code) | 'refused' | 'expired' | 'alive' (expire mode, not yet) | 'locked' | 'gone'.
 * The person's set, the wrong counter and the records are named by the hash (same hash tag).
 */
export const confirmScript = `
local h = redis.call('HMGET', KEYS[1], 'digest', 'ids', 'expires', 'person', 'wrongkey')
local cid = KEYS[1]:match('([^:]+)$')
if not h[1] then
  redis.call('ZREM', KEYS[2], cid)
  return {'gone'}
end
local ids = cjson.decode(h[2])
local function close()
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', h[4], cid)
  redis.call('ZREM', KEYS[2], cid)
end
local function moveAll(to, err)
  local moved = {to == 'queued' and 'confirmed' or 'x'}
  for _, id in ipairs(ids) do
    local rk = ARGV[3] .. id
    if redis.call('HGET', rk, 'status') == 'pending' then
      local score = redis.call('HGET', rk, 'score')
      redis.call('ZREM', KEYS[3], id)
      if to == 'queued' then
        redis.call('HSET', rk, 'status', 'queued')
        -- scored by the confirmation, not the creation: the workers' orphan sweep (a queued record
        -- with no job, older than 10 s) must not take it in the moment before its job is added
        redis.call('ZADD', KEYS[4], string.format('%.0f', tonumber(ARGV[7]) * 1000), id)
      else
        -- never queued, never run: no terminal hook (the sender is answered by the caller)
        redis.call('HSET', rk, 'status', 'canceled', 'finished_at', ARGV[4], 'error', err, 'hooked', '1')
        redis.call('ZADD', KEYS[5], score, id)
        redis.call('EXPIRE', rk, ARGV[5])
      end
      moved[#moved + 1] = id
    end
  end
  return moved
end
local function ended(answer, err)
  close()
  local moved = moveAll('canceled', err)
  moved[1] = answer
  return moved
end
local mode = ARGV[1]
local expired = tonumber(h[3]) <= tonumber(ARGV[7])
if mode == 'expire' then
  if not expired then return {'alive'} end
  return ended('expired', ARGV[10])
end
if mode == 'refuse' then return ended('refused', ARGV[10]) end
if expired then return ended('expired', ARGV[10]) end
if mode == 'code' then
  if tonumber(redis.call('GET', h[5]) or '0') >= tonumber(ARGV[8]) then return {'locked'} end
  -- 1. constant time: every byte of the two digests is compared, whatever differs
  local a, b = h[1], ARGV[2]
  local diff = 0
  if #a ~= #b then diff = 1 end
  for i = 1, #a do diff = bit.bor(diff, bit.bxor(a:byte(i), b:byte(i) or 0)) end
  if diff ~= 0 then return {'nomatch'} end
  -- 2. single use: the confirmation is gone with this call
  close()
  return moveAll('queued', '')
end
-- mode 'wrong': one wrong code against this confirmation (and, once per reply, the person)
if ARGV[11] == '1' then
  redis.call('INCR', h[5])
  redis.call('EXPIRE', h[5], ARGV[9])
end
local wrong = redis.call('HINCRBY', KEYS[1], 'wrong', 1)
if wrong >= tonumber(ARGV[6]) then return ended('canceled', ARGV[10]) end
return {'wrong', tostring(tonumber(ARGV[6]) - wrong)}
`;

export type TryAnswer =
  | { answer: 'confirmed' | 'canceled' | 'refused' | 'expired'; ids: string[] }
  | { answer: 'wrong'; left: number }
  | { answer: 'nomatch' | 'alive' | 'locked' | 'gone' };

export interface NewConfirmation {
  id: string;
  digest: string;
  ids: string[];
  source: string;
  user: string;
  expiresAtMs: number;
  ttlSeconds: number;
}

export interface ConfirmationKeys {
  hash(cid: string): string;
  person(source: string, user: string): string;
  wrong(source: string, user: string): string;
  expiry: string;
}

export function confirmationKeys(exec: ExecutionKeys): ConfirmationKeys {
  const p = exec.prefix;
  return {
    hash: (cid) => `${p}:confirm:${cid}`,
    person: (source, user) => `${p}:confirm-of:${source}:${user}`,
    wrong: (source, user) => `${p}:confirm-wrong:${source}:${user}`,
    expiry: `${p}:confirm-expiry`,
  };
}

export interface ConfirmationStore {
  create(c: NewConfirmation): Promise<void>;
  /** the open confirmations of a person on a medium, oldest first */
  openOf(source: string, user: string): Promise<string[]>;
  /** who a confirmation belongs to, or undefined when it is gone */
  ownerOf(cid: string): Promise<{ source: string; user: string } | undefined>;
  attempt(cid: string, mode: 'code' | 'wrong' | 'refuse' | 'expire', opts?: { digest?: string; reason?: string; countPerson?: boolean }): Promise<TryAnswer>;
  /** confirmations whose time is up (at most `limit`) */
  due(nowMs: number, limit: number): Promise<string[]>;
}

// the records, the person's set and the wrong-code counter it also touches are named by the
// confirmation hash (written by `create`, same hash tag): data, not keys the caller can list before
const confirm = defineScript<'hash' | 'expiry' | 'pending' | 'queued' | 'canceled', (string | number)[], string[]>({
  name: 'sbConfirm',
  keys: ['hash', 'expiry', 'pending', 'queued', 'canceled'],
  lua: confirmScript,
});

/** @example const store = createConfirmationStore(redis, executionKeys('sb'), 30 * 86400, Date.now); */
export function createConfirmationStore(redis: Redis, execKeys: ExecutionKeys, retentionSeconds: number, now: () => number): ConfirmationStore {
  const keys = confirmationKeys(execKeys);
  const retention = String(Math.max(1, Math.round(retentionSeconds)));

  return {
    async create(c) {
      const keep = c.ttlSeconds + KEEP_SECONDS;
      const person = keys.person(c.source, c.user);
      await redis
        .multi()
        .hset(
          keys.hash(c.id),
          'digest',
          c.digest,
          'ids',
          JSON.stringify(c.ids),
          'expires',
          String(c.expiresAtMs),
          'wrong',
          '0',
          'person',
          person,
          'wrongkey',
          keys.wrong(c.source, c.user),
          'source',
          c.source,
          'user',
          c.user,
        )
        .expire(keys.hash(c.id), keep)
        .zadd(person, c.expiresAtMs, c.id)
        .expire(person, keep)
        .zadd(keys.expiry, c.expiresAtMs, c.id)
        .exec();
    },
    async openOf(source, user) {
      return redis.zrangebyscore(keys.person(source, user), '-inf', '+inf');
    },
    async ownerOf(cid) {
      const [source, user] = await redis.hmget(keys.hash(cid), 'source', 'user');
      return source && user ? { source, user } : undefined;
    },
    async attempt(cid, mode, opts = {}) {
      const scriptKeys = {
        hash: keys.hash(cid),
        expiry: keys.expiry,
        pending: execKeys.statusIndex('pending'),
        queued: execKeys.statusIndex('queued'),
        canceled: execKeys.statusIndex('canceled'),
      };
      const res = (await confirm.run(
        redis,
        scriptKeys,
        mode,
        opts.digest ?? '',
        execKeys.record(''),
        new Date(now()).toISOString(),
        retention,
        MAX_WRONG_PER_CODE,
        now(),
        MAX_WRONG_PER_PERSON,
        WRONG_WINDOW_SECONDS,
        opts.reason ?? 'canceled',
        opts.countPerson ? '1' : '0',
      )) as string[];
      const answer = res[0];
      if (answer === 'confirmed' || answer === 'canceled' || answer === 'refused' || answer === 'expired') return { answer, ids: res.slice(1) };
      if (answer === 'wrong') return { answer, left: Number(res[1]) };
      return { answer: answer as 'nomatch' | 'alive' | 'locked' | 'gone' };
    },
    async due(nowMs, limit) {
      return redis.zrangebyscore(keys.expiry, '-inf', nowMs, 'LIMIT', 0, limit);
    },
  };
}
