/**
 * `builtin` runner: the core actions that need no file. `ping` -> "pong", `echo` -> its
 * parameters, `noop`, `status <id>` -> a summary, `cancel <id>` -> cancels it, `help [filter]`
 * -> the injected alias-engine listing. Dependencies are injected ({@link BuiltinDeps}).
 *
 * `status` and `cancel` act as the person who ran the command (the execution's `user`), through
 * src/auth/permissions.ts: someone else's execution they may not read answers exactly like an
 * unknown id; one they may read but not cancel says so.
 */
import { actorNamed, authorize } from '../../auth/permissions.ts';
import type { ActionConfig } from '../../config/types.ts';
import type { ExecutionRecord } from '../types.ts';
import { defineRunner, type RunnerDeps, type RunOutcome } from './runner.ts';

/**
 * What `core.status` and `core.cancel` answer with; `text` is the one line an alias's result
 * format shows (`{{ execution.result.text }}`), e.g. `k3m9x2ab restart: running (alice)`.
 */
export function summarize(e: ExecutionRecord) {
  const text = `${e.id} ${e.alias ?? e.action}: ${e.status}${e.user ? ` (${e.user})` : ''}${e.error && e.error !== e.status ? `: ${e.error}` : ''}`;
  return {
    id: e.id,
    status: e.status,
    action: e.action,
    alias: e.alias,
    user: e.user,
    created_at: e.created_at,
    started_at: e.started_at,
    finished_at: e.finished_at,
    error: e.error,
    text,
  };
}

/** A failure of `status` / `cancel` carries its reason as `text` too, so `{{ execution.result.text }}` always says something. */
const withText = (o: RunOutcome): RunOutcome => (o.status === 'failed' && o.result === undefined ? { ...o, result: { text: o.error } } : o);

const INSTANT = new Set(['ping', 'echo', 'noop', 'status']);
const idOf = (params: Record<string, unknown>) => String(params.id ?? params.execution_id ?? params.execution ?? '').trim();

export const builtinRunner = defineRunner({
  kind: 'builtin',
  create(deps: RunnerDeps) {
    const { builtins } = deps;
    const nameOf = (action: ActionConfig) => action.builtin ?? action.ref.replace(/^core\./, '');
    /** `status` / `cancel` of `id` as `user`: someone else's that they may not read is "no execution" */
    const statusOrCancel = async (name: 'status' | 'cancel', id: string, user: string | undefined): Promise<RunOutcome> => {
      if (!id) return { status: 'failed', error: `${name} needs an execution id` };
      if (!builtins.executions) return { status: 'failed', error: `${name} is not available here` };
      try {
        const found = await builtins.executions.get(id);
        const action = name === 'status' ? 'execution.read' : 'execution.cancel';
        const decision = found ? authorize('command', action, actorNamed(deps.config, user), found) : 'not_found';
        if (!found || decision === 'not_found') return { status: 'failed', error: `no execution ${id}` };
        if (decision === 'forbidden') return { status: 'failed', error: `you may not cancel ${id}: it is ${found.user ?? 'nobody'}'s` };
        const rec = name === 'status' ? found : await builtins.executions.cancel(id);
        return { status: 'succeeded', result: summarize(rec) };
      } catch (err) {
        return { status: 'failed', error: (err as Error).message };
      }
    };
    return {
      // ping, echo, noop and status only compute or read: running one twice is harmless
      instant: (action) => INSTANT.has(nameOf(action)),
      async run(action, params, ctx): Promise<RunOutcome> {
        const name = nameOf(action);
        switch (name) {
          case 'ping':
            return { status: 'succeeded', result: 'pong' };
          case 'echo':
            return { status: 'succeeded', result: params };
          case 'noop':
            return { status: 'succeeded', result: null };
          case 'status':
          case 'cancel':
            return withText(await statusOrCancel(name, idOf(params), ctx.execution.user));
          case 'help': {
            if (!builtins.help) return { status: 'failed', error: 'help is not available here' };
            const filter = params.filter === undefined || params.filter === '' ? undefined : String(params.filter);
            const page = Number(params.page ?? 1) || 1;
            return { status: 'succeeded', result: await builtins.help(ctx.execution.user, filter, page) };
          }
          default:
            return { status: 'failed', error: `unknown builtin ${name}` };
        }
      },
    };
  },
});
