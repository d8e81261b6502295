/**
 * A command kept in the spool (src/spool/) while Redis is away, as StackStorm's execution: its
 * provisional id (`sp-…`) is the execution id, status `requested` (accepted, not yet scheduled),
 * until the replay makes it a real execution (then `GET /st2/api/v1/executions/sp-…` answers that
 * one) or refuses it (status `abandoned`, the reason in `result.error`).
 */
import type { Params } from '../aliases/index.ts';
import { splitRef, st2Time, type St2Execution } from './shapes.ts';

/** The spooled command's execution: Switchboard's own status is `spooled` or `spool_refused`. */
export type St2SpooledExecution = Omit<St2Execution, 'switchboard'> & { switchboard: { status: 'spooled' | 'spool_refused'; error: string | null } };

export interface SpooledCommandView {
  id: string;
  /** when it was accepted (ISO 8601) */
  at: string;
  action: string;
  alias?: string;
  params: Params;
  user: string | null;
  /** set when the replay refused it */
  refused?: string;
}

/**
 * @example
 * spooledExecutionApi({ id: 'sp-k2m9x4q7abcd', at, action: 'core.echo', alias: 'ops.restart', params: { n: '1' }, user: 'alice' }).status // 'requested'
 */
export function spooledExecutionApi(s: SpooledCommandView): St2SpooledExecution {
  const { pack, name } = splitRef(s.action);
  const status = s.refused === undefined ? 'requested' : 'abandoned';
  return {
    id: s.id,
    status,
    action: { ref: s.action, name, pack },
    parameters: s.params,
    result: s.refused === undefined ? null : { error: s.refused },
    start_timestamp: st2Time(s.at),
    end_timestamp: undefined,
    context: { user: s.user, ...(s.alias !== undefined && { action_alias_ref: s.alias }) },
    liveaction: { id: s.id, status, action: s.action, parameters: s.params },
    switchboard: { status: s.refused === undefined ? 'spooled' : 'spool_refused', error: s.refused ?? null },
  };
}
