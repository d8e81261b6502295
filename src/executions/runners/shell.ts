/**
 * `shell` runner: argv rendered element by element (each once; a value stays one argument, never
 * parsed by a shell), spawned with `shell: false` in its own process group. Stopping (timeout,
 * cancel, shutdown) sends SIGTERM to the whole group, then SIGKILL after a grace; when the main
 * process exits, anything it left in its group is killed too, so no child outlives its run. While
 * it runs, the group is listed with this process's watchdog (group-watchdog.ts), which kills it
 * should this worker die, SIGKILL included; the action starts only once it is listed (a gate). The group's leader is also reported (`onSpawn`) so the
 * worker that finds the run lost can kill the group when the watchdog could not (another host, no
 * /bin/sh; src/executions/process-tag.ts). stdout and stderr are
 * passed on as they come (`ctx.output`), so the record shows them while the action runs.
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { constants } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { NO_DASH } from '../../aliases/cast-params.ts';
import type { ParameterSpec } from '../../config/schema.ts';
import { buildContext, renderTemplate } from '../../templates/render.ts';
import { guardGroup, releaseGroup, startGroupWatchdog } from './group-watchdog.ts';
import { OutputBuffer } from './output-buffer.ts';
import { defineRunner, type RunnerDeps, type RunOutcome } from './runner.ts';

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}

const signalNumber = (s: NodeJS.Signals | null) => (s ? (constants.signals[s] ?? 0) : 0);

export const shellRunner = defineRunner({
  kind: 'shell',
  create(deps: RunnerDeps) {
    const limit = deps.config.main.executions.output_limit;
    // up before the first run: started lazily, it was spawned after that run's process, and a
    // worker killed between the two spawns (a loaded host: many ms) left the run behind
    startGroupWatchdog();
    return {
      async run(action, params, ctx) {
        if (!action.command?.length) return { status: 'failed', error: `action ${action.ref} has no command` };
        const tctx = buildContext({ ...ctx.execution, params });
        const [file, ...args] = action.command.map((el) => renderTemplate(el, tctx));
        // the last line of defence (the matcher refuses such values first): an element that
        // starts with `-` only because of a parameter value is refused unless it allows a dash
        const alias = deps.config.aliases.find((a) => a.id === ctx.execution.alias);
        const fromConfig = (k: string, v: string) => action.parameters?.[k]?.default === v || alias?.immutable_parameters[k] === v;
        const dashed = optionFromValue(action.command, [file!, ...args], params, action.parameters ?? {}, fromConfig);
        if (dashed) return { status: 'failed', error: `bad value for ${dashed}: expected ${NO_DASH}` };
        const env: Record<string, string> = {};
        for (const name of action.env_allow ?? []) {
          const v = deps.env[name];
          if (v !== undefined) env[name] = v;
        }
        for (const [k, v] of Object.entries(action.env ?? {})) env[k] = renderTemplate(v, tctx);
        const cwdRaw = action.cwd ? renderTemplate(action.cwd, tctx) : '.';
        const cwd = isAbsolute(cwdRaw) ? cwdRaw : resolve(deps.config.dir, cwdRaw);
        return runProcess(file!, args, {
          env,
          cwd,
          limit,
          signal: ctx.signal,
          graceMs: deps.killGraceSeconds * 1000,
          ...(ctx.onSpawn && { onSpawn: ctx.onSpawn }),
          ...(ctx.output && { onOutput: ctx.output }),
        });
      },
    };
  },
});

/**
 * The parameter that turned an argv element into an option: the element starts with `-`, its
 * template does not, and it begins with that parameter's string value, which is not allowed a dash
 * (the same rule the matcher applies to typed values; numbers stay numbers, and a schema default or
 * an alias's immutable value is config, not typed).
 */
export function optionFromValue(
  templates: readonly string[],
  argv: readonly string[],
  params: Record<string, unknown>,
  specs: Record<string, ParameterSpec>,
  fromConfig: (name: string, value: string) => boolean = () => false,
): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const el = argv[i]!;
    if (!el.startsWith('-') || templates[i]!.trimStart().startsWith('-')) continue;
    for (const [k, v] of Object.entries(params)) {
      if (typeof v === 'string' && v.startsWith('-') && el.startsWith(v) && specs[k]?.allow_dash !== true && !fromConfig(k, v)) return k;
    }
  }
  return undefined;
}

