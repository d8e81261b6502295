/**
 * Deterministic notification ids. The same execution, trigger and notify channel name always give
 * the same id, so a worker that re-runs the end of an execution (a stalled job recovered by BullMQ)
 * produces the same deliveries, whose job ids make the repeat a no-op.
 *
 * The attempt number is deliberately not part of the id: notify fires only on the terminal status,
 * which an execution reaches once however many attempts (`retries`) it took; a retried execution
 * must not notify again.
 */
import type { NotifyTrigger } from './types.ts';

/**
 * @example
 * makeNotificationId('01J9Z', 'on_failure', 'slack') // '01J9Z/on_failure/slack'
 */
export function makeNotificationId(scope: string, trigger: NotifyTrigger, name: string): string {
  return `${scope}/${trigger}/${encodeURIComponent(name)}`;
}
