/**
 * What one job of the deliveries queue carries and how BullMQ treats it: one job per planned
 * delivery, its deterministic delivery id as job id (a repeat is a no-op while the job is kept),
 * retries by the custom `delivery` backoff (see backoff.ts).
 */
import type { JobsOptions } from 'bullmq';
import type { ChannelKind } from '../config/schema.ts';
import type { Notification, NotifyTrigger } from '../notify/types.ts';
import { toOutboundMessage, type FallbackDelivery, type RoutePlan } from '../routing/index.ts';
import type { OutboundMessage } from '../sinks/sink.ts';

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
  fallback: FallbackJob[];
  /** set on a fallback delivery: the delivery that failed and why */
  fallbackFor?: { id: string; channel: string; error: string };
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

const fallbackJob = (n: Notification, f: FallbackDelivery): FallbackJob => ({ message: toOutboundMessage(n, f), kind: f.kind, rule: f.rule });

/**
 * The job payloads of a routed notification, one per planned delivery.
 *
 * @example
 * for (const data of deliveryJobs(n, routeNotification(n, config.rules, config.channels))) await queue.add(data.kind, data, deliveryJobOptions(data.message.id));
 */
export function deliveryJobs(n: Notification, plan: RoutePlan): DeliveryJobData[] {
  return plan.deliveries.map((d) => ({
    message: toOutboundMessage(n, d),
    kind: d.kind,
    rule: d.rule,
    trigger: n.trigger,
    ...(n.executionId !== undefined ? { executionId: n.executionId } : {}),
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
    fallback: [],
    fallbackFor: { id: failed.message.id, channel: failed.message.channel, error },
  };
}
