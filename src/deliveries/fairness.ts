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
import { defineScript } from '../redis/script.ts';
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

const tagScript = `
local top = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local last = tonumber(redis.call('HGET', KEYS[1], ':top') or '1')
local head
if top[2] then
  head = math.floor(tonumber(top[2]) / 4294967296)
else
  if last > ${WRAP_AT} then
    redis.call('DEL', KEYS[1])
    last = 1
  end
  head = last
end
local out = {}
for i = 1, #ARGV, 2 do
  local n = tonumber(ARGV[i + 1])
  local start = math.max(tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '1'), head)
  redis.call('HSET', KEYS[1], ARGV[i], start + n)
  if start + n > last then last = start + n end
  out[#out + 1] = start
end
redis.call('HSET', KEYS[1], ':top', last)
redis.call('PEXPIRE', KEYS[1], 172800000)
return out
`;

const takeTags = defineScript<'tags' | 'prioritized', string[], number[]>({ name: 'sbDeliveryFairTags', keys: ['tags', 'prioritized'], lua: tagScript });

/**
 * Hands out the priorities of a batch of bulk jobs, in order: `sources[i]` is the source of job i.
 *
 * @example
 * const prio = await fairPriorities(redis, { tags: keys.fair, prioritized: queue.keys.prioritized }, ['alert:am', 'alert:am', 'api:ci']);
 * // [1, 2, 1] on an empty queue
 */
export async function fairPriorities(redis: Redis, keys: { tags: string; prioritized: string }, sources: readonly string[]): Promise<number[]> {
  if (sources.length === 0) return [];
  const counts = new Map<string, number>();
  for (const s of sources) counts.set(s, (counts.get(s) ?? 0) + 1);
  const args = [...counts].flatMap(([s, n]) => [s, String(n)]);
  const starts = await takeTags.run(redis, keys, ...args);
  const next = new Map([...counts.keys()].map((s, i) => [s, Number(starts[i])]));
  return sources.map((s) => {
    const tag = next.get(s)!;
    next.set(s, tag + 1);
    return Math.min(MAX_PRIORITY, Math.max(1, tag));
  });
}
