/**
 * The shapes of the notification core: what `buildNotifications` produces from a finished execution
 * and what routing (src/routing) turns into deliveries. Pure data, no I/O.
 */
import type { ExecutionStatus, Origin } from '../executions/types.ts';

/**
 * Why a notification exists: one of the three notify triggers (StackStorm's names), the alias's
 * `ack` (execution queued) and `result` (the one reply to the origin at the end), or `api`
 * (`POST /api/v1/notify`, no execution).
 */
export type NotifyTrigger = 'on_success' | 'on_failure' | 'on_complete' | 'ack' | 'result' | 'api';

/** The three trigger keys of a notify block, in the order they fire. */
export const notifyKeys = ['on_success', 'on_failure', 'on_complete'] as const;
export type NotifyKey = (typeof notifyKeys)[number];

/** The built-in notify channel name that replies where the command came from, and its synonym. */
export const originName = 'origin';
export const originSynonyms: readonly string[] = ['origin', 'chatops'];

/** One message for one notify channel name, before rules pick concrete channels and targets. */
export interface Notification {
  /** deterministic: `<execution id>/<trigger>/<name>` (`<request id>/api/<name>` for the API) */
  id: string;
  /** notify channel name (what rules' `channel` lists); `chatops` is normalised to `origin` */
  name: string;
  trigger: NotifyTrigger;
  /** short title: email subject, issue title */
  subject: string;
  /** the rendered message; StackStorm's `{~}` split is kept for sinks */
  message: string;
  /** the rendered `data` of the notify entry */
  data: Record<string, unknown>;
  status?: ExecutionStatus;
  action?: string;
  alias?: string;
  user?: string;
  executionId?: string;
  origin?: Origin;
}

/** Renders one template source against a context; `renderTemplate` from src/templates/render.ts. */
export type RenderFn = (template: string, ctx: Record<string, unknown>) => string;
