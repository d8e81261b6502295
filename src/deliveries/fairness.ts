/**
 * Fairness per source in the bulk `deliveries` queue, with BullMQ priorities (BullMQ OSS has no
 * groups). Each bulk job gets a *tag*, its place in its source's own sequence, as its priority
 * (lower runs first): a source's k-th pending job competes with every other source's k-th, so the
 * worker takes them round-robin, and a flood of 30,000 from one alert channel or API key puts one
 * job ahead of a quiet source's next, not 30,000 (start-time fair queueing).
 *
 * A source new to the queue, or back after a pause, starts at the *head* (the tag being served
 * now), never below it: it cannot jump ahead of what others queued earlier by its unused share.
 * When the queue holds no prioritized job, every source starts at the highest tag given so far (all
 * caught up). Tags stay within BullMQ's priority range: past 2,000,000 the queue is FIFO for the
 * jobs beyond it, and the tags start again at 1 the next time the queue is empty.
 *
 * The head is read from BullMQ's `prioritized` sorted set (score = priority × 2^32 + a counter,
 * BullMQ 5 and 6), in the same script that hands out the tags, so concurrent producers never share
 * a tag range.
 */
import type { Redis } from 'ioredis';
import { defineScript, defineScriptOverKeys } from '../redis/script.ts';
import { LEDGER_UPSERT_LUA, type LedgerEntry } from './ledger.ts';
import type { DeliveryJobData } from './job.ts';

/** BullMQ's highest priority value (2^21 - 1). */
export const MAX_PRIORITY = 2_097_151;
/** Above it, an empty queue starts the tags again at 1. */
const WRAP_AT = 2_000_000;

/**
 * Who a bulk delivery counts against: the alert channel it came in on, the API key that posted it,
 * the action whose outcome it reports, a digest's recipient.
 *
 * @example
 * sourceOf({ trigger: 'alert', message: { alert: { channel: 'am-prod', ... }, ... } }) // 'alert:am-prod'
 * sourceOf({ trigger: 'api', message }, 'ci-bot')                                       // 'api:ci-bot'
 */
export function sourceOf(j: Pick<DeliveryJobData, 'trigger' | 'message'>, apiSource?: string): string {
  if (j.trigger === 'alert') return `alert:${j.message.alert?.channel ?? ''}`;
  if (j.trigger === 'api') return `api:${apiSource ?? ''}`;
  if (j.trigger === 'digest') return `digest:${j.message.channel}:${j.message.target ?? ''}`;
  return `action:${j.message.execution?.action ?? ''}`;
}

/**
 * `takeTags(tagsKey, prioritizedKey, args, from, n)`: the first tag of each of `n` (source, count)
 * pairs read from `args[from..]`, in order. A Lua function, shared by the two scripts below.
 */
const TAKE_TAGS_LUA = `
local function takeTags(tagsKey, prioritizedKey, args, from, n)
  local top = redis.call('ZRANGE', prioritizedKey, 0, 0, 'WITHSCORES')
  local last = tonumber(redis.call('HGET', tagsKey, ':top') or '1')
  local head
  if top[2] then
    head = math.floor(tonumber(top[2]) / 4294967296)
  else
    if last > ${WRAP_AT} then
      redis.call('DEL', tagsKey)
      last = 1
    end
    head = last
  end
  local out = {}
  for i = from, from + 2 * n - 1, 2 do
    local c = tonumber(args[i + 1])
    local start = math.max(tonumber(redis.call('HGET', tagsKey, args[i]) or '1'), head)
    redis.call('HSET', tagsKey, args[i], start + c)
    if start + c > last then last = start + c end
    out[#out + 1] = start
  end
  redis.call('HSET', tagsKey, ':top', last)
  redis.call('PEXPIRE', tagsKey, 172800000)
  return out
end
`;

/** KEYS: tags, prioritized. ARGV: (source, count) pairs. */
const tagScript = `${TAKE_TAGS_LUA}
return takeTags(KEYS[1], KEYS[2], ARGV, 1, #ARGV / 2)
`;

