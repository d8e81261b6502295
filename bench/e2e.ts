/**
 * End to end, gateway and worker as separate processes (issue 16's shape): commands through
 * `POST /api/v1/commands` (bearer key) -> match `bench {{n}}` -> authorize -> execution record +
 * BullMQ job -> worker process runs `core.echo` (an instant builtin) -> `on_success` -> one rule ->
 * ONE webhook delivery -> delivery worker (same process) -> HTTP POST to a local receiver.
 *
 * Switchboard: the real binary, `node bin/switchboard.js serve --role gateway` and `--role worker`,
 * two child processes on a temporary config folder (logging at `info`, the default, to a file).
 * The floor, the bare chain of the same shape (bench/_e2e-bare-child.ts): a Hono route on
 * @hono/node-server -> BullMQ `executions` job -> worker process -> BullMQ `deliveries` job -> a
 * delivery worker in the same process -> `fetch` POST of the same JSON to the same receiver.
 * Same Redis, same receiver, execution concurrency 20 and delivery concurrency 20 on both sides.
 * Both sides run the TypeScript sources through the same loader, tsx (`SWITCHBOARD_CODE=src` is passed
 * to bin/switchboard.js, which would otherwise pick a fresh dist/); `SWITCHBOARD_CODE=dist npm run
 * bench -- e2e` runs Switchboard's compiled code instead (the bare child stays on tsx, which compiles
 * each file once at load: the same JavaScript runs after that). `code` in the output says which ran.
 *
 * The load generator (this process) runs LANES closed loops: each sends a command and waits for
 * its delivery at the receiver before sending the next. Both systems are started once, warmed up
 * (WARMUP commands each), then ROUNDS rounds of N commands alternate (bare, Switchboard) so each
 * ratio pairs runs made seconds apart; medians. Also reported per command: the CPU time of each
 * child process (from /proc, user + system), which load on the shared machine distorts less.
 *
 * `npm run bench -- e2e [N=3000] [LANES=32] [ROUNDS=5] [WARMUP=1000]`
 * Env: BENCH_ONLY=switchboard|bare (one side only, no ratio), BENCH_BARE_POST=http (the bare chain
 * POSTs through node:http with a keep-alive agent, as Switchboard's sinks do, instead of fetch),
 * BENCH_KEEP=1 (keep the children's config folders and logs), BENCH_CPU_PROF=DIR (`--cpu-prof` of the
 * children, both sides, into DIR, written when they stop), BENCH_COUNT_COMMANDS=K (after the rounds,
 * K more commands one at a time on each side under Redis MONITOR: Redis commands per command, by name).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { closedLoop, deletePrefix, percentile, REDIS_URL, startReceiver, type Receiver } from './_e2e-world.ts';

const N = Number(process.argv[3] ?? 3000);
const LANES = Number(process.argv[4] ?? 32);
const ROUNDS = Number(process.argv[5] ?? 5);
const WARMUP = Number(process.argv[6] ?? 1000);
const EXEC_CONCURRENCY = 20;
const DELIVERY_CONCURRENCY = 20;
const ONLY = process.env.BENCH_ONLY;
const CPU_PROF = process.env.BENCH_CPU_PROF;
const COUNT = Number(process.env.BENCH_COUNT_COMMANDS ?? 0);
/** Switchboard's code (bin/code.js): the sources through tsx like the bare child, unless SWITCHBOARD_CODE=dist */
const CODE = process.env.SWITCHBOARD_CODE === 'dist' ? 'dist' : 'src';
const API_KEY = 'bench-api-key-0000000000000001';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/switchboard.js');
const BARE = join(ROOT, 'bench/_e2e-bare-child.ts');
const TICKS = 100; // /proc clock ticks per second (USER_HZ)

interface Child {
  name: string;
  child: ChildProcess;
  log: string;
}

interface Side {
  name: 'switchboard' | 'bare';
  /** sends `bench i`, resolves with the receiver's key for it */
  send(i: number): Promise<string>;
  children: Child[];
  prefix: string;
  stop(): Promise<void>;
}

