/**
 * Deliveries per second from `notify()` to the sink's HTTP request answered, through the delivery
 * queue and worker (routing, ledger, rate bucket check, webhook sink), beside bare BullMQ (add a
 * job, a worker POSTs the same JSON to the same local server) in the same run, same Redis, same
 * worker concurrency and the same number of submits in flight. Prints one JSON object; target
 * ratio ≥ 0.5.
 *
 * `npm run bench -- deliveries [N=2000] [CONCURRENCY=50] [ROUNDS=5]`
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { channelSchema, mainSchema, ruleSchema } from '../src/config/schema.ts';
import type { Config } from '../src/config/types.ts';
import { createDeliveryService } from '../src/deliveries/service.ts';
import { startDeliveryWorker } from '../src/deliveries/worker.ts';
import { producerConnection, workerConnection } from '../src/executions/redis.ts';
import { silentLogger } from '../src/log.ts';

const N = Number(process.argv[3] ?? 2000);
const CONCURRENCY = Number(process.argv[4] ?? 50);
const ROUNDS = Number(process.argv[5] ?? 5);
const IN_FLIGHT = 200;
const REDIS_URL = 'redis://127.0.0.1:6379';

// the local "provider": answers every POST 200 and counts them
let received = 0;
let waiter: { n: number; resolve: () => void } | undefined;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    received += 1;
    if (waiter && received >= waiter.n) waiter.resolve();
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
const receivedAll = (n: number) => new Promise<void>((resolve) => (received >= n ? resolve() : (waiter = { n, resolve })));

async function pump(n: number, submit: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n) await submit(next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
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

const payload = (i: number) => ({ id: `d-${i}`, channel: 'bench', subject: 'bench', text: `message ${i}`, data: {}, sent_at: new Date().toISOString() });

async function bareBullmq(n: number): Promise<number> {
  const prefix = `{bench-dbare-${process.pid}-${Date.now()}}`;
  const producer = producerConnection(REDIS_URL);
  await new Promise((r) => producer.once('ready', r));
  const queue = new Queue('deliveries', { connection: producer, prefix });
  const conn = workerConnection(REDIS_URL);
  const worker = new Worker(
    'deliveries',
    async (job) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job.data) });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    },
    { connection: conn, prefix, concurrency: CONCURRENCY },
  );
  await worker.waitUntilReady();
  received = 0;
  const t0 = performance.now();
  await pump(n, (i) => queue.add('webhook', payload(i), { jobId: `j${i}x`, attempts: 3, removeOnComplete: true }));
  await receivedAll(n);
  const secs = (performance.now() - t0) / 1000;
  await worker.close();
  await queue.close();
  producer.disconnect();
  conn.disconnect();
  await cleanup(prefix);
  return n / secs;
}

function benchConfig(prefix: string): Config {
  const main = mainSchema.parse({ redis: { url: REDIS_URL, prefix } });
  const channels = new Map([['bench-hook', channelSchema.parse({ name: 'bench-hook', kind: 'webhook', url })]]);
  const rules = [ruleSchema.parse({ name: 'bench', channel: ['bench'], to: [{ channel: 'bench-hook' }] })];
  return { dir: process.cwd(), main, actions: new Map(), aliases: [], channels, rules, secrets: [] };
}

async function switchboard(n: number): Promise<number> {
  const prefix = `bench-dsb-${process.pid}-${Date.now()}`;
  const config = benchConfig(prefix);
  const service = createDeliveryService({ config, logger: silentLogger });
  const worker = await startDeliveryWorker({ config, logger: silentLogger, concurrency: CONCURRENCY });
  received = 0;
  const t0 = performance.now();
  await pump(n, (i) => service.notify({ channels: ['bench'], message: `message ${i}` }));
  await receivedAll(n);
  const secs = (performance.now() - t0) / 1000;
  await worker.close();
  await service.close();
  await cleanup(`{${prefix}}`);
  return n / secs;
}

// warm up both paths, then alternate rounds so each ratio pairs runs made seconds apart; report medians
await bareBullmq(Math.min(500, N));
await switchboard(Math.min(500, N));
const bare: number[] = [];
const sb: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  bare.push(await bareBullmq(N));
  sb.push(await switchboard(N));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratios = sb.map((x, i) => x / bare[i]!);
server.close();
console.log(
  JSON.stringify({
    bench: 'deliveries',
    n: N,
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
    switchboard_per_second: Math.round(median(sb)),
    bullmq_per_second: Math.round(median(bare)),
    ratio: Number(median(ratios).toFixed(3)),
    target: 0.5,
    rounds_ratio: ratios.map((r) => Number(r.toFixed(3))),
  }),
);
process.exit(0);
