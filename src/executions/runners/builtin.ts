/**
 * `builtin` runner: the core actions that need no file. `ping` -> "pong", `echo` -> its
 * parameters, `noop`, `status <id>` -> a summary, `cancel <id>` -> cancels it, `help [filter]`
 * -> the injected alias-engine listing. Dependencies are injected ({@link BuiltinDeps}).
 */
import type { ActionConfig } from '../../config/types.ts';
import type { ExecutionRecord } from '../types.ts';
import { defineRunner, type RunnerDeps, type RunOutcome } from './runner.ts';

/** What `core.status` and `core.cancel` answer with. */
export function summarize(e: ExecutionRecord) {
  return {
    id: e.id, status: e.status, action: e.action, alias: e.alias, user: e.user,
    created_at: e.created_at, started_at: e.started_at, finished_at: e.finished_at, error: e.error,
  };
}

const INSTANT = new Set(['ping', 'echo', 'noop', 'status']);
const idOf = (params: Record<string, unknown>) => String(params.id ?? params.execution_id ?? params.execution ?? '').trim();

export const builtinRunner = defineRunner({
  kind: 'builtin',
  create(deps: RunnerDeps) {
    const { builtins } = deps;
    const nameOf = (action: ActionConfig) => action.builtin ?? action.ref.replace(/^core\./, '');
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
          case 'cancel': {
            const id = idOf(params);
            if (!id) return { status: 'failed', error: `${name} needs an execution id` };
            if (!builtins.executions) return { status: 'failed', error: `${name} is not available here` };
            try {
              const rec = name === 'status' ? await builtins.executions.get(id) : await builtins.executions.cancel(id);
              if (!rec) return { status: 'failed', error: `no execution ${id}` };
              return { status: 'succeeded', result: summarize(rec) };
            } catch (err) {
              return { status: 'failed', error: (err as Error).message };
            }
          }
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
