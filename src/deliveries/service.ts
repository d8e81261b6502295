/**
 * The producer side of deliveries: build notifications (src/notify), route them (src/routing),
 * and enqueue one BullMQ job per planned delivery, its deterministic id as job id, each listed
 * `pending` on its execution. Nothing is sent here; the delivery worker sends.
 */
import { randomUUID } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.ts';
import { guarded, producerConnection } from '../executions/redis.ts';
import { redisSettings } from '../redis/connection.ts';
import type { ExecutionRecord, Origin } from '../executions/types.ts';
import type { Logger } from '../log.ts';
import { buildAck, buildNotifications, buildOriginReply, buildProgress, notificationFromApi, type Notification } from '../notify/index.ts';
import { originEdits, routeNotification, type RoutePlan } from '../routing/index.ts';
import { renderMessage, renderTemplate } from '../templates/render.ts';
import { jobOptionsOf, ledgerRecordOf, queueOf, type DeliveryJobData } from './job.ts';
import { deliveryKeys, DELIVERY_QUEUE, REPLY_QUEUE } from './keys.ts';
import { createHolds, splitHeld } from './hold.ts';
import { createLedger, ledgerKeyOf, type LedgerEntry, type LedgerRecord } from './ledger.ts';
import { fairPrioritiesAndPending, sourceOf, type PendingEntry } from './fairness.ts';
import { createPressureGauge } from './pressure.ts';
import type { DeliveryService, NotifyInput, NotifyResult } from './types.ts';

export interface DeliveryServiceOptions {
  config: Config;
  logger: Logger;
  /** a ready-made ioredis client (not closed by `close()`); default: a fail-fast client on `redis:` (src/redis/connection.ts) */
  connection?: Redis;
  /**
   * the bulk queue's own client (not closed by `close()`): a storm's job adds (50-job pipelines, one
   * per `/api/v1/notify` request) never queue ahead of a command's round trips on `connection`;
   * default `connection`
   */
  bulkConnection?: Redis;
  /**
   * the behaviour before issue 15, for `npm run bench -- storm` to measure against
   * (`SWITCHBOARD_SINGLE_DELIVERY_QUEUE=1`): every delivery in the bulk queue, first in first out
   */
  singleQueue?: boolean;
  /** the clock quiet hours are read with (tests); default the system clock */
  now?: () => Date;
}

/** A new delivery's ledger entry: `pending`, no attempt yet. */
const pendingEntryOf = (j: DeliveryJobData): LedgerEntry => ({
  id: j.message.id,
  channel: j.message.channel,
  ...(j.message.target !== undefined && { target: j.message.target }),
  status: 'pending',
  attempts: 0,
  ...(j.message.user !== undefined && { user: j.message.user }),
});

/**
 * @example
 * const deliveries = createDeliveryService({ config, logger });
 * await startExecutionWorker({ config, logger, hooks: { onTerminal: (e) => deliveries.notifyExecution(e) } });
 */
