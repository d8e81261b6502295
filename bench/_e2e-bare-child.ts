/**
 * The bare chain of `npm run bench -- e2e`, one role per process, as Switchboard's `serve --role`:
 *
 * - `gateway`: a Hono route on @hono/node-server, `POST /cmd` -> `queue.add` on `executions`, 202;
 * - `worker`: a BullMQ worker on `executions` that adds one job to `deliveries`, and in the same
 *   process a worker on `deliveries` that POSTs the delivery's JSON to the receiver (with `fetch`;
 *   with `node:http` and a keep-alive agent when BENCH_BARE_POST=http).
 *
 * The same Redis connection helpers as Switchboard's (src/redis/connection.ts: a producer connection
 * that coalesces one loop turn's writes, worker connections with BullMQ's settings), the same
 * concurrencies. Settings come from the environment (set by bench/e2e.ts): BENCH_ROLE, REDIS_URL,
 * BENCH_PREFIX, PORT, RECEIVER_URL, EXEC_CONCURRENCY, DELIVERY_CONCURRENCY. Prints `ready` once
 * serving (the gateway: listening; the worker: both workers connected); stops on SIGTERM.
 */
import http from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Queue, Worker } from 'bullmq';
import { producerConnection, workerConnection } from '../src/redis/connection.ts';

const env = process.env;
const role = env.BENCH_ROLE;
const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `{${env.BENCH_PREFIX ?? 'bench-bare'}}`;
const closers: (() => Promise<unknown>)[] = [];

if (role === 'gateway') {
  const producer = producerConnection(redisUrl);
  await new Promise((r) => producer.once('ready', r));
  const execQ = new Queue('executions', { connection: producer, prefix });
  const app = new Hono();
  let seq = 0;
  app.post('/cmd', async (c) => {
    const body = (await c.req.json()) as { text: string };
    const n = /^bench (\d+)$/.exec(body.text)?.[1];
    if (n === undefined) return c.json({ error: 'no match' }, 404);
    const id = `e${process.pid}-${++seq}`;
    const execution = { id, status: 'queued', action: 'core.echo', alias: 'bench.bench', params: { n }, text: body.text, created_at: new Date().toISOString() };
    await execQ.add('run', { execution }, { jobId: id, attempts: 1, removeOnComplete: true });
    return c.json({ execution }, 202);
  });
  const port = Number(env.PORT ?? 0);
  const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log('ready'));
  closers.push(
    () => new Promise<void>((r) => server.close(() => r())),
    () => execQ.close(),
    async () => producer.disconnect(),
  );
} else if (role === 'worker') {
  const producer = producerConnection(redisUrl);
  const delivQ = new Queue('deliveries', { connection: producer, prefix });
  const execConn = workerConnection(redisUrl);
  const delivConn = workerConnection(redisUrl);
  const receiver = env.RECEIVER_URL!;
  // BENCH_BARE_POST=http: the POST through node:http with a keep-alive agent (as Switchboard's sinks
  // send) instead of fetch
  const agent = env.BENCH_BARE_POST === 'http' ? new http.Agent({ keepAlive: true }) : undefined;
  const execWorker = new Worker(
    'executions',
    async (job) => {
      const { execution } = job.data as { execution: { id: string; params: { n: string } } & Record<string, unknown> };
      const finished = { ...execution, status: 'succeeded', result: { n: execution.params.n }, finished_at: new Date().toISOString() };
      const id = `d-${execution.id}-a`;
      await delivQ.add(
        'webhook',
        { message: { id, channel: 'a', subject: 'bench', text: `bench ${execution.params.n} done`, data: {}, execution: finished } },
        { jobId: id, attempts: 8, removeOnComplete: true },
      );
      return { ok: true };
    },
    { connection: execConn, prefix, concurrency: Number(env.EXEC_CONCURRENCY ?? 20), removeOnComplete: { count: 0 } },
  );
  const delivWorker = new Worker(
    'deliveries',
    async (job) => {
      const { message } = job.data as { message: Record<string, unknown> };
      const body = JSON.stringify({ ...message, sent_at: new Date().toISOString() });
      const headers = { 'content-type': 'application/json', 'x-delivery': String(message.id) };
      if (agent) {
        const status = await new Promise<number>((resolve, reject) => {
          const req = http.request(`${receiver}/a`, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', reject);
          });
          req.on('error', reject);
          req.end(body);
        });
        if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
        return;
      }
      const res = await fetch(`${receiver}/a`, { method: 'POST', headers, body });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    },
    { connection: delivConn, prefix, concurrency: Number(env.DELIVERY_CONCURRENCY ?? 20) },
  );
  await Promise.all([execWorker.waitUntilReady(), delivWorker.waitUntilReady()]);
  console.log('ready');
  closers.push(
    () => execWorker.close(),
    () => delivWorker.close(),
    () => delivQ.close(),
    async () => {
      producer.disconnect();
      execConn.disconnect();
      delivConn.disconnect();
    },
  );
} else {
  console.error(`BENCH_ROLE must be gateway or worker, not ${role}`);
  process.exit(2);
}
process.once('SIGTERM', async () => {
  for (const close of closers) await close().catch(() => undefined);
  process.exit(0);
});
