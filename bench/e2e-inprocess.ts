/**
 * End to end, everything in ONE process (the e2e bench before issue 16; `npm run bench -- e2e` is now
 * gateway and worker as separate processes with one delivery per command): commands through signed Twilio webhooks (odd ones) and the JSON API (even ones) ->
 * verify -> identify -> match -> authorize -> execution (`core.echo`, an instant builtin) ->
 * `on_success` -> rules -> two webhook deliveries to a local receiver. Latency is from the request
 * to the *last* of the command's two deliveries received. The load is LANES closed loops: each sends
 * a command and waits for its second delivery before sending the next, so both sides are measured
 * with the same number of commands in flight end to end.
 *
 * The floor, in the same run, same Redis, same receiver, same worker concurrencies: a bare chain of
 * a Hono route (on @hono/node-server) -> BullMQ job -> worker -> two BullMQ jobs -> worker -> HTTP
 * POST of the same JSON. Rounds alternate (bare, switchboard) so each ratio pairs runs made seconds
 * apart; medians are reported. Target: throughput ratio >= 0.6, p99 <= 2x the bare p99.
 *
 * `npm run bench -- e2e-inprocess [N=3000] [LANES=32] [ROUNDS=5]`
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Queue, Worker } from 'bullmq';
import type { AddressInfo } from 'node:net';
import { producerConnection, workerConnection } from '../src/executions/redis.ts';
import { closedLoop, deletePrefix, percentile, REDIS_URL, startReceiver, startWorld, type Receiver } from './_e2e-world.ts';

const N = Number(process.argv[3] ?? 3000);
const LANES = Number(process.argv[4] ?? 32);
const ROUNDS = Number(process.argv[5] ?? 5);
/** execution worker concurrency on both sides (Switchboard: `executions.concurrency`) */
const EXEC_CONCURRENCY = 20;
/** delivery worker concurrency on both sides (Switchboard's default) */
const DELIVERY_CONCURRENCY = 20;

interface Run {
  perSec: number;
  p50: number;
  p99: number;
  peakRssMb: number;
}

const receiver = await startReceiver();
let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const measure = async (lanesSend: (i: number) => Promise<string>, n: number, offset: number): Promise<Run> => {
  peakRss = process.memoryUsage().rss;
  const before = receiver.count();
  const { seconds, latencies } = await closedLoop({ lanes: LANES, total: n, send: (i) => lanesSend(i + offset), receiver, perCommand: 2 });
  if (receiver.count() - before < 2 * n) throw new Error(`lost deliveries: ${receiver.count() - before} of ${2 * n}`);
  return { perSec: n / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), peakRssMb: Math.round(peakRss / 1048576) };
};

