/**
 * The delivery pipeline's face to the rest of the system: notifications in, BullMQ delivery jobs
 * out (one per notification, channel and target, with a deterministic id), sent by sinks.
 * Implemented in src/deliveries/service.ts (`createDeliveryService`).
 */
import type { ProgressUpdate } from '../executions/progress.ts';
import type { ExecutionRecord, Origin } from '../executions/types.ts';
import type { Notification } from '../notify/types.ts';
import type { RoutePlan } from '../routing/index.ts';

export interface NotifyInput {
  /** notify channel names, e.g. ["slack", "bugtracker"] */
  channels: string[];
  message: string;
  data?: Record<string, unknown>;
  /** a caller-chosen id (idempotency); default: random */
  id?: string;
  /** who sends it (the API key's name): bulk deliveries are served fairly per source */
  source?: string;
}

export interface NotifyResult {
  id: string;
  /** the deliveries queued (a repeat of the same id queues nothing new) */
  /** `user`: the person a `{user}`/`{role}` target resolved to; `held_until`: held for their quiet hours, sent in their digest then */
  deliveries: { id: string; channel: string; target?: string; rule: string; user?: string; held_until?: string }[];
  /** notify channel names no rule handles */
  unrouted: string[];
}

/** The bulk queue's state as `pressure()` reports it. */
export type Pressure = { ok: true } | { ok: false; retryAfterSeconds: number; waiting: number };

export interface DeliveryService {
  /** the execution reached a terminal state: on_success / on_failure / on_complete and the origin result */
  notifyExecution(exec: ExecutionRecord): Promise<void>;
  /** the execution was queued: the alias's `ack` to the origin */
  ackExecution(exec: ExecutionRecord): Promise<void>;
  /**
   * A running execution's progress (the execution worker's `onProgress` hook): the ack's message
   * edited in place where the command came from (`running`, then the last output line), only when
   * that medium edits in place (Slack; ReplyRules `edits`) and the alias has both its ack and its
   * result. One delivery per (execution, attempt, step), kept off the record's delivery list.
   *
   * @example
   * await startExecutionWorker({ config, logger, hooks: { onProgress: (e, u) => deliveries.progressExecution(e, u) } });
   */
  progressExecution(exec: ExecutionRecord, update: ProgressUpdate): Promise<void>;
  /** a notification through the rules without an execution (POST /api/v1/notify, `switchboard send`) */
  notify(input: NotifyInput): Promise<NotifyResult>;
  /** a direct answer where a command came from: "did you mean", "not allowed", "slow down"... */
  replyToOrigin(origin: Origin, text: string, opts?: { id?: string; subject?: string }): Promise<void>;
  /**
   * Whether bulk notifications may be accepted now: the bulk queue's waiting + delayed jobs against
   * `deliveries.max_backlog` (read at most every ~250 ms). Callers answer `ok: false` with 429 and
   * `Retry-After: retryAfterSeconds`; answers to commands are never refused by it.
   *
   * @example
   * const p = await deliveries.pressure();
   * if (!p.ok) return c.json({ error: 'backlog_full', waiting: p.waiting }, 429, { 'Retry-After': String(p.retryAfterSeconds) });
   */
  pressure(): Promise<Pressure>;
  /**
   * An alert's notifications (src/alerts/notifications.ts) through the rules: one job per planned
   * delivery, each listed `pending` on the ALERT record `alertId` (not an execution's).
   *
   * @example
   * const plans = await deliveries.notifyAlert(alertNotifications(record, channel, 'firing'), record.id);
   */
  notifyAlert(ns: Notification[], alertId: string): Promise<RoutePlan[]>;
  close(): Promise<void>;
}