export function createDeliveryService(opts: DeliveryServiceOptions): DeliveryService {
  const { config } = opts;
  const logger = opts.logger.child({ component: 'deliveries' });
  const redis = opts.connection ?? producerConnection(redisSettings(config));
  // a connection given is its owner's to watch: a listener added to it here would outlive this service
  if (!opts.connection) redis.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  const keys = deliveryKeys(config.main.redis.prefix);
  const ledger = createLedger(redis, keys);
  const bulkRedis = opts.bulkConnection ?? redis;
  const bulkLedger = bulkRedis === redis ? ledger : createLedger(bulkRedis, keys);
  const queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection: bulkRedis, prefix: keys.prefix });
  queue.on('error', (err: Error) => logger.debug({ err: err.message }, 'queue error'));
  const holds = createHolds({ redis, redisPrefix: config.main.redis.prefix, ledger });
  const replies = new Queue<DeliveryJobData>(REPLY_QUEUE, { connection: redis, prefix: keys.prefix });
  replies.on('error', (err: Error) => logger.debug({ err: err.message }, 'queue error'));
  const gauge = createPressureGauge({
    maxBacklog: config.main.deliveries.max_backlog,
    read: () =>
      guarded(bulkRedis, async () => {
        const [counts, stats] = await Promise.all([queue.getJobCounts('waiting', 'prioritized', 'delayed'), bulkLedger.stats()]);
        return { backlog: Object.values(counts).reduce((a, b) => a + b, 0), done: stats.sent + stats.failed + stats.skipped };
      }),
  });

  /**
   * One job: `add`, which runs BullMQ's add script on the connection itself; `addBulk` builds an
   * ioredis pipeline, whose constructor copies every script defined on the connection (BullMQ's
   * and ours) onto it: a measurable share of a worker's CPU when each command notifies once (bench e2e).
   */
  const addAll = async (q: Queue<DeliveryJobData>, list: { name: string; data: DeliveryJobData; opts: JobsOptions }[]) => {
    if (list.length === 1) await q.add(list[0]!.name, list[0]!.data, list[0]!.opts);
    else if (list.length > 1) await q.addBulk(list);
  };

  const clock = opts.now ?? (() => new Date());
  const route = (n: Notification, now: Date): RoutePlan => {
    const plan = routeNotification(n, config.rules, config.channels, { users: config.main.users, now });
    for (const note of plan.notes) logger.debug({ notification: n.id }, note);
    if (plan.unrouted) logger.warn({ notification: n.id, name: n.name }, 'notification not routed: no rule handles it');
    return plan;
  };

  /** Records the pending entries first (a worker's later update wins), then adds the jobs. */
  async function enqueue(ns: Notification[], apiSource?: string): Promise<RoutePlan[]> {
    const now = clock();
    const plans = ns.map((n) => route(n, now));
    // a person in quiet hours: held (hold.ts), not queued; a hold whose digest already went is sent now
    const { send, held } = splitHeld(ns, plans);
    const jobs = held.length === 0 ? send : [...send, ...(await guarded(redis, () => holds.hold(held, now)))];
    if (jobs.length === 0) return plans;
    await guarded(redis, async () => {
      const bulk = opts.singleQueue ? jobs : jobs.filter((j) => queueOf(j) === DELIVERY_QUEUE);
      const answers = opts.singleQueue ? [] : jobs.filter((j) => queueOf(j) === REPLY_QUEUE);
      const pendingOf = (list: DeliveryJobData[]): (PendingEntry & { record: LedgerRecord })[] =>
        list.flatMap((j) => {
          const record = ledgerRecordOf(j);
          return record === undefined ? [] : [{ recordKey: ledgerKeyOf(keys, record), record, entry: pendingEntryOf(j) }];
        });
      // every entry is its own atomic upsert on its record, so their order does not matter: all leave
      // at once, listed and counted `queued` (only when new) in the call that lists them
      // the answers' entries on their own connection: they never wait behind the bulk's
      const answered = Promise.all(pendingOf(answers).map((p) => ledger.pending(p.record, p.entry, 'queued')));
      // awaited below: never an unhandled rejection when the other call fails first
      answered.catch(() => undefined);
      let prio: number[] = [];
      if (opts.singleQueue) await Promise.all(pendingOf(bulk).map((p) => bulkLedger.pending(p.record, p.entry, 'queued')));
      // the bulk jobs' priorities (fairness per source) and their ledger entries: one script call
      else if (bulk.length > 0)
        prio = await fairPrioritiesAndPending(
          bulkRedis,
          { tags: keys.fair, prioritized: queue.keys.prioritized!, stats: keys.stats },
          bulk.map((j) => sourceOf(j, apiSource)),
          pendingOf(bulk),
        );
      await answered;
      const toJob = (data: DeliveryJobData, priority?: number) => ({
        name: data.kind,
        data,
        opts: { ...jobOptionsOf(data), ...(priority !== undefined && { priority }) },
      });
      await Promise.all([
        addAll(
          replies,
          answers.map((j) => toJob(j)),
        ),
        addAll(
          queue,
          bulk.map((j, i) => toJob(j, prio[i])),
        ),
      ]);
    });
    logger.debug({ notifications: ns.map((n) => n.id), deliveries: jobs.length }, 'deliveries queued');
    return plans;
  }

  const aliasOf = (exec: ExecutionRecord) => (exec.alias === undefined ? undefined : config.aliases.find((a) => a.id === exec.alias));

  return {
    async notifyExecution(exec) {
      const ns = buildNotifications({ execution: exec, action: config.actions.get(exec.action), alias: aliasOf(exec), render: renderTemplate, renderMessage });
      await enqueue(ns);
    },
    async progressExecution(exec, update) {
      if (!originEdits(exec.origin)) return;
      const n = buildProgress({ execution: exec, alias: aliasOf(exec), step: update.step, ...(update.line !== undefined && { line: update.line }) });
      if (n) await enqueue([n]);
    },
    async ackExecution(exec) {
      const ack = buildAck({ execution: exec, alias: aliasOf(exec), render: renderTemplate, renderMessage });
      if (ack) await enqueue([ack]);
    },
    async notify(input: NotifyInput): Promise<NotifyResult> {
      const id = input.id ?? randomUUID();
      const ns = notificationFromApi({ channels: input.channels, message: input.message, ...(input.data && { data: input.data }) }, id);
      const plans = await enqueue(ns, input.source);
      return {
        id,
        deliveries: plans.flatMap((p) =>
          p.deliveries.map((d) => ({
            id: d.id,
            channel: d.channel,
            ...(d.target !== undefined && { target: d.target }),
            rule: d.rule,
            ...(d.user !== undefined && { user: d.user }),
            ...(d.held && { held_until: d.held.until }),
          })),
        ),
        unrouted: ns.filter((_, i) => plans[i]!.unrouted).map((n) => n.name),
      };
    },
    async notifyAlert(ns, alertId) {
      // each notification carries its AlertRef (job.ts: `alertId`): the ledger lists the deliveries on the alert record
      const wrong = ns.find((n) => n.alert?.id !== alertId);
      if (wrong) throw new Error(`notification ${wrong.id} is not about alert ${alertId}`);
      return enqueue(ns);
    },
    async replyToOrigin(origin: Origin, text: string, o = {}) {
      await enqueue([buildOriginReply({ origin, text, ...o, fallbackId: randomUUID() })]);
    },
    pressure: () => gauge.check(),
    async close() {
      await replies.close().catch(() => undefined);
      await holds.close();
      await queue.close().catch(() => undefined);
      if (!opts.connection) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
