/**
 * The shapes of the notification core: what `buildNotifications` produces from a finished execution
 * and what routing (src/routing) turns into deliveries. Pure data, no I/O.
 */
import type { ExecutionStatus, Origin } from '../executions/types.ts';

/**
 * Why a notification exists: one of the three notify triggers (StackStorm's names), the alias's
 * `ack` (execution queued) and `result` (the one reply to the origin at the end), `api`
 * (`POST /api/v1/notify`, no execution), `alert` (an Alertmanager/Grafana alert firing, resolved or
 * escalated: src/alerts/), `digest` (the deliveries held during a person's quiet hours, sent when
 * they end) or `progress` (a long execution's message edited in place: queued → running → result).
 */
export type NotifyTrigger = 'on_success' | 'on_failure' | 'on_complete' | 'ack' | 'result' | 'api' | 'alert' | 'digest' | 'progress';

/** An alert's status as Alertmanager and Grafana send it. */
export type AlertStatus = 'firing' | 'resolved';

/**
 * The alert a notification is about (src/alerts/): carried to the sinks, which thread the follow-ups
 * and show the short code people answer with (`ACK 4821`, `SILENCE 4821 2h`).
 */
export interface AlertRef {
  /** the alert record's id (`GET /api/v1/alerts/:id`) */
  id: string;
  /** the short numeric code a reply names (`ACK 4821`) */
  code: string;
  /** Alertmanager's (or Grafana's) fingerprint of the label set */
  fingerprint: string;
  status: AlertStatus;
  /** the alertmanager/grafana channel it came in on */
  channel: string;
  /** escalation step that sent this notification (1 = the first `escalate` entry); absent = the first notification */
  step?: number;
}

/**
 * Where a progress report stands in its execution (trigger `progress`): `seq` grows with each
 * report of a run and with each new attempt, so a sink editing a message in place refuses a report
 * older than the last it applied (and any once the result replaced it).
 */
export interface ProgressRef {
  /** attempt × 1,000,000 + step (step 0 = running) */
  seq: number;
  /** the last output line, or a module's `context.progress(text)` */
  line?: string;
}

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
  /** the execution's status; for an alert, `firing` or `resolved` (rules' `when: {status: resolved}`) */
  status?: ExecutionStatus | AlertStatus;
  action?: string;
  alias?: string;
  user?: string;
  executionId?: string;
  origin?: Origin;
  /** the alert this notification is about (trigger `alert`) */
  alert?: AlertRef;
  /** a progress report (trigger `progress`): its place in the run, so a sink never applies an older one after a newer */
  progress?: ProgressRef;
  /**
   * a conversation key: messages with the same key to the same (channel, target) continue one
   * thread (Slack thread, email In-Reply-To/References, the same SMS sender, the same tracker issue).
   * Alerts use `alert:<alert id>`, so `resolved` follows up where `firing` went.
   */
  thread?: string;
}

/** Renders one template source against a context; `renderTemplate` from src/templates/render.ts. */
export type RenderFn = (template: string, ctx: Record<string, unknown>) => string;
