/**
 * Quiet hours, producer side (docs/contracts.md section 7 "People, not only channels"): a planned
 * delivery whose person is in their quiet hours (routing marked it `held`) is not queued. It is
 * recorded `held` on its record's ledger and kept in the person's hold list for that quiet period in
 * Redis, and one delayed job on the `digests` queue (`digest-<user>-<end ms>`, deterministic) sends
 * the digest when the period ends (src/deliveries/digest.ts).
 *
 * Keys (under the executions' hash tag, so one script may touch them together):
 * - `{sb}:hold:<user>:<end ms>`        hash: delivery id → held entry (JSON), the period's hold list
 * - `{sb}:hold-taken:<user>:<end ms>`  the same hash once the digest took it (read again by a re-run)
 * - `{sb}:hold-done:<user>:<end ms>`   set when the digest took the list: later holds for it go out now
 * - `{sb}:hold-id:<delivery id>`       a delivery already held (a repeated notification holds nothing new)
 * - `{sb}:digests:*`                   the BullMQ queue of digest jobs
 *
 * Restarts: the list and the delayed job are in Redis. Order: the digest job is added before the hold
 * (an empty digest is a no-op), and the hold script refuses a period whose digest already took its
 * list (the delivery is then sent at once), so a held delivery is never lost nor sent twice.
 */
import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { hashTagPrefix } from '../executions/keys.ts';
import { defineScript } from '../redis/script.ts';
import type { Notification } from '../notify/types.ts';
import type { HeldDelivery, RoutePlan } from '../routing/index.ts';
import { deliveryJobs, ledgerRecordOf, type DeliveryJobData } from './job.ts';
import type { Ledger, LedgerEntry, LedgerRecord } from './ledger.ts';

export const DIGEST_QUEUE = 'digests';
const DAY_MS = 86_400_000;

/** What the hold list keeps per delivery: the job as it would have been queued, and its ledger entry. */
export interface HeldEntry {
  job: DeliveryJobData;
  record?: LedgerRecord;
  entry: LedgerEntry;
  held_at: string;
}

/** The digest job's payload: whose period, ending when. */
export interface DigestJobData {
  user: string;
  /** end of the quiet period, ms since the epoch */
  until: number;
  /** the person's quiet hours, for the digest's text: `22:00-07:00 Europe/Berlin` */
  hours: string;
}

export interface HoldKeys {
  prefix: string;
  list(user: string, until: number): string;
  taken(user: string, until: number): string;
  done(user: string, until: number): string;
  held(deliveryId: string): string;
}

/** @example holdKeys('sb').list('alice', 1765087200000) // '{sb}:hold:alice:1765087200000' */
export function holdKeys(redisPrefix: string): HoldKeys {
  const p = hashTagPrefix(redisPrefix);
  return {
    prefix: p,
    list: (user, until) => `${p}:hold:${user}:${until}`,
    taken: (user, until) => `${p}:hold-taken:${user}:${until}`,
    done: (user, until) => `${p}:hold-done:${user}:${until}`,
    held: (id) => `${p}:hold-id:${id}`,
  };
}

/**
 * The digest job's id: `digest-<user>-<end ms>`, the user name hashed when it holds characters a
 * BullMQ job id may not (`:`).
 *
 * @example
 * digestJobId('alice', 1765087200000) // 'digest-alice-1765087200000'
 */
export function digestJobId(user: string, until: number): string {
  const safe = /^[A-Za-z0-9_.-]+$/.test(user) ? user : `h${createHash('sha256').update(user).digest('hex').slice(0, 16)}`;
  return `digest-${safe}-${until}`;
}

/** Options of a digest job: delayed to the end of the quiet period, kept 2 days once done (a re-add is a no-op). */
export function digestJobOptions(user: string, until: number, now: number): JobsOptions {
  return {
    jobId: digestJobId(user, until),
    delay: Math.max(0, until - now),
    attempts: 8,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 2 * 86_400, count: 100_000 },
    removeOnFail: { age: 14 * 86_400, count: 100_000 },
  };
}

