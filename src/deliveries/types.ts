/**
 * The delivery pipeline's face to the rest of the system: notifications in, BullMQ delivery jobs
 * out (one per notification, channel and target, with a deterministic id), sent by sinks.
 * Implemented in src/deliveries/service.ts (`createDeliveryService`).
 */
import type { ExecutionRecord, Origin } from '../executions/types.ts';

export interface NotifyInput {
  /** notify channel names, e.g. ["slack", "bugtracker"] */
  channels: string[];
  message: string;
  data?: Record<string, unknown>;
  /** a caller-chosen id (idempotency); default: random */
  id?: string;
}

export interface NotifyResult {
  id: string;
  /** the deliveries queued (a repeat of the same id queues nothing new) */
  deliveries: { id: string; channel: string; target?: string; rule: string }[];
  /** notify channel names no rule handles */
  unrouted: string[];
}

export interface DeliveryService {
  /** the execution reached a terminal state: on_success / on_failure / on_complete and the origin result */
  notifyExecution(exec: ExecutionRecord): Promise<void>;
  /** the execution was queued: the alias's `ack` to the origin */
  ackExecution(exec: ExecutionRecord): Promise<void>;
  /** a notification through the rules without an execution (POST /api/v1/notify, `switchboard send`) */
  notify(input: NotifyInput): Promise<NotifyResult>;
  /** a direct answer where a command came from: "did you mean", "not allowed", "slow down"... */
  replyToOrigin(origin: Origin, text: string, opts?: { id?: string; subject?: string }): Promise<void>;
  close(): Promise<void>;
}
