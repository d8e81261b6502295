/**
 * The producer side of deliveries: build notifications (src/notify), route them (src/routing),
 * and enqueue one BullMQ job per planned delivery, its deterministic id as job id, each listed
 * `pending` on its execution. Nothing is sent here; the delivery worker sends.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.ts';
import { guarded, producerConnection } from '../executions/redis.ts';
import type { ExecutionRecord, Origin } from '../executions/types.ts';
import type { Logger } from '../log.ts';
import { buildAck, buildNotifications, makeNotificationId, notificationFromApi, originName, type Notification } from '../notify/index.ts';
import { routeNotification, type RoutePlan } from '../routing/index.ts';
import { renderMessage, renderTemplate } from '../templates/render.ts';
import { deliveryJobOptions, deliveryJobs, type DeliveryJobData } from './job.ts';
import { deliveryKeys, DELIVERY_QUEUE } from './keys.ts';
import { createLedger } from './ledger.ts';
import type { DeliveryService, NotifyInput, NotifyResult } from './types.ts';

export interface DeliveryServiceOptions {
  config: Config;
  logger: Logger;
  /** a ready-made ioredis client (not closed by `close()`); default: a fail-fast client on `redis.url` */
  connection?: Redis;
}

/**
 * @example
 * const deliveries = createDeliveryService({ config, logger });
 * await startExecutionWorker({ config, logger, hooks: { onTerminal: (e) => deliveries.notifyExecution(e) } });
 */
export function createDeliveryService(opts: DeliveryServiceOptions): DeliveryService {
  const { config } = opts;
  const logger = opts.logger.child({ component: 'deliveries' });
  const redis = opts.connection ?? producerConnection(config.main.redis.url);
  // a connection given is its owner's to watch: a listener added to it here would outlive this service
  if (!opts.connection) redis.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  const keys = deliveryKeys(config.main.redis.prefix);
  const ledger = createLedger(redis, keys);
  const queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection: redis, prefix: keys.prefix });
  queue.on('error', (err: Error) => logger.debug({ err: err.message }, 'queue error'));

  const route = (n: Notification): RoutePlan => {
    const plan = routeNotification(n, config.rules, config.channels);
    for (const note of plan.notes) logger.debug({ notification: n.id }, note);
    if (plan.unrouted) logger.warn({ notification: n.id, name: n.name }, 'notification not routed: no rule handles it');
    return plan;
  };

  /** Records the pending entries first (a worker's later update wins), then adds the jobs. */
  async function enqueue(ns: Notification[]): Promise<RoutePlan[]> {
    const plans = ns.map(route);
    const jobs = ns.flatMap((n, i) => deliveryJobs(n, plans[i]!));
    if (jobs.length === 0) return plans;
    await guarded(redis, async () => {
      // one round trip for all entries, not two per delivery in sequence: each upsert is its own
      // atomic script on the record, so their order does not matter (e2e benchmark hot spot)
      await Promise.all(
        jobs.map(async (j) => {
          if (j.executionId === undefined) return;
          const entry = {
            id: j.message.id,
            channel: j.message.channel,
            ...(j.message.target !== undefined && { target: j.message.target }),
            status: 'pending' as const,
            attempts: 0,
          };
          if (await ledger.pending(j.executionId, entry)) await ledger.count('queued');
        }),
      );
      await queue.addBulk(jobs.map((data) => ({ name: data.kind, data, opts: deliveryJobOptions(data.message.id) })));
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
    async ackExecution(exec) {
      const ack = buildAck({ execution: exec, alias: aliasOf(exec), render: renderTemplate, renderMessage });
      if (ack) await enqueue([ack]);
    },
    async notify(input: NotifyInput): Promise<NotifyResult> {
      const id = input.id ?? randomUUID();
      const ns = notificationFromApi({ channels: input.channels, message: input.message, ...(input.data && { data: input.data }) }, id);
      const plans = await enqueue(ns);
      return {
        id,
        deliveries: plans.flatMap((p) =>
          p.deliveries.map((d) => ({ id: d.id, channel: d.channel, ...(d.target !== undefined && { target: d.target }), rule: d.rule })),
        ),
        unrouted: ns.filter((_, i) => plans[i]!.unrouted).map((n) => n.name),
      };
    },
    async replyToOrigin(origin: Origin, text: string, o = {}) {
      const scope = `reply-${o.id ?? origin.message_id ?? randomUUID()}`;
      const n: Notification = {
        id: makeNotificationId(scope, 'result', originName),
        name: originName,
        trigger: 'result',
        subject: o.subject ?? 'Switchboard',
        message: text,
        data: {},
        origin,
      };
      await enqueue([n]);
    },
    async close() {
      await queue.close().catch(() => undefined);
      if (!opts.connection) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