interface Run {
  perSec: number;
  p50: number;
  p99: number;
  /** CPU ms per command of each child, by name */
  cpuMsPerCommand: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * `--cpu-prof` of a child into BENCH_CPU_PROF/<role>/, written when it stops: one file per thread
 * (tsx's loader runs in a thread of its own), so the names are Node's own; the main thread's is the largest
 */
const prof = (role: string) => (CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(CPU_PROF, role)}`] : []);
const uptime = () => loadavg().map((x) => Number(x.toFixed(2)));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** user + system CPU seconds of a process so far */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS;
}

/**
 * The children's process groups still running: each child leads its own (`detached`), so a signal to
 * the group reaches whatever it started too, and the terminal's Ctrl-C reaches only this process,
 * which stops them (below: on exit, SIGINT and SIGTERM).
 */
const groups = new Set<number>();

/** Sends `signal` to the process group led by `pid`; false when it is gone. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to every group left, then SIGKILL to those still there after `graceMs`. */
async function killGroups(graceMs: number): Promise<void> {
  for (const pid of groups) signalGroup(pid, 'SIGTERM');
  const end = Date.now() + graceMs;
  while (Date.now() < end && [...groups].some((pid) => signalGroup(pid, 0))) await sleep(100);
  for (const pid of groups) signalGroup(pid, 'SIGKILL');
  groups.clear();
}

// the last resort (an exit through an uncaught error, process.exit): only synchronous work runs here
process.once('exit', () => {
  for (const pid of groups) signalGroup(pid, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`e2e bench: ${sig}; stopping the children's process groups`);
    void killGroups(5000).finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  });
}

function start(name: string, args: string[], env: Record<string, string>, dir: string): Child {
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const pid = child.pid!;
  groups.add(pid);
  // the leader gone: anything it left in its group goes too
  child.once('exit', () => {
    if (groups.delete(pid)) signalGroup(pid, 'SIGKILL');
  });
  return { name, child, log };
}

const tail = (c: Child) => (existsSync(c.log) ? readFileSync(c.log, 'utf8').slice(-2000) : '');

async function waitFor(c: Child, ok: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    if (c.child.exitCode !== null) throw new Error(`${c.name} exited ${c.child.exitCode}: ${tail(c)}`);
    if (await ok().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${c.name} not ${what} after 60 s: ${tail(c)}`);
}

/** SIGTERM to the child's process group, SIGKILL to it after 20 s (and once the child has exited). */
async function stopChild(c: Child): Promise<void> {
  const pid = c.child.pid!;
  if (c.child.exitCode !== null || c.child.signalCode !== null) {
    if (groups.delete(pid)) signalGroup(pid, 'SIGKILL');
    return;
  }
  const exited = new Promise((r) => c.child.once('exit', r));
  signalGroup(pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

const readyz = (port: number) => async () => {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return res.status === 200;
};

/** The config folder: one API key, `bench {{n}}` -> core.echo, on_success -> channel `a` -> webhook to the receiver. */
function switchboardFiles(prefix: string, hookUrl: string): Record<string, string> {
  return {
    'switchboard.yaml': `
server: { port: "\${PORT}" }
redis: { url: "${REDIS_URL}", prefix: "${prefix}", start_local: false }
users:
  bench: { roles: [ops] }
roles:
  ops: { permissions: ["*"] }
api_keys:
  - { name: bench, key: "${API_KEY}", user: bench }
executions: { concurrency: ${EXEC_CONCURRENCY} }
deliveries: { concurrency: ${DELIVERY_CONCURRENCY}${process.env.BENCH_SB_DELIVERIES ? `, ${process.env.BENCH_SB_DELIVERIES}` : ''} }
limits: { per_sender_per_minute: 100000000, per_key_per_minute: 100000000 }
logging: { level: info }
`,
    'channels/hook-a.yaml': `name: hook-a\nkind: webhook\nurl: ${hookUrl}/a\n`,
    'rules/bench.yaml': `
rules:
  - { name: a, channel: [a], to: [{ channel: hook-a }] }
`,
    'aliases/bench.yaml': `
name: bench
pack: bench
action_ref: core.echo
formats: ["bench {{n}}"]
ack: { enabled: false }
result: { enabled: false }
notify: { on_success: { message: "bench {{ params.n }} done", channels: [a] } }
`,
  };
}

async function startSwitchboardSide(receiver: Receiver, dir: string): Promise<Side> {
  const prefix = `bench-e2e-${process.pid}-${randomBytes(3).toString('hex')}`;
  const config = join(dir, 'sb-config');
  for (const [rel, text] of Object.entries(switchboardFiles(prefix, receiver.url))) {
    mkdirSync(dirname(join(config, rel)), { recursive: true });
    writeFileSync(join(config, rel), text);
  }
  const children: Child[] = [];
  let gatewayPort = 0;
  for (const role of ['gateway', 'worker'] as const) {
    const port = await freePort();
    if (role === 'gateway') gatewayPort = port;
    const c = start(
      `sb-${role}`,
      [...prof(`sb-${role}`), BIN, 'serve', '--config', config, '--role', role],
      { PORT: String(port), SWITCHBOARD_WATCH: 'false', SWITCHBOARD_CODE: CODE },
      dir,
    );
    children.push(c);
    await waitFor(c, readyz(port), 'ready');
  }
  const url = `http://127.0.0.1:${gatewayPort}/api/v1/commands`;
  return {
    name: 'switchboard',
    children,
    prefix,
    async send(i) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: `bench ${i}` }),
      });
      const body = (await res.json()) as { execution?: { id: string } };
      if (res.status !== 202 || !body.execution) throw new Error(`command ${i}: ${res.status} ${JSON.stringify(body)}`);
      return String(i);
    },
    async stop() {
      for (const c of children) await stopChild(c);
      await deletePrefix(prefix);
    },
  };
}

