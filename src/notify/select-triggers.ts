/** Which notify triggers fire for a status (docs/contracts.md section 3, "Notify", StackStorm's rule). */
import type { ExecutionStatus } from '../executions/types.ts';
import type { NotifyKey } from './types.ts';

const firing: Record<ExecutionStatus, readonly NotifyKey[]> = {
  pending: [],
  queued: [],
  running: [],
  succeeded: ['on_success', 'on_complete'],
  // "worker lost" ends an execution `failed`, so it is covered here
  failed: ['on_failure', 'on_complete'],
  timeout: ['on_failure', 'on_complete'],
  // a cancel is what the user asked for: not a failure
  canceled: ['on_complete'],
};

/**
 * The trigger keys that fire for `status`, in firing order; none for a non-terminal status.
 *
 * @example
 * selectTriggers('timeout')  // ['on_failure', 'on_complete']
 * selectTriggers('canceled') // ['on_complete']
 * selectTriggers('running')  // []
 */
export function selectTriggers(status: ExecutionStatus): readonly NotifyKey[] {
  return firing[status] ?? [];
}