/**
 * KEYS: held marker, hold list, done. ARGV: delivery id, entry JSON, marker ttl (s), list expiry (ms epoch).
 * Returns 1 held, 0 already held (a repeat), -1 the period's digest already went: send it now.
 */
const holdScript = defineScript<'held' | 'list' | 'done', [id: string, json: string, ttl: number, expireAt: number], number>({
  name: 'sbDeliveryHold',
  keys: ['held', 'list', 'done'],
  lua: `
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[3]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIREAT', KEYS[2], ARGV[4])
return 1
`,
});

/**
 * The job payloads of routed notifications, apart: those to queue now, and those routing marked
 * held (their person in quiet hours).
 *
 * @example
 * const { send, held } = splitHeld(ns, plans);
 */
export function splitHeld(
  ns: readonly Notification[],
  plans: readonly RoutePlan[],
): { send: DeliveryJobData[]; held: { job: DeliveryJobData; held: HeldDelivery }[] } {
  const send: DeliveryJobData[] = [];
  const held: { job: DeliveryJobData; held: HeldDelivery }[] = [];
  ns.forEach((n, i) => {
    const plan = plans[i]!;
    deliveryJobs(n, plan).forEach((job, k) => {
      const h = plan.deliveries[k]?.held;
      if (h && job.message.user !== undefined) held.push({ job, held: h });
      else send.push(job);
    });
  });
  return { send, held };
}

export interface Holds {
  /**
   * Holds the deliveries (their person in quiet hours); returns those that must go now instead
   * (their period's digest already went).
   */
  hold(held: { job: DeliveryJobData; held: HeldDelivery }[], now?: Date): Promise<DeliveryJobData[]>;
  close(): Promise<void>;
}

/**
 * @example
 * const holds = createHolds({ redis, redisPrefix: 'sb', ledger });
 * const sendNow = await holds.hold([{ job, held: plan.deliveries[0].held }]);
 */
export function createHolds(opts: { redis: Redis; redisPrefix: string; ledger: Ledger }): Holds {
  const keys = holdKeys(opts.redisPrefix);
  const queue = new Queue<DigestJobData>(DIGEST_QUEUE, { connection: opts.redis, prefix: keys.prefix });
  queue.on('error', () => undefined);
  return {
    async hold(list, now = new Date()) {
      const late: DeliveryJobData[] = [];
      for (const { job, held } of list) {
        const user = job.message.user;
        if (user === undefined) {
          late.push(job);
          continue;
        }
        const until = Date.parse(held.until);
        // the digest job first: a crash between the two leaves an empty digest (a no-op), never a held delivery without one
        await queue.add('digest', { user, until, hours: `${held.hours} ${held.tz}` }, digestJobOptions(user, until, now.getTime()));
        const record = ledgerRecordOf(job);
        const entry: LedgerEntry = {
          id: job.message.id,
          channel: job.message.channel,
          ...(job.message.target !== undefined && { target: job.message.target }),
          status: 'held',
          attempts: 0,
          user,
          held_until: held.until,
        };
        const value: HeldEntry = { job, ...(record !== undefined && { record }), entry, held_at: now.toISOString() };
        const ttl = Math.ceil((until - now.getTime() + 2 * DAY_MS) / 1000);
        const res = await holdScript.run(
          opts.redis,
          { held: keys.held(job.message.id), list: keys.list(user, until), done: keys.done(user, until) },
          job.message.id,
          JSON.stringify(value),
          Math.max(60, ttl),
          until + 14 * DAY_MS,
        );
        if (res === -1) late.push(job);
        else if (res === 1 && record !== undefined) await opts.ledger.update(record, entry);
      }
      return late;
    },
    async close() {
      await queue.close().catch(() => undefined);
    },
  };
}
