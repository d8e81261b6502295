/**
 * Redis keys of the delivery pipeline. Everything sits under the same hash tag as the executions
 * (`{<redis.prefix>}`), so the delivery ledger script may touch an execution record.
 *
 * - `{sb}:deliveries:*`              BullMQ queue `deliveries`: bulk notifications (on_*, api, alert, digest)
 * - `{sb}:replies:*`                 BullMQ queue `replies`: answers to commands (ack, result, progress, origin replies)
 * - `{sb}:dlv-stats`                 hash of counters: queued, sent, failed, skipped, retried, fallback
 * - `{sb}:dlv-fair`                  hash: each bulk source's next priority tag (fairness.ts)
 * - `{sb}:dlv-rate:<channel>[:<t>]`  rate bucket (GCRA) per channel, or per channel and target
 * - `{sb}:dlv-rate:…:pause`          a bucket's Retry-After pause (a key with a TTL); `{sb}:dlv-rate-pauses`
 *                                    the running pauses (zset, until ms), announced on `{sb}:dlv-rate-pause`
 * - `{sb}:sink:<channel>:*`          each channel's SinkState (issue per fingerprint, opt-outs)
 * - the ledger writes into `{sb}:exec:<id>` or, for alert notifications, `{sb}:alert:<id>`
 * - `{sb}:hold*:<user>:<end ms>`, `{sb}:digests:*`  quiet hours: hold lists and the digest queue (hold.ts)
 */
import { alertKeys } from '../alerts/keys.ts';
import { executionKeys, hashTagPrefix } from '../executions/keys.ts';

/** The bulk queue: notifications of executions' outcomes, the API, alerts, digests. */
export const DELIVERY_QUEUE = 'deliveries';
/** The answers to commands, served by their own worker capacity so a storm of bulk never delays them. */
export const REPLY_QUEUE = 'replies';
/** Both delivery queues, for whoever shows or counts them (status, metrics, queues page, dead letters). */
export const DELIVERY_QUEUES = [DELIVERY_QUEUE, REPLY_QUEUE] as const;
export type DeliveryQueueName = (typeof DELIVERY_QUEUES)[number];

export interface DeliveryKeys {
  prefix: string;
  stats: string;
  /** each bulk source's next priority tag (fairness.ts) */
  fair: string;
  rate(channel: string, target?: string): string;
  /** the running pauses of all buckets (rate-limit.ts `startPauseWatch`) */
  pauses: string;
  /** the pub/sub channel a new pause is announced on */
  pauseChannel: string;
  sinkState(channel: string): string;
  record(executionId: string): string;
  /** an alert record (src/alerts/keys.ts): alert notifications' deliveries are listed there */
  alertRecord(alertId: string): string;
}

/** @example deliveryKeys('sb').rate('slack-ops', '#ops') // '{sb}:dlv-rate:slack-ops:#ops' */
export function deliveryKeys(redisPrefix: string): DeliveryKeys {
  const p = hashTagPrefix(redisPrefix);
  const exec = executionKeys(redisPrefix);
  return {
    prefix: p,
    stats: `${p}:dlv-stats`,
    fair: `${p}:dlv-fair`,
    rate: (channel, target) => `${p}:dlv-rate:${channel}${target === undefined ? '' : `:${target}`}`,
    pauses: `${p}:dlv-rate-pauses`,
    pauseChannel: `${p}:dlv-rate-pause`,
    sinkState: (channel) => `${p}:sink:${channel}`,
    record: exec.record,
    alertRecord: alertKeys(redisPrefix).record,
  };
}
