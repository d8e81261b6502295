/**
 * Memory of `switchboard serve` on the example config (this repository's root folder), as a child
 * process: the RSS (VmRSS in /proc/PID/status) once started and settled (idle), and while a steady
 * RATE commands per second arrive through `POST /api/v1/commands` for SECONDS (the soak: RSS
 * sampled every 2 s; the plateau is the median of the last half's samples, the peak their maximum).
 *
 * `npm run bench -- memory [SECONDS=120] [RATE=50]`
 *
 * Variants, each a fresh process, one after the other:
 * - `tsx`: the TypeScript sources through tsx's loader (`SWITCHBOARD_CODE=src`), the baseline;
 * - `compiled`: dist/ (`SWITCHBOARD_CODE=dist`, built first when not current), with the V8 flags
 *   production starts with (PRODUCTION_NODE_FLAGS below: `npm start`, the Dockerfile);
 * - `compiled_default_flags`: dist/ with Node's default heap settings (what the flags buy);
 * `BENCH_EXTRA_FLAGS="--max-semi-space-size=4;..."` adds compiled variants with other flags.
 * Ratios are to `tsx`, measured in the same invocation. Targets (issue 16): idle under 100 MB, soak
 * under 200 MB. `BENCH_ONLY=tsx,compiled` picks variants.
 *
 * The config is a copy of the example's (its own Redis prefix; the per-key and per-sender limits
 * raised so RATE/s from one API key is not refused); the commands alternate `ping` (a builtin) and
 * `restart web on prod` (a shell action printing one line), from the example's API key
 * (`BENCH_TEXTS="ping|help"` sends others). The plateau and peak are over the soak's samples; the
 * backlog's drain after it (at most 60 s) is reported apart.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { chooseCode } from '../bin/code.js';

const SECONDS = Number(process.argv[3] ?? 120);
const RATE = Number(process.argv[4] ?? 50);
const SAMPLE_MS = 2000;
const SETTLE_MS = 10_000;
/** the V8 flags `npm start` and the Dockerfile give node (docs/DEPLOYMENT.md "Memory") */
export const PRODUCTION_NODE_FLAGS = ['--max-semi-space-size=2'];
const KEY = 'sb-local-dev-key';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Variant {
  name: string;
  code: 'src' | 'dist';
  flags: string[];
}
const all: Variant[] = [
  { name: 'tsx', code: 'src', flags: [] },
  { name: 'compiled', code: 'dist', flags: PRODUCTION_NODE_FLAGS },
  { name: 'compiled_default_flags', code: 'dist', flags: [] },
];
// BENCH_EXTRA_FLAGS="--max-semi-space-size=4;--max-semi-space-size=8": more compiled variants, one per flag set
for (const set of (process.env.BENCH_EXTRA_FLAGS ?? '').split(';').filter(Boolean)) {
  all.push({ name: `compiled ${set.trim()}`, code: 'dist', flags: set.trim().split(/\s+/) });
}
const only = process.env.BENCH_ONLY?.split(',');
const variants = only ? all.filter((v) => only.includes(v.name) || v.name.startsWith('compiled ')) : all;
/** the commands sent in turn (BENCH_TEXTS="ping|help" to change them) */
const TEXTS = (process.env.BENCH_TEXTS ?? 'ping|restart web on prod').split('|');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (kb: number) => Math.round(kb / 102.4) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
};

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** a copy of the example config folder with its own Redis prefix and limits that let RATE/s through */
function exampleCopy(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-memory-'));
  for (const f of ['aliases', 'actions', 'channels', 'rules']) cpSync(join(root, f), join(dir, f), { recursive: true });
  let yaml = readFileSync(join(root, 'switchboard.yaml'), 'utf8');
  const set = (re: RegExp, to: string) => {
    if (!re.test(yaml)) throw new Error(`the example switchboard.yaml no longer has ${re}`);
    yaml = yaml.replace(re, to);
  };
  set(/prefix: sb\b/, `prefix: ${prefix}`);
  set(/per_sender_per_minute: \d+/, 'per_sender_per_minute: 1000000');
  set(/per_key_per_minute: \d+/, 'per_key_per_minute: 1000000');
  writeFileSync(join(dir, 'switchboard.yaml'), yaml);
  return dir;
}

async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 40_000);
  await exited;
  clearTimeout(t);
}

