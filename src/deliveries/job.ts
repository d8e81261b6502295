/**
 * What one job of the deliveries queue carries and how BullMQ treats it: one job per planned
 * delivery, its deterministic delivery id as job id (a repeat is a no-op while the job is kept),
 * retries by the custom `delivery` backoff (see backoff.ts).
 */
import type { JobsOptions } from 'bullmq';
import type { ChannelKind } from '../config/schema.ts';
import type { Notification, NotifyTrigger } from '../notify/types.ts';
import { originRule, toOutboundMessage, type FallbackDelivery, type RoutePlan } from '../routing/index.ts';
import type { OutboundMessage } from '../sinks/sink.ts';
import { DELIVERY_QUEUE, REPLY_QUEUE, type DeliveryQueueName } from './keys.ts';
import type { LedgerEntry, LedgerRecord } from './ledger.ts';

/** A fallback delivery, rendered and ready to enqueue when its primary fails for good. */
export interface FallbackJob {
  message: OutboundMessage;
  kind: ChannelKind;
  rule: string;
}

export interface DeliveryJobData {
  message: OutboundMessage;
  kind: ChannelKind;
  /** the rule that planned it; `(origin)` for replies to the origin */
  rule: string;
  trigger: NotifyTrigger;
  /** the execution whose record lists this delivery */
  executionId?: string;
  /** the alert whose record lists this delivery (trigger `alert`, src/alerts/); wins over executionId */
  alertId?: string;
  fallback: FallbackJob[];
  /** set on a fallback delivery: the delivery that failed and why */
  fallbackFor?: { id: string; channel: string; error: string };
  /** set on a digest (trigger `digest`, src/deliveries/digest.ts): the held deliveries it carries, marked sent or failed with it */
  digestOf?: { record: LedgerRecord; entry: LedgerEntry }[];
}

/**
 * The record whose ledger lists this delivery: the alert's (`{ alertId }`), else the execution's id.
 *
 * @example
 * await ledger.update(ledgerRecordOf(job.data), entry, 'sent');
 */
export const ledgerRecordOf = (data: Pick<DeliveryJobData, 'executionId' | 'alertId'>): LedgerRecord | undefined =>
  data.alertId !== undefined ? { alertId: data.alertId } : data.executionId;

const REPLY_TRIGGERS: ReadonlySet<NotifyTrigger> = new Set(['ack', 'result', 'progress']);

/**
 * The queue a delivery goes to: answers to commands (their ack, result and progress, and anything
 * sent back to the origin: "did you mean", confirmation prompts) to `replies`, served apart from the
 * bulk; everything else (on_*, api, alert, digest) to `deliveries`. A fallback keeps its primary's
 * trigger and is added by the worker of its primary's queue.
 *
 * @example
 * queueOf({ trigger: 'result', rule: '(origin)' }) // 'replies'
 * queueOf({ trigger: 'alert', rule: 'page-oncall' }) // 'deliveries'
 */
export function queueOf(data: Pick<DeliveryJobData, 'trigger' | 'rule'>): DeliveryQueueName {
  return REPLY_TRIGGERS.has(data.trigger) || data.rule === originRule ? REPLY_QUEUE : DELIVERY_QUEUE;
}

/** Sends tried per delivery before it fails for good (retryable errors only). */
export const DELIVERY_ATTEMPTS = 8;
const DAY = 86_400;

/** Job options of one delivery; completed jobs are kept 2 days so a repeat stays a no-op. */
export function deliveryJobOptions(id: string, attempts = DELIVERY_ATTEMPTS): JobsOptions {
  return {
    jobId: id,
    attempts,
    backoff: { type: 'delivery' },
    removeOnComplete: { age: 2 * DAY, count: 100_000 },
    removeOnFail: { age: 14 * DAY, count: 100_000 },
  };
}

/** Sends tried per progress report: the next report supersedes it, and an old one is refused anyway. */
export const PROGRESS_ATTEMPTS = 2;

/**
 * Job options of one delivery by its trigger: a `progress` report (one every 2 s of a long run) is
 * tried twice and kept an hour, not two days (a repeat of it only comes from the same run); every
 * other delivery as {@link deliveryJobOptions}.
 *
 * @example
 * await queue.add(data.kind, data, jobOptionsOf(data));
 */
export function jobOptionsOf(data: Pick<DeliveryJobData, 'message' | 'trigger'>): JobsOptions {
  if (data.trigger !== 'progress') return deliveryJobOptions(data.message.id);
  return {
    ...deliveryJobOptions(data.message.id, PROGRESS_ATTEMPTS),
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 3600, count: 10_000 },
  };
}

const fallbackJob = (n: Notification, f: FallbackDelivery): FallbackJob => ({ message: toOutboundMessage(n, f), kind: f.kind, rule: f.rule });

/**
 * The job payloads of a routed notification, one per planned delivery.
 *
 * @example
 * for (const data of deliveryJobs(n, routeNotification(n, config.rules, config.channels, { users: config.main.users }))) await queue.add(data.kind, data, deliveryJobOptions(data.message.id));
 */
export function deliveryJobs(n: Notification, plan: RoutePlan): DeliveryJobData[] {
  return plan.deliveries.map((d) => ({
    message: toOutboundMessage(n, d),
    kind: d.kind,
    rule: d.rule,
    trigger: n.trigger,
    // progress reports are not listed on the record: the message they edit is their record
    ...(n.executionId !== undefined && n.trigger !== 'progress' ? { executionId: n.executionId } : {}),
    ...(n.alert !== undefined ? { alertId: n.alert.id } : {}),
    fallback: d.fallback.map((f) => fallbackJob(n, f)),
  }));
}

/** The job of a fallback delivery, after `failed` failed for good with `error`. */
export function fallbackJobData(failed: DeliveryJobData, f: FallbackJob, error: string): DeliveryJobData {
  return {
    message: { ...f.message, data: { ...f.message.data, fallback_for: { channel: failed.message.channel, error } } },
    kind: f.kind,
    rule: f.rule,
    trigger: failed.trigger,
    ...(failed.executionId !== undefined ? { executionId: failed.executionId } : {}),
    ...(failed.alertId !== undefined ? { alertId: failed.alertId } : {}),
    fallback: [],
    fallbackFor: { id: failed.message.id, channel: failed.message.channel, error },
  };
}
