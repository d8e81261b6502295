/**
 * `module` runner: imports a JS/TS module (path relative to the config folder) and calls its
 * `export` (default `default`) with `(params, { signal, logger, execution, stdout, stderr, progress })`.
 * The return value is the result; a throw fails the run. A module that ignores its signal is
 * abandoned when it fires. `stdout(text)` / `stderr(text)` show progress on the record while it runs
 * (the live output, like a shell action's); the result replaces it when the run ends.
 * `progress(text)` says how far it got where the command came from: a Slack command's message is
 * edited to show it (throttled, src/executions/progress.ts); other media get only the result.
 */
import { isAbsolute, resolve } from 'node:path';
import { importUserModule } from './import-user-module.ts';
import { defineRunner, type RunnerDeps, type RunOutcome } from './runner.ts';

type ActionFn = (params: Record<string, unknown>, ctx: unknown) => unknown;

export const moduleRunner = defineRunner({
  kind: 'module',
  create(deps: RunnerDeps) {
    // import() of a cached module still runs every loader hook: keep the namespace per path
    const loaded = new Map<string, Promise<Record<string, unknown>>>();
    const load = (path: string) => {
      let mod = loaded.get(path);
      if (!mod) {
        mod = importUserModule(path);
        mod.catch(() => loaded.delete(path));
        loaded.set(path, mod);
      }
      return mod;
    };
    return {
      async run(action, params, ctx): Promise<RunOutcome> {
        if (!action.module) return { status: 'failed', error: `action ${action.ref} has no module` };
        const path = isAbsolute(action.module) ? action.module : resolve(deps.config.dir, action.module);
        const name = action.export ?? 'default';
        let fn: ActionFn | undefined;
        try {
          const mod = await load(path);
          fn = mod[name] as ActionFn | undefined;
        } catch (err) {
          return { status: 'failed', error: `cannot load module ${action.module}: ${(err as Error).message}` };
        }
        if (typeof fn !== 'function') return { status: 'failed', error: `module ${action.module} has no function export ${name}` };
        const print = (stream: 'stdout' | 'stderr') => (text: unknown) => {
          if (!ctx.signal.aborted) ctx.output?.(stream, typeof text === 'string' ? text : String(text));
        };
        const progress = (text: unknown) => {
          if (!ctx.signal.aborted) ctx.progress?.(typeof text === 'string' ? text : String(text));
        };
        const moduleCtx = { signal: ctx.signal, logger: ctx.logger, execution: ctx.execution, stdout: print('stdout'), stderr: print('stderr'), progress };
        const call = Promise.resolve().then(() => fn(params, moduleCtx));
        const stopped = new Promise<never>((_, reject) => {
          const fire = () => reject(new Error(`stopped (${String(ctx.signal.reason)})`));
          if (ctx.signal.aborted) fire();
          else ctx.signal.addEventListener('abort', fire, { once: true });
        });
        try {
          return { status: 'succeeded', result: await Promise.race([call, stopped]) };
        } catch (err) {
          return { status: 'failed', error: (err as Error)?.message ?? String(err) };
        } finally {
          call.catch(() => undefined);
          stopped.catch(() => undefined);
        }
      },
    };
  },
});
