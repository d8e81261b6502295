/**
 * Quiet hours, worker side: when a person's quiet period ends, its delayed job on the `digests`
 * queue (added by hold.ts) takes the period's hold list and sends ONE digest per (channel, target)
 * through the normal delivery path (bulk queue, rate limits, retries, sinks): trigger `digest`,
 * subject `While you were away: N notifications`, one line per held message.
 *
 * A queue of its own, not a job name on `deliveries`: the delivery worker's processor treats every
 * job as one message to one sink (rate bucket, send, ledger); a digest job sends nothing itself, it
 * fans out. It runs in every delivery worker process (`startDeliveryWorker` starts it), concurrency 1.
 *
 * Idempotent: the take script marks the period done and renames the list (atomically) before anything
 * is queued; a re-run (crash, stalled job) reads the taken list again and queues the same digests,
 * whose delivery ids are deterministic (`digest/<user>/<end ms>` × channel × target), so nothing
 * goes twice. Each held entry is then listed with its digest's id, and, when the digest is sent,
 * `sent` (or `failed`) with it ({@link recordDigestOutcome}).
 */
import { Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import { defineScript } from '../redis/script.ts';
import { makeDeliveryId } from '../routing/index.ts';
import { deliveryJobOptions, type DeliveryJobData } from './job.ts';
import { DIGEST_QUEUE, holdKeys, type DigestJobData, type HeldEntry } from './hold.ts';
import type { Ledger, LedgerEntry, LedgerRecord } from './ledger.ts';

/** Most held messages listed one by one in a digest; the rest are counted. */
export const DIGEST_LINES_MAX = 20;
/** Longest line per held message. */
export const DIGEST_LINE_MAX = 160;
const DONE_TTL_S = 2 * 86_400;

/** A held delivery the digest covers: its record and ledger entry, updated when the digest is sent. */
export interface DigestCover {
  record: LedgerRecord;
  entry: LedgerEntry;
}

/** KEYS: list, taken, done. ARGV: done ttl (s). Marks the period done, moves the list aside, returns it (HGETALL pairs). */
const takeScript = defineScript<'list' | 'taken' | 'done', [ttl: number], string[]>({
  name: 'sbDigestTake',
  keys: ['list', 'taken', 'done'],
  lua: `
redis.call('SET', KEYS[3], '1', 'EX', ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('EXISTS', KEYS[2]) == 1 then
    local pairs = redis.call('HGETALL', KEYS[1])
    for i = 1, #pairs, 2 do redis.call('HSETNX', KEYS[2], pairs[i], pairs[i + 1]) end
    redis.call('DEL', KEYS[1])
  else
    redis.call('RENAME', KEYS[1], KEYS[2])
  end
end
return redis.call('HGETALL', KEYS[2])
`,
});

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * The digest messages of one quiet period: one job per (channel, target), its held messages in the
 * order they were held, `subject: first line` each, at most {@link DIGEST_LINES_MAX} lines.
 *
 * @example
 * digestJobs({ user: 'alice', until: 1765087200000, hours: '22:00-07:00 Europe/Berlin' }, held)
 * // [{ message: { id: 'd-…', channel: 'sms', target: '+15551230001', subject: 'While you were away: 3 notifications', text: '…', user: 'alice', ... }, trigger: 'digest', rule: '(digest)', digestOf: [...] }]
 */
export function digestJobs(d: DigestJobData, held: readonly HeldEntry[]): DeliveryJobData[] {
  const groups = new Map<string, HeldEntry[]>();
  for (const h of [...held].sort((a, b) => a.held_at.localeCompare(b.held_at) || a.entry.id.localeCompare(b.entry.id))) {
    const key = `${h.job.message.channel}\u0000${h.job.message.target ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), h]);
  }
  const notificationId = `digest/${d.user}/${d.until}`;
  return [...groups.values()].map((list) => {
    const first = list[0]!.job;
    const n = list.length;
    const lines = list.slice(0, DIGEST_LINES_MAX).map((h) => {
      const m = h.job.message;
      const firstLine = m.text.split('\n').find((l) => l.trim() !== '') ?? '';
      const text = firstLine.trim() === m.subject.trim() || firstLine === '' ? m.subject : `${m.subject}: ${firstLine.trim()}`;
      return `- ${cut(text, DIGEST_LINE_MAX)}`;
    });
    if (n > DIGEST_LINES_MAX) lines.push(`… and ${n - DIGEST_LINES_MAX} more`);
    const subject = `While you were away: ${n} notification${n === 1 ? '' : 's'}`;
    const covers = list.flatMap((h) => (h.record === undefined ? [] : [{ record: h.record, entry: h.entry }]));
    return {
      message: {
        id: makeDeliveryId(notificationId, first.message.channel, first.message.target, 'primary', d.user),
        channel: first.message.channel,
        ...(first.message.target !== undefined && { target: first.message.target }),
        subject,
        text: [`${subject} (quiet hours ${d.hours}):`, ...lines].join('\n'),
        data: { digest: { user: d.user, count: n, until: new Date(d.until).toISOString(), deliveries: list.map((h) => h.entry.id) } },
        user: d.user,
      },
      kind: first.kind,
      rule: '(digest)',
      trigger: 'digest',
      fallback: [],
      ...(covers.length > 0 && { digestOf: covers }),
    } satisfies DeliveryJobData;
  });
}

/**
 * Records a digest's outcome on every held delivery it carries: `sent` (or `failed`, with the
 * digest's error), with the digest's id. Called by the delivery worker for `trigger: 'digest'` jobs.
 */
export async function recordDigestOutcome(
  ledger: Ledger,
  data: DeliveryJobData,
  status: 'held' | 'sent' | 'failed' | 'skipped',
  error?: string,
): Promise<void> {
  if (!data.digestOf) return;
  for (const c of data.digestOf ?? []) {
    await ledger.update(c.record, {
      ...c.entry,
      status,
      digest: data.message.id,
      ...(error !== undefined && { last_error: `digest ${data.message.id}: ${error}` }),
    });
  }
}

export interface DigestWorkerOptions {
  connection: Redis;
  redisPrefix: string;
  /** the bulk deliveries queue the digests are added to */
  deliveries: Queue<DeliveryJobData>;
  ledger: Ledger;
  logger: Logger;
  stalledIntervalMs: number;
}

/** One digest job: take the period's list, queue one digest per (channel, target), list them on the held entries. */
export async function processDigest(
  job: Job<DigestJobData>,
  o: Pick<DigestWorkerOptions, 'connection' | 'redisPrefix' | 'deliveries' | 'ledger' | 'logger'>,
): Promise<number> {
  const { user, until } = job.data;
  const keys = holdKeys(o.redisPrefix);
  const pairs = await takeScript.run(o.connection, { list: keys.list(user, until), taken: keys.taken(user, until), done: keys.done(user, until) }, DONE_TTL_S);
  const held: HeldEntry[] = [];
  for (let i = 1; i < pairs.length; i += 2) held.push(JSON.parse(pairs[i]!) as HeldEntry);
  if (held.length === 0) return 0;
  const jobs = digestJobs(job.data, held);
  // listed first: the digest may be sent (and record `sent`) before a later write could land
  for (const j of jobs) await recordDigestOutcome(o.ledger, j, 'held');
  await o.deliveries.addBulk(jobs.map((data) => ({ name: data.kind, data, opts: deliveryJobOptions(data.message.id) })));
  await o.connection.del(keys.taken(user, until));
  o.logger.info({ user, held: held.length, digests: jobs.length }, 'quiet hours over: digest queued');
  return jobs.length;
}

/**
 * @example
 * const digests = await startDigestWorker({ connection, redisPrefix: 'sb', deliveries: bulkQueue, ledger, logger, stalledIntervalMs: 30_000 });
 * await digests.close();
 */
export async function startDigestWorker(o: DigestWorkerOptions): Promise<{ close(): Promise<void> }> {
  const prefix = holdKeys(o.redisPrefix).prefix;
  const worker = new Worker<DigestJobData>(DIGEST_QUEUE, (job) => processDigest(job, o), {
    connection: o.connection,
    prefix,
    concurrency: 1,
    stalledInterval: o.stalledIntervalMs,
    lockDuration: o.stalledIntervalMs * 2,
    maxStalledCount: 5,
  });
  worker.on('error', (err: Error) => o.logger.warn({ err: err.message, queue: DIGEST_QUEUE }, 'worker error'));
  await worker.waitUntilReady();
  return { close: () => worker.close() };
}