interface ProcessOptions {
  env: Record<string, string>;
  cwd: string;
  limit: number;
  signal: AbortSignal;
  graceMs: number;
  onSpawn?(pid: number): void;
  /** each chunk as it arrives (the live output), besides the bounded buffers of the result */
  onOutput?(stream: 'stdout' | 'stderr', chunk: Buffer): void;
}

/**
 * The run's leader first waits at a gate: a `/bin/sh` that reads one line from fd 3, then becomes the
 * action (`exec`: the same pid, so the same group, and the argv unchanged: `$0 "$@"`, never parsed).
 * The line is written once the watchdog has the group in its pipe (group-watchdog.ts), so a worker
 * killed in the instant after the spawn (a loaded host: milliseconds) leaves no unguarded run: the
 * gate reads end-of-file and the action never starts (exit 125).
 */
export const GATE = 'read -r go <&3 || exit 125; exec "$0" "$@" 3<&-';
/** what the gate's `exec` says when the action cannot be started (127 not found, 126 not executable) */
const gateExecFailed = (file: string, stderr: string) => {
  // the shell names itself by `$0`, here the action's file: `/no/such: 1: exec: /no/such: not found`
  // (dash), `/no/such: line 1: exec: /no/such: not found` (bash)
  const f = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${f}: (?:line )?\\d+: exec: ${f}: ([^\\n]+)$`).exec(stderr.trim())?.[1];
};
const gated = process.platform !== 'win32';

function runProcess(file: string, args: string[], o: ProcessOptions): Promise<RunOutcome> {
  return new Promise((done) => {
    if (o.signal.aborted) return done({ status: 'failed', error: 'stopped before start' });
    const child = gated
      ? spawn('/bin/sh', ['-c', GATE, file, ...args], { shell: false, detached: true, cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] })
      : spawn(file, args, { shell: false, detached: true, cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) {
      const gate = child.stdio[3] as Writable | null | undefined;
      gate?.on('error', () => undefined); // EPIPE: the run was stopped at the gate
      guardGroup(child.pid, () => gate?.end('go\n'));
      o.onSpawn?.(child.pid);
    }
    const stdout = new OutputBuffer(o.limit);
    const stderr = new OutputBuffer(o.limit);
    const live = o.onOutput;
    child.stdout!.on('data', (c: Buffer) => {
      stdout.push(c);
      live?.('stdout', c);
    });
    child.stderr!.on('data', (c: Buffer) => {
      stderr.push(c);
      live?.('stderr', c);
    });
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (!child.pid) return;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), o.graceMs);
      killTimer.unref();
    };
    o.signal.addEventListener('abort', stop, { once: true });
    child.on('exit', () => {
      // whatever the action left behind in its group goes with it
      if (child.pid) {
        killGroup(child.pid, 'SIGKILL');
        releaseGroup(child.pid);
      }
    });
    child.on('error', (err) => {
      o.signal.removeEventListener('abort', stop);
      done({ status: 'failed', error: `cannot run ${file}: ${err.message}`, result: { stdout: '', stderr: '', return_code: 127 } });
    });
    child.on('close', (code, sig) => {
      o.signal.removeEventListener('abort', stop);
      if (killTimer) clearTimeout(killTimer);
      const return_code = code ?? -signalNumber(sig);
      const result = { stdout: stdout.text(), stderr: stderr.text(), return_code };
      // the gate could not become the action: answered as a spawn error was before the gate
      const cannot = gated && (code === 126 || code === 127) && result.stdout === '' ? gateExecFailed(file, result.stderr) : undefined;
      if (cannot) return done({ status: 'failed', error: `cannot run ${file}: ${cannot}`, result: { stdout: '', stderr: '', return_code: 127 } });
      if (code === 0) return done({ status: 'succeeded', result });
      const why = sig ? `killed by ${sig}` : `exit code ${code}`;
      const tail = result.stderr.trim().slice(-2000);
      done({ status: 'failed', result, error: tail ? `${why}: ${tail}` : why });
    });
  });
}
