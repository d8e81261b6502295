/**
 * What the shell runner costs per run beside a bare spawn of the same command, and what guarding a
 * run's process group against the worker's death costs (src/executions/runners/group-watchdog.ts):
 * - `bare`: `spawn(true)` detached with piped stdout/stderr, waited for (the floor);
 * - `runner`: the shell runner running an action `[true]` (argv rendering, env, output buffers, the
 *   group kill at exit, and the group listed with the process's one watchdog);
 * - `shared_watchdog`: the bare spawn, its group listed with the process's one watchdog (the design
 *   taken: two short pipe writes per run);
 * - `per_run_watchdog`: the bare spawn plus a watchdog `sh` per run (the design not taken).
 * Rounds alternate between the three; prints runs/s and node CPU µs per run (median of rounds) and
 * the ratios to `bare`. No Redis.
 *
 * `npm run bench -- shell [N=300] [CONCURRENCY=8] [ROUNDS=5]`
 */
import { spawn } from 'node:child_process';
import { mainSchema } from '../src/config/schema.ts';
import type { ActionConfig, Config } from '../src/config/types.ts';
import { silentLogger } from '../src/log.ts';
import { guardGroup, releaseGroup } from '../src/executions/runners/group-watchdog.ts';
import { shellRunner } from '../src/executions/runners/shell.ts';
import type { ExecutionRecord } from '../src/executions/types.ts';

const N = Number(process.argv[3] ?? 300);
const CONCURRENCY = Number(process.argv[4] ?? 8);
const ROUNDS = Number(process.argv[5] ?? 5);
const PER_RUN_WATCHDOG = 'if read -r _; then exit 0; fi; kill -s KILL -- "-$1" 2>/dev/null';

const main = mainSchema.parse({ redis: { url: 'redis://127.0.0.1:6379', prefix: 'bench-shell' } });
const act: ActionConfig = {
  name: 'bench.true',
  ref: 'bench.true',
  runner: 'shell',
  command: ['true'],
  enabled: true,
  env_allow: [],
  parameters: {},
  timeout: 60,
  retries: 0,
};
const config: Config = { dir: process.cwd(), main, actions: new Map([[act.ref, act]]), aliases: [], channels: new Map(), rules: [], secrets: [] };
const runner = shellRunner.create({ config, env: {}, builtins: {}, killGraceSeconds: 5 });
const execution = { id: 'bench', action: act.ref, params: {} } as unknown as ExecutionRecord;

function bareRun(watchdog: 'none' | 'shared' | 'per-run'): Promise<void> {
  return new Promise((done) => {
    const child = spawn('true', [], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let wd: ReturnType<typeof spawn> | undefined;
    if (watchdog === 'shared' && child.pid) guardGroup(child.pid);
    if (watchdog === 'per-run' && child.pid) {
      wd = spawn('/bin/sh', ['-c', PER_RUN_WATCHDOG, 'sh', String(child.pid)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
      wd.unref();
      wd.stdin!.on('error', () => undefined);
    }
    child.stdout.resume();
    child.stderr.resume();
    child.on('close', () => {
      if (watchdog === 'shared' && child.pid) releaseGroup(child.pid);
      wd?.stdin?.end('\n');
      done();
    });
  });
}

const modes = {
  bare: () => bareRun('none'),
  shared_watchdog: () => bareRun('shared'),
  runner: async () => {
    const out = await runner.run(act, {}, { signal: new AbortController().signal, logger: silentLogger, execution });
    if (out.status !== 'succeeded') throw new Error(`run failed: ${out.error}`);
  },
  per_run_watchdog: () => bareRun('per-run'),
};
type Mode = keyof typeof modes;

async function round(mode: Mode): Promise<{ rate: number; cpuUs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < N) await modes[mode]();
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { rate: N / secs, cpuUs: (c.user + c.system) / N };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rates: Record<Mode, number[]> = { bare: [], shared_watchdog: [], runner: [], per_run_watchdog: [] };
const cpu: Record<Mode, number[]> = { bare: [], shared_watchdog: [], runner: [], per_run_watchdog: [] };
await round('bare'); // warm-up
await round('runner');
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of Object.keys(modes) as Mode[]) {
    const { rate, cpuUs } = await round(mode);
    rates[mode].push(rate);
    cpu[mode].push(cpuUs);
  }
}
const fig = (m: Mode) => ({ runs_per_s: Math.round(median(rates[m])), node_cpu_us_per_run: Math.round(median(cpu[m])) });
console.log(
  JSON.stringify({
    bench: 'shell',
    n: N,
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
    bare: fig('bare'),
    shared_watchdog: fig('shared_watchdog'),
    runner: fig('runner'),
    per_run_watchdog: fig('per_run_watchdog'),
    ratio_shared_watchdog_to_bare: Number((median(rates.shared_watchdog) / median(rates.bare)).toFixed(2)),
    ratio_runner_to_bare: Number((median(rates.runner) / median(rates.bare)).toFixed(2)),
    ratio_per_run_watchdog_to_bare: Number((median(rates.per_run_watchdog) / median(rates.bare)).toFixed(2)),
  }),
);