const takeTags = defineScript<'tags' | 'prioritized', string[], number[]>({ name: 'sbDeliveryFairTags', keys: ['tags', 'prioritized'], lua: tagScript });

/**
 * The tags of a batch of bulk jobs and their `pending` ledger entries in one call (one round trip,
 * one script: the enqueue of an execution's outcome notifications, bench e2e). KEYS: tags,
 * prioritized, stats, then the record of each entry. ARGV: the number of (source, count) pairs, the
 * pairs, then (delivery id, entry JSON) per record key. Each entry is listed as ledger.ts `pending`
 * with the counter `queued`. Returns the first tag of each pair.
 */
const enqueueScript = `${TAKE_TAGS_LUA}${LEDGER_UPSERT_LUA}
local n = tonumber(ARGV[1])
local out = {}
if n > 0 then out = takeTags(KEYS[1], KEYS[2], ARGV, 2, n) end
local a = 2 + 2 * n
for k = 4, #KEYS do
  upsert(KEYS[k], KEYS[3], ARGV[a], 'pending', ARGV[a + 1], 'queued')
  a = a + 2
end
return out
`;

const tagsAndPending = defineScriptOverKeys<string[], number[]>({ name: 'sbDeliveryEnqueue', lua: enqueueScript });

/** Counts per source, in order of first appearance, as the scripts' (source, count) pairs. */
function sourcePairs(sources: readonly string[]): { counts: Map<string, number>; args: string[] } {
  const counts = new Map<string, number>();
  for (const s of sources) counts.set(s, (counts.get(s) ?? 0) + 1);
  return { counts, args: [...counts].flatMap(([s, n]) => [s, String(n)]) };
}

/** Each job's priority from the first tag of its source, in order. */
function prioritiesOf(sources: readonly string[], counts: Map<string, number>, starts: number[]): number[] {
  const next = new Map([...counts.keys()].map((s, i) => [s, Number(starts[i])]));
  return sources.map((s) => {
    const tag = next.get(s)!;
    next.set(s, tag + 1);
    return Math.min(MAX_PRIORITY, Math.max(1, tag));
  });
}

/**
 * Hands out the priorities of a batch of bulk jobs, in order: `sources[i]` is the source of job i.
 *
 * @example
 * const prio = await fairPriorities(redis, { tags: keys.fair, prioritized: queue.keys.prioritized }, ['alert:am', 'alert:am', 'api:ci']);
 * // [1, 2, 1] on an empty queue
 */
export async function fairPriorities(redis: Redis, keys: { tags: string; prioritized: string }, sources: readonly string[]): Promise<number[]> {
  if (sources.length === 0) return [];
  const { counts, args } = sourcePairs(sources);
  return prioritiesOf(sources, counts, await takeTags.run(redis, keys, ...args));
}

/** A delivery to list `pending` on a record (its key: ledger.ts `ledgerKeyOf`). */
export interface PendingEntry {
  recordKey: string;
  entry: LedgerEntry;
}

/**
 * {@link fairPriorities} of the bulk jobs and the ledger's `pending` entries (counted `queued` when
 * new, ledger.ts) in one script call.
 *
 * @example
 * const prio = await fairPrioritiesAndPending(redis, { tags: keys.fair, prioritized: queue.keys.prioritized, stats: keys.stats }, ['action:core.echo'], [{ recordKey: keys.record(id), entry }]);
 */
export async function fairPrioritiesAndPending(
  redis: Redis,
  keys: { tags: string; prioritized: string; stats: string },
  sources: readonly string[],
  pending: readonly PendingEntry[],
): Promise<number[]> {
  if (sources.length === 0 && pending.length === 0) return [];
  const { counts, args } = sourcePairs(sources);
  const starts = await tagsAndPending.run(
    redis,
    [keys.tags, keys.prioritized, keys.stats, ...pending.map((p) => p.recordKey)],
    String(counts.size),
    ...args,
    ...pending.flatMap((p) => [p.entry.id, JSON.stringify(p.entry)]),
  );
  return sources.length === 0 ? [] : prioritiesOf(sources, counts, starts);
}