async function measure(v: Variant, redis: Redis) {
  const prefix = `sbmem${randomBytes(4).toString('hex')}`;
  const dir = exampleCopy(prefix);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [...v.flags, join(root, 'bin/switchboard.js'), 'serve', '--config', dir], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), SWITCHBOARD_CODE: v.code, SWITCHBOARD_WATCH: 'false' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  try {
    await until('/readyz', 60_000, async () => (await fetch(`${base}/readyz`)).status === 200);
    const readyMs = Math.round(performance.now() - started);
    const settle: number[] = [];
    for (let t = 0; t < SETTLE_MS; t += 1000) {
      await sleep(1000);
      settle.push(rssKb(child.pid!));
    }
    const idle = settle.at(-1)!;

    // the soak: open loop, one command every 1/RATE s whatever the answers do
    let sent = 0;
    let accepted = 0;
    let refused = 0;
    let errors = 0;
    let last = '';
    let firstError = '';
    const statuses: Record<string, number> = {};
    const samples: [number, number][] = [];
    const t0 = performance.now();
    const sampler = setInterval(() => samples.push([Math.round((performance.now() - t0) / 1000), rssKb(child.pid!)]), SAMPLE_MS);
    const inflight = new Set<Promise<void>>();
    let due = performance.now();
    while (performance.now() - t0 < SECONDS * 1000) {
      while (due <= performance.now()) {
        due += 1000 / RATE;
        const text = TEXTS[sent++ % TEXTS.length]!;
        const p = fetch(`${base}/api/v1/commands`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
        })
          .then(async (res) => {
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
            const body = (await res.json()) as { execution?: { id?: string } };
            if (res.status === 202 && body.execution?.id) {
              accepted++;
              last = body.execution.id;
            } else refused++;
          })
          .catch((e: Error) => {
            errors++;
            firstError ||= `${e.message}${e.cause ? ` (${(e.cause as Error).message})` : ''}`;
          })
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      await sleep(Math.max(1, due - performance.now()));
    }
    const soakEnd = Math.round((performance.now() - t0) / 1000);
    await Promise.all(inflight);
    // the backlog drains (bounded: on a loaded machine the shell actions fall behind): the last
    // accepted command's execution finished, else its status is reported
    const drainStart = performance.now();
    let lastStatus = '';
    await until('the last execution to finish', 60_000, async () => {
      const res = await fetch(`${base}/api/v1/executions/${last}`, { headers: { authorization: `Bearer ${KEY}` } });
      lastStatus = ((await res.json()) as { status?: string }).status ?? '';
      return ['succeeded', 'failed', 'timeout', 'canceled'].includes(lastStatus);
    }).catch(() => undefined);
    const drainMs = ['succeeded', 'failed', 'timeout', 'canceled'].includes(lastStatus) ? Math.round(performance.now() - drainStart) : null;
    clearInterval(sampler);
    samples.push([Math.round((performance.now() - t0) / 1000), rssKb(child.pid!)]);
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
    // the soak's own samples (the drain after it is reported apart)
    const during = samples.filter(([t]) => t <= soakEnd);
    const lastHalf = during.filter(([t]) => t >= soakEnd / 2).map(([, kb]) => kb);
    const after = samples.filter(([t]) => t > soakEnd).map(([, kb]) => kb);
    return {
      code: v.code,
      node_flags: v.flags,
      ready_ms: readyMs,
      idle_rss_mb: mb(idle),
      settle_rss_mb: settle.map(mb),
      soak: {
        plateau_rss_mb: mb(median(lastHalf)),
        peak_rss_mb: mb(Math.max(...during.map(([, kb]) => kb))),
        drain_peak_rss_mb: after.length > 0 ? mb(Math.max(...after)) : null,
        end_rss_mb: mb(samples.at(-1)![1]),
        vm_hwm_mb: mb(hwm),
        sent,
        accepted,
        refused,
        errors,
        ...(firstError && { first_error: firstError }),
        statuses,
        drain_ms: drainMs,
        last_execution_status: lastStatus,
        samples: samples.map(([t, kb]) => [t, mb(kb)]),
      },
    };
  } catch (e) {
    throw new Error(`${v.name}: ${(e as Error).message}\n${stderr}`);
  } finally {
    await stop(child);
    await deletePrefix(redis, prefix);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (variants.some((v) => v.code === 'dist') && chooseCode({}) !== 'dist') {
  process.stderr.write('memory: dist/ is missing or older than src/: npm run build\n');
  execFileSync(process.execPath, [join(root, 'scripts/build.js')], { stdio: ['ignore', 2, 2] });
}

const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
await redis.connect();
const load = { before: loadavg().map((x) => Math.round(x * 100) / 100), after: [] as number[] };
const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
for (const v of variants) {
  process.stderr.write(`memory: ${v.name} (${SECONDS} s at ${RATE}/s)...\n`);
  results[v.name] = await measure(v, redis);
}
load.after = loadavg().map((x) => Math.round(x * 100) / 100);
await redis.quit();

const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? null : Math.round((a / b) * 100) / 100);
const c = results.compiled;
const t = results.tsx;
console.log(
  JSON.stringify({
    bench: 'memory',
    seconds: SECONDS,
    rate_per_sec: RATE,
    node: process.version,
    load_avg_1_5_15: load,
    targets_mb: { idle: 100, soak: 200 },
    compiled_vs_tsx: { idle: ratio(c?.idle_rss_mb, t?.idle_rss_mb), soak_plateau: ratio(c?.soak.plateau_rss_mb, t?.soak.plateau_rss_mb) },
    targets_met: c ? { idle: c.idle_rss_mb < 100, soak: c.soak.peak_rss_mb < 200 } : null,
    texts: TEXTS,
    variants: results,
  }),
);