/** the bare chain, started fresh per round like Switchboard is */
async function bareChain(n: number, offset: number, r: Receiver): Promise<Run> {
  const prefix = `{bench-e2e-bare-${process.pid}-${Date.now()}}`;
  const producer = producerConnection(REDIS_URL);
  await new Promise((res) => producer.once('ready', res));
  const execQ = new Queue('executions', { connection: producer, prefix });
  const delivQ = new Queue('deliveries', { connection: producer, prefix });
  const execConn = workerConnection(REDIS_URL);
  const delivConn = workerConnection(REDIS_URL);
  const execWorker = new Worker(
    'executions',
    async (job) => {
      const { n: k } = job.data as { n: number };
      await delivQ.addBulk(
        ['a', 'b'].map((ch) => ({ name: 'webhook', data: { n: k, ch }, opts: { jobId: `${job.id}-${ch}`, attempts: 3, removeOnComplete: true } })),
      );
      return { ok: true };
    },
    { connection: execConn, prefix, concurrency: EXEC_CONCURRENCY, removeOnComplete: { count: 0 } },
  );
  const delivWorker = new Worker(
    'deliveries',
    async (job) => {
      const { n: k, ch } = job.data as { n: number; ch: string };
      const res = await fetch(`${r.url}/${ch}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: job.id, channel: ch, subject: 'bench', text: `bench ${k} done`, data: {}, sent_at: new Date().toISOString() }),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    },
    { connection: delivConn, prefix, concurrency: DELIVERY_CONCURRENCY },
  );
  await Promise.all([execWorker.waitUntilReady(), delivWorker.waitUntilReady()]);
  const app = new Hono();
  let seq = 0;
  app.post('/cmd', async (c) => {
    const body = (await c.req.json()) as { text: string };
    const k = Number(/^bench (\d+)$/.exec(body.text)?.[1]);
    const job = await execQ.add('run', { n: k, text: body.text }, { jobId: `e${++seq}`, removeOnComplete: true });
    return c.json({ execution: { id: job.id } }, 202);
  });
  const server = await new Promise<ReturnType<typeof serve>>((res) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => res(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cmd`;
  const send = async (i: number) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `bench ${i}` }) });
    await res.body?.cancel();
    if (res.status !== 202) throw new Error(`bare ${res.status}`);
    return String(i);
  };
  try {
    return await measure(send, n, offset);
  } finally {
    await new Promise<void>((res) => server.close(() => res()));
    await execWorker.close();
    await delivWorker.close();
    await execQ.close();
    await delivQ.close();
    producer.disconnect();
    execConn.disconnect();
    delivConn.disconnect();
    await deletePrefix(prefix.slice(1, -1));
  }
}

async function switchboard(n: number, offset: number): Promise<Run> {
  const world = await startWorld({ concurrency: EXEC_CONCURRENCY, receiver });
  try {
    return await measure(world.send, n, offset);
  } finally {
    await world.stop();
  }
}

// command numbers never repeat across rounds (the receiver keys deliveries by them)
let offset = 0;
const next = (n: number) => ((offset += n), offset - n);
// warm-up of both paths
await bareChain(Math.min(500, N), next(Math.min(500, N)), receiver);
await switchboard(Math.min(500, N), next(Math.min(500, N)));
const bare: Run[] = [];
const sb: Run[] = [];
for (let round = 0; round < ROUNDS; round++) {
  bare.push(await bareChain(N, next(N), receiver));
  sb.push(await switchboard(N, next(N)));
}
clearInterval(rssTimer);
await receiver.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r3 = (x: number) => Number(x.toFixed(3));
const throughputRatios = sb.map((s, i) => s.perSec / bare[i]!.perSec);
const p99Ratios = sb.map((s, i) => s.p99 / bare[i]!.p99);
const summary = (runs: Run[]) => ({
  commands_per_sec: Math.round(median(runs.map((r) => r.perSec))),
  p50_ms: r3(median(runs.map((r) => r.p50))),
  p99_ms: r3(median(runs.map((r) => r.p99))),
  peak_rss_mb: Math.max(...runs.map((r) => r.peakRssMb)),
});
const throughputRatio = median(throughputRatios);
const p99Ratio = median(p99Ratios);
console.log(
  JSON.stringify({
    bench: 'e2e-inprocess',
    n: N,
    lanes: LANES,
    rounds: ROUNDS,
    deliveries_per_command: 2,
    execution_concurrency: EXEC_CONCURRENCY,
    delivery_concurrency: DELIVERY_CONCURRENCY,
    switchboard: summary(sb),
    bare_chain: summary(bare),
    throughput_ratio: r3(throughputRatio),
    p99_ratio: r3(p99Ratio),
    per_round: {
      throughput_ratio: throughputRatios.map(r3),
      p99_ratio: p99Ratios.map(r3),
      switchboard_per_sec: sb.map((r) => Math.round(r.perSec)),
      bare_per_sec: bare.map((r) => Math.round(r.perSec)),
    },
    target: { throughput_ratio_min: 0.6, p99_ratio_max: 2 },
    meets_target: throughputRatio >= 0.6 && p99Ratio <= 2,
    peak_rss_note: 'process RSS (bench client, receiver and the system under test share one process); max over the rounds',
  }),
);
process.exit(0);