async function startBareSide(receiver: Receiver, dir: string): Promise<Side> {
  const prefix = `bench-e2e-bare-${process.pid}-${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  const env = {
    REDIS_URL,
    BENCH_PREFIX: prefix,
    RECEIVER_URL: receiver.url,
    EXEC_CONCURRENCY: String(EXEC_CONCURRENCY),
    DELIVERY_CONCURRENCY: String(DELIVERY_CONCURRENCY),
  };
  const children: Child[] = [];
  for (const role of ['gateway', 'worker'] as const) {
    const c = start(`bare-${role}`, [...prof(`bare-${role}`), '--import', 'tsx', BARE], { ...env, BENCH_ROLE: role, PORT: String(port) }, dir);
    children.push(c);
    await waitFor(c, async () => readFileSync(c.log, 'utf8').includes('ready'), 'ready');
  }
  const url = `http://127.0.0.1:${port}/cmd`;
  return {
    name: 'bare',
    children,
    prefix,
    async send(i) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `bench ${i}` }) });
      await res.body?.cancel();
      if (res.status !== 202) throw new Error(`bare command ${i}: ${res.status}`);
      return String(i);
    },
    async stop() {
      for (const c of children) await stopChild(c);
      await deletePrefix(prefix);
    },
  };
}

/** Redis commands per command (outside Lua scripts), by command name, over `k` commands sent one at a time (`redis-cli monitor`). */
async function countCommands(side: Side, receiver: Receiver, k: number, first: number): Promise<{ total: number; by_command: Record<string, number> }> {
  const counts = new Map<string, number>();
  let total = 0;
  const monitor = spawn('redis-cli', ['-u', REDIS_URL, 'monitor'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  groups.add(monitor.pid!);
  let rest = '';
  monitor.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      // `1733476000.123456 [0 127.0.0.1:5555] "EVALSHA" "…" …`; `[0 lua]` lines run inside a script
      const m = /^[\d.]+ \[\d+ ([^\]]+)\] "([^"]+)"(.*)$/.exec(line);
      if (!m || m[1] === 'lua') continue;
      // only this side's keys: BullMQ's blocking waits and every other user of the shared Redis are left out
      if (!m[3]!.includes(side.prefix)) continue;
      // a script is named by its first key, ids left out: `evalsha {p}:exec:*`, `evalsha {p}:executions:wait`
      const firstKey = /^ "[^"]*" "\d+" "([^"]*)"/.exec(m[3]!)?.[1];
      const name =
        firstKey === undefined ? m[2]!.toLowerCase() : `${m[2]!.toLowerCase()} ${firstKey.replace(side.prefix, 'p').replace(/:[^:]*\d[^:]*$/, ':*')}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      total += 1;
    }
  });
  try {
    await sleep(500);
    for (let i = 0; i < k; i++) {
      const key = await side.send(first + i);
      await receiver.waitFor(key, 1);
      receiver.forget(key);
    }
    // what follows the delivery (the job's completion) lands a moment later
    await sleep(1000);
  } finally {
    groups.delete(monitor.pid!);
    signalGroup(monitor.pid!, 'SIGKILL');
  }
  const by_command = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([n, c]) => [n, Number((c / k).toFixed(2))]));
  return { total: Number((total / k).toFixed(2)), by_command };
}

async function measure(side: Side, receiver: Receiver, n: number, offset: number): Promise<Run> {
  const before = receiver.count();
  const cpu0 = side.children.map((c) => cpuSeconds(c.child.pid!));
  // nothing delivered for 30 s: stop with the children's last log lines rather than wait for ever
  let seen = receiver.count();
  let watchdog: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    watchdog = setInterval(() => {
      if (receiver.count() === seen)
        reject(new Error(`${side.name}: no delivery for 30 s; logs:\n${side.children.map((c) => `${c.name}: ${tail(c)}`).join('\n')}`));
      seen = receiver.count();
    }, 30_000);
  });
  const { seconds, latencies } = await Promise.race([
    closedLoop({ lanes: LANES, total: n, send: (i) => side.send(i + offset), receiver, perCommand: 1 }),
    stalled,
  ]).finally(() => clearInterval(watchdog));
  const cpu1 = side.children.map((c) => cpuSeconds(c.child.pid!));
  if (receiver.count() - before < n) throw new Error(`${side.name}: lost deliveries: ${receiver.count() - before} of ${n}`);
  const cpuMsPerCommand = Object.fromEntries(side.children.map((c, i) => [c.name, Number((((cpu1[i]! - cpu0[i]!) * 1000) / n).toFixed(3))]));
  return { perSec: n / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuMsPerCommand };
}

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-e2e-'));
const receiver = await startReceiver();
const loadAtStart = uptime();
const sides: Side[] = [];
try {
  if (ONLY !== 'switchboard') sides.push(await startBareSide(receiver, dir));
  if (ONLY !== 'bare') sides.push(await startSwitchboardSide(receiver, dir));
  // command numbers never repeat (the receiver keys deliveries by them)
  let offset = 0;
  const next = (n: number) => ((offset += n), offset - n);
  for (const side of sides) await measure(side, receiver, WARMUP, next(WARMUP));
  const runs = new Map<string, Run[]>(sides.map((s) => [s.name, []]));
  const loads: number[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    loads.push(uptime());
    for (const side of sides) runs.get(side.name)!.push(await measure(side, receiver, N, next(N)));
  }
  const commands: Record<string, unknown> = {};
  for (const s of COUNT > 0 ? sides : []) commands[s.name] = await countCommands(s, receiver, COUNT, next(COUNT)).catch((e: Error) => ({ error: e.message }));

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const r3 = (x: number) => Number(x.toFixed(3));
  const summary = (rs: Run[]) => ({
    commands_per_sec: Math.round(median(rs.map((r) => r.perSec))),
    per_round_per_sec: rs.map((r) => Math.round(r.perSec)),
    p50_ms: r3(median(rs.map((r) => r.p50))),
    p99_ms: r3(median(rs.map((r) => r.p99))),
    cpu_ms_per_command: Object.fromEntries(Object.keys(rs[0]!.cpuMsPerCommand).map((k) => [k, r3(median(rs.map((r) => r.cpuMsPerCommand[k]!)))])),
  });
  const sb = runs.get('switchboard');
  const bare = runs.get('bare');
  const ratios = sb && bare ? sb.map((s, i) => s.perSec / bare[i]!.perSec) : [];
  const cpuOf = (r: Run) => Object.values(r.cpuMsPerCommand).reduce((a, b) => a + b, 0);
  const cpuRatios = sb && bare ? sb.map((s, i) => cpuOf(s) / cpuOf(bare[i]!)) : [];
  console.log(
    JSON.stringify({
      bench: 'e2e',
      shape: 'gateway + worker processes, one webhook delivery per command, API commands',
      n: N,
      lanes: LANES,
      rounds: ROUNDS,
      warmup: WARMUP,
      deliveries_per_command: 1,
      execution_concurrency: EXEC_CONCURRENCY,
      delivery_concurrency: DELIVERY_CONCURRENCY,
      code: { switchboard: CODE === 'dist' ? 'dist (compiled)' : 'src through tsx', bare: 'src through tsx (node --import tsx)' },
      bare_post: process.env.BENCH_BARE_POST === 'http' ? 'node:http, keep-alive agent' : 'fetch',
      cpus: cpus().length,
      load_average: { at_start: loadAtStart, per_round: loads, at_end: uptime() },
      ...(sb && { switchboard: summary(sb) }),
      ...(bare && { bare_chain: summary(bare) }),
      ...(ratios.length > 0 && {
        throughput_ratio: r3(median(ratios)),
        cpu_per_command_ratio: r3(median(cpuRatios)),
        per_round: {
          throughput_ratio: ratios.map(r3),
          switchboard_per_sec: sb!.map((r) => Math.round(r.perSec)),
          bare_per_sec: bare!.map((r) => Math.round(r.perSec)),
          cpu_per_command_ratio: cpuRatios.map(r3),
        },
        target: { throughput_ratio_min: 0.8 },
        meets_target: median(ratios) >= 0.8,
      }),
      ...(COUNT > 0 && { redis_commands_per_command: commands }),
    }),
  );
} finally {
  for (const side of sides) await side.stop().catch((e: Error) => console.error(`stopping ${side.name}: ${e.message}`));
  await receiver.close();
  if (process.env.BENCH_KEEP === '1') console.error(`kept: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
