/**
 * Redis keys of the delivery pipeline. Everything sits under the same hash tag as the executions
 * (`{<redis.prefix>}`), so the delivery ledger script may touch an execution record.
 *
 * - `{sb}:deliveries:*`              BullMQ queue `deliveries`
 * - `{sb}:dlv-stats`                 hash of counters: queued, sent, failed, skipped, retried, fallback
 * - `{sb}:dlv-rate:<channel>[:<t>]`  rate bucket (GCRA) per channel, or per channel and target
 * - `{sb}:sink:<channel>:*`          each channel's SinkState (issue per fingerprint, opt-outs)
 */
import { executionKeys, hashTagPrefix } from '../executions/keys.ts';

export const DELIVERY_QUEUE = 'deliveries';

export interface DeliveryKeys {
  prefix: string;
  stats: string;
  rate(channel: string, target?: string): string;
  sinkState(channel: string): string;
  record(executionId: string): string;
}

/** @example deliveryKeys('sb').rate('slack-ops', '#ops') // '{sb}:dlv-rate:slack-ops:#ops' */
export function deliveryKeys(redisPrefix: string): DeliveryKeys {
  const p = hashTagPrefix(redisPrefix);
  const exec = executionKeys(redisPrefix);
  return {
    prefix: p,
    stats: `${p}:dlv-stats`,
    rate: (channel, target) => `${p}:dlv-rate:${channel}${target === undefined ? '' : `:${target}`}`,
    sinkState: (channel) => `${p}:sink:${channel}`,
    record: exec.record,
  };
}
