/**
 * Redis keys of the alerts (src/alerts/), under the executions' hash tag (`{<redis.prefix>}`,
 * src/executions/keys.ts) so the delivery ledger's script may upsert into an alert record and the
 * intake script may touch the record, its indexes and its code in one call.
 *
 * - `{sb}:alert:<id>`                       alert record (hash; `deliveries` and `events` are JSON), TTL = retention
 * - `{sb}:alert-index`                      sorted set of every alert, newest = highest score
 * - `{sb}:alert-index:<status>`             the same per status (firing, resolved)
 * - `{sb}:alert-index:ch:<channel>`         the same per alertmanager/grafana channel
 * - `{sb}:alert-fp:<channel>:<fingerprint>` the id of the OPEN (firing) alert with this fingerprint
 * - `{sb}:alert-code:<code>`                the id of the OPEN alert holding this short code
 * - `{sb}:alert-seq`                        counter that makes scores unique
 * - `{sb}:alerts:*`                         BullMQ queue `alerts` (escalation steps, delayed jobs)
 */
import { hashTagPrefix } from '../executions/keys.ts';

export const ALERT_QUEUE = 'alerts';

export interface AlertKeys {
  prefix: string;
  record(id: string): string;
  index: string;
  statusIndex(status: 'firing' | 'resolved'): string;
  channelIndex(channel: string): string;
  fingerprint(channel: string, fingerprint: string): string;
  code(code: string): string;
  seq: string;
}

/** @example alertKeys('sb').code('4821') // '{sb}:alert-code:4821' */
export function alertKeys(redisPrefix: string): AlertKeys {
  const p = hashTagPrefix(redisPrefix);
  return {
    prefix: p,
    record: (id) => `${p}:alert:${id}`,
    index: `${p}:alert-index`,
    statusIndex: (status) => `${p}:alert-index:${status}`,
    channelIndex: (channel) => `${p}:alert-index:ch:${channel}`,
    fingerprint: (channel, fp) => `${p}:alert-fp:${channel}:${fp}`,
    code: (code) => `${p}:alert-code:${code}`,
    seq: `${p}:alert-seq`,
  };
}
