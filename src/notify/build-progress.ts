/**
 * A running execution's progress, as a notification to `origin` (trigger `progress`): the message a
 * medium that edits in place (Slack) shows in the ack's place until the result replaces it. Pure.
 */
import type { AliasConfig } from '../config/types.ts';
import type { ExecutionRecord } from '../executions/types.ts';
import { markValue } from '../templates/marks.ts';
import { notificationBase } from './build-notifications.ts';
import { makeNotificationId } from './notification-id.ts';
import { originName, type Notification } from './types.ts';

export interface BuildProgressInput {
  /** the record as it runs (status `running`, its attempt) */
  execution: ExecutionRecord;
  alias: AliasConfig | undefined;
  /** 0 = the run started; then one per report of this attempt */
  step: number;
  /** the last output line, or a module's `context.progress(text)` */
  line?: string;
}

/** Reports per attempt, at most: the step's room in `ProgressRef.seq`. */
export const STEPS_PER_ATTEMPT = 1_000_000;

/**
 * The progress notification, or undefined when there is no message to edit: no alias, its `ack`
 * or its `result` disabled (the ack is the message edited; the result ends it), or no origin.
 * The id names the execution, attempt and step, so a repeat queues nothing new. The line is a
 * value (marked: Slack escapes it, a line can never write `<!channel>`).
 *
 * @example
 * buildProgress({ execution, alias, step: 2, line: 'copying 3/7' })
 * // { id: 'k3v9x2ab.1.2/progress/origin', trigger: 'progress', message: 'Running ops.deploy (k3v9x2ab)…\n> copying 3/7', progress: { seq: 1000002, line: 'copying 3/7' }, ... }
 */
export function buildProgress(input: BuildProgressInput): Notification | undefined {
  const { alias, step, line } = input;
  if (!alias || alias.ack?.enabled === false || alias.result?.enabled === false) return undefined;
  const exec: ExecutionRecord = { ...input.execution, status: 'running' };
  if (!exec.origin) return undefined;
  const attempt = Math.max(1, exec.attempts);
  const headline = `Running ${exec.action} (${exec.id})…`;
  return {
    id: makeNotificationId(`${exec.id}.${attempt}.${step}`, 'progress', originName),
    name: originName,
    trigger: 'progress',
    subject: `${exec.action} running`,
    message: line ? `${headline}\n> ${markValue(line)}` : headline,
    data: {},
    progress: { seq: attempt * STEPS_PER_ATTEMPT + Math.min(step, STEPS_PER_ATTEMPT - 1), ...(line !== undefined && { line }) },
    ...notificationBase(exec),
  };
}
