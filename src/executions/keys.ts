/**
 * Redis key layout. Everything lives under one hash tag, `{<redis.prefix>}`, so the BullMQ queue
 * keys and the execution records land in one Redis Cluster slot and Lua scripts may touch both.
 * (A prefix that already contains `{...}` is used as written.) Trade-off: one slot means one shard
 * carries all executions of a deployment; that is the price of atomic scripts across keys.
 *
 * Keys (prefix `{sb}`):
 * - `{sb}:executions:*`          BullMQ queue `executions`
 * - `{sb}:exec:<id>`             execution record (hash), TTL = retention_days
 * - `{sb}:exec-idem:<key>`       idempotency key -> execution id, same TTL
 * - `{sb}:exec-index`            sorted set of every execution, newest = highest score
 * - `{sb}:exec-index:<status>`   the same, per status
 * - `{sb}:exec-user:<user>`      the same, per user (listing one's own executions), TTL = retention
 * - `{sb}:exec-seq`              counter that makes scores unique
 * - `{sb}:exec-cancel`           pub/sub channel: ids whose running execution must stop
 * - `{sb}:exec-hook-pending`     sorted set: terminal hooks owed (the notification outbox)
 * - `{sb}:exec-out:<id>`         live output of a running execution (hash: stdout, stderr, dropped
 *                                 counts, updated_at, attempt), deleted when the run ends or starts again
 * - `{sb}:confirm*`              confirmations of `pending` executions (src/confirmations/store.ts)
 * - `{sb}:conversation:*`        open questions for missing parameters (src/conversations/store.ts)
 */
import type { ExecutionStatus } from './types.ts';

export const QUEUE_NAME = 'executions';

/** `sb` -> `{sb}`; `{sb}` and `app{sb}` stay as written. */
export function hashTagPrefix(prefix: string): string {
  return /\{[^}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}

export interface ExecutionKeys {
  prefix: string;
  record(id: string): string;
  idem(key: string): string;
  index: string;
  statusIndex(status: ExecutionStatus): string;
  /** one user's executions, newest first (every status) */
  userIndex(user: string): string;
  seq: string;
  cancelChannel: string;
  /** sorted set: executions whose terminal hook (notifications) is owed, scored by when */
  hookPending: string;
  /** hash: the output a running execution has printed so far (passed to the scripts that end a run as KEYS[11]) */
  liveOutput(id: string): string;
}

export function executionKeys(redisPrefix: string): ExecutionKeys {
  const p = hashTagPrefix(redisPrefix);
  return {
    prefix: p,
    record: (id) => `${p}:exec:${id}`,
    idem: (key) => `${p}:exec-idem:${key}`,
    index: `${p}:exec-index`,
    statusIndex: (status) => `${p}:exec-index:${status}`,
    userIndex: (user) => `${p}:exec-user:${user}`,
    seq: `${p}:exec-seq`,
    cancelChannel: `${p}:exec-cancel`,
    hookPending: `${p}:exec-hook-pending`,
    liveOutput: (id) => `${p}:exec-out:${id}`,
  };
}
