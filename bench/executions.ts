/**
 * Executions per second from submit to `succeeded` for a no-op action (`core.noop`), beside bare
 * BullMQ add-and-process of no-op jobs in the same run, same Redis, same worker concurrency and the
 * same number of submits in flight. Prints one JSON object; target ratio ≥ 0.5.
 *
 * `core.noop` is an instant builtin (queued -> succeeded in one atomic step, see `Runner.instant`);
 * `full_path` also measures a no-op *module* action, which takes the general path every shell, http
 * and module action takes (queued -> running -> succeeded, three record writes).
 *
 * `npm run bench -- executions [N=3000] [CONCURRENCY=50] [ROUNDS=7]`
 */
import { Queue, Worker } from 'bullmq';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { mainSchema } from '../src/config/schema.ts';
import type { ActionConfig, Config } from '../src/config/types.ts';
import { producerConnection, workerConnection } from '../src/executions/redis.ts';
import { createExecutionService } from '../src/executions/service.ts';
import { startExecutionWorker } from '../src/executions/worker.ts';
import { silentLogger } from '../src/log.ts';

const N = Number(process.argv[3] ?? 3000);
const CONCURRENCY = Number(process.argv[4] ?? 50);
const ROUNDS = Number(process.argv[5] ?? 7);
const IN_FLIGHT = 200;
const REDIS_URL = 'redis://127.0.0.1:6379';

/** node CPU microseconds per job (user + system), per round: independent of other load on the machine */
const cpuPerJob: Record<string, number[]> = {};

async function pump(n: number, submit: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n) await submit(next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
}

function doneAfter(n: number): { tick(): void; done: Promise<void> } {
  let count = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return { tick: () => void (++count === n && resolve()), done };
}

async function cleanup(prefix: string) {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

async function bareBullmq(n: number): Promise<number> {
  const cpuKey = 'bullmq';
  const prefix = `{bench-bare-${process.pid}-${Date.now()}}`;
  // the same connection settings as the execution service and worker use
  const producer = producerConnection(REDIS_URL);
  await new Promise((r) => producer.once('ready', r));
  const queue = new Queue('executions', { connection: producer, prefix });
  const counter = doneAfter(n);
  const workerConn = workerConnection(REDIS_URL);
  const worker = new Worker('executions', async () => null, {
    connection: workerConn,
    prefix,
    concurrency: CONCURRENCY,
  });
  worker.on('completed', counter.tick);
  await worker.waitUntilReady();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await pump(n, (i) => queue.add('run', { i }, { jobId: `j${i}x`, removeOnComplete: true, attempts: 1 }));
  await counter.done;
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  cpuPerJob[cpuKey] = (cpuPerJob[cpuKey] ?? []).concat((cpu.user + cpu.system) / n);
  await worker.close();
  await queue.close();
  producer.disconnect();
  workerConn.disconnect();
  await cleanup(prefix);
  return n / secs;
}

function benchConfig(prefix: string): Config {
  const main = mainSchema.parse({ redis: { url: REDIS_URL, prefix } });
  main.executions.concurrency = CONCURRENCY;
  const base = { enabled: true, env_allow: [], parameters: {}, timeout: 60, retries: 0 };
  const noop: ActionConfig = { ...base, name: 'core.noop', ref: 'core.noop', runner: 'builtin', builtin: 'noop' };
  // a module action doing next to nothing: the general (non-instant) path
  const mod: ActionConfig = { ...base, name: 'bench.add', ref: 'bench.add', runner: 'module', module: 'actions.ts', export: 'add' };
  return {
    dir: MODULE_DIR,
    main,
    actions: new Map([
      [noop.ref, noop],
      [mod.ref, mod],
    ]),
    aliases: [],
    channels: new Map(),
    rules: [],
    secrets: [],
  };
}

const MODULE_DIR = fileURLToPath(new URL('../test/integration/executions/fixtures/', import.meta.url));

async function switchboard(n: number, actionRef = 'core.noop'): Promise<number> {
  const cpuKey = actionRef;
  const prefix = `bench-sb-${process.pid}-${Date.now()}`;
  const config = benchConfig(prefix);
  const service = createExecutionService({ config, logger: silentLogger });
  const counter = doneAfter(n);
  let failed = 0;
  const worker = await startExecutionWorker({
    config,
    logger: silentLogger,
    hooks: {
      onTerminal: async (e) => {
        if (e.status !== 'succeeded') failed++;
        counter.tick();
      },
    },
  });
  await service.ping();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await pump(n, (i) => service.submit({ action: actionRef, params: { a: i, b: 1 } }));
  await counter.done;
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  cpuPerJob[cpuKey] = (cpuPerJob[cpuKey] ?? []).concat((cpu.user + cpu.system) / n);
  if (failed) throw new Error(`${failed} executions did not succeed`);
  await worker.close(5);
  await service.close();
  await cleanup(`{${prefix}}`);
  return n / secs;
}

// warm up every path (JIT, script loading), then alternate rounds: each ratio pairs runs made
// seconds apart, which cancels most of the noise of a shared machine; report medians
await bareBullmq(Math.min(1000, N));
await switchboard(Math.min(1000, N));
await switchboard(Math.min(1000, N), 'bench.add');
const bare: number[] = [];
const sb: number[] = [];
const full: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  bare.push(await bareBullmq(N));
  sb.push(await switchboard(N));
  full.push(await switchboard(N, 'bench.add'));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratios = sb.map((x, i) => x / bare[i]!);
const fullRatios = full.map((x, i) => x / bare[i]!);
const cpu = (key: string) => Math.round(median(cpuPerJob[key]!.slice(1)));
console.log(
  JSON.stringify({
    bench: 'executions',
    n: N,
    rounds: ROUNDS,
    worker_concurrency: CONCURRENCY,
    submits_in_flight: IN_FLIGHT,
    bullmq_jobs_per_sec: Math.round(median(bare)),
    switchboard_executions_per_sec: Math.round(median(sb)),
    ratio: Number(median(ratios).toFixed(3)),
    ratio_min: Number(Math.min(...ratios).toFixed(3)),
    ratio_max: Number(Math.max(...ratios).toFixed(3)),
    full_path: {
      action: 'module no-op (queued -> running -> succeeded)',
      executions_per_sec: Math.round(median(full)),
      ratio: Number(median(fullRatios).toFixed(3)),
      ratio_min: Number(Math.min(...fullRatios).toFixed(3)),
    },
    node_cpu_us_per_job: { bullmq: cpu('bullmq'), switchboard: cpu('core.noop'), full_path: cpu('bench.add') },
    per_round: { bullmq: bare.map(Math.round), switchboard: sb.map(Math.round), full_path: full.map(Math.round) },
    target_ratio: 0.5,
  }),
);
process.exit(0);
