/**
 * The webhook sink's POST (src/sinks/http.ts: node:http with a keep-alive agent) beside the same
 * request through `fetch` with its body cancelled (how the sink sent before), against one local
 * receiver in a child process (so this process's CPU time is the client's alone). Same body, same
 * headers, CONCURRENCY requests in flight, rounds alternated; medians.
 * Prints CPU time per request (user + system of this process) and requests per second, each with
 * its ratio to fetch.
 *
 * `npm run bench -- sink-http [N=5000] [CONCURRENCY=20] [ROUNDS=5]`
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { webhookSink } from '../src/providers/webhook/sink.ts';
import type { OutboundMessage } from '../src/sinks/sink.ts';
import { silentLogger } from '../src/log.ts';
import { createMemorySinkState } from '../src/sinks/memory-state.ts';

const N = Number(process.argv[3] ?? 5000);
const CONCURRENCY = Number(process.argv[4] ?? 20);
const ROUNDS = Number(process.argv[5] ?? 5);

const receiverSource = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;
const receiver = spawn(process.execPath, ['-e', receiverSource], { stdio: ['ignore', 'pipe', 'inherit'] });
const [portLine] = (await once(receiver.stdout!, 'data')) as [Buffer];
const url = `http://127.0.0.1:${String(portLine).trim()}/hook`;

const message: OutboundMessage = {
  id: 'd-0123456789abcdef0123456789abcdef',
  channel: 'hook',
  subject: 'core.echo succeeded',
  text: 'bench 1 done',
  data: {},
  execution: { id: 'x1y2z3w4', action: 'core.echo', status: 'succeeded', alias: 'bench.bench', user: 'bench' },
};
const sink = webhookSink.create(webhookSink.settings.parse({ name: 'hook', kind: 'webhook', url }), {
  logger: silentLogger,
  state: createMemorySinkState(),
  configDir: process.cwd(),
  timeoutMs: 15_000,
});
const signal = new AbortController().signal;

/** The sink's request before src/sinks/http.ts: fetch, the same headers and body, the body cancelled. */
async function viaFetch(): Promise<void> {
  const body = JSON.stringify({ ...message, sent_at: new Date().toISOString() });
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 15_000);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'switchboard', 'X-Switchboard-Delivery': message.id },
      body,
      redirect: 'error',
      signal: ctl.signal,
    });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } finally {
    clearTimeout(timer);
  }
}

const viaSink = async () => {
  await sink.send(message, signal);
};

async function round(send: () => Promise<unknown>, n: number): Promise<{ perSec: number; cpuUs: number }> {
  let left = n;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await send();
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { perSec: n / seconds, cpuUs: (cpu.user + cpu.system) / n };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r1 = (x: number) => Number(x.toFixed(1));
const r3 = (x: number) => Number(x.toFixed(3));
try {
  // warm-up: both paths JIT-compiled and their connections open
  await round(viaFetch, 1000);
  await round(viaSink, 1000);
  const sinkRuns: { perSec: number; cpuUs: number }[] = [];
  const fetchRuns: { perSec: number; cpuUs: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    fetchRuns.push(await round(viaFetch, N));
    sinkRuns.push(await round(viaSink, N));
  }
  const cpuSink = median(sinkRuns.map((r) => r.cpuUs));
  const cpuFetch = median(fetchRuns.map((r) => r.cpuUs));
  const rateSink = median(sinkRuns.map((r) => r.perSec));
  const rateFetch = median(fetchRuns.map((r) => r.perSec));
  console.log(
    JSON.stringify({
      bench: 'sink-http',
      n: N,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      sink: { cpu_us_per_request: r1(cpuSink), requests_per_sec: Math.round(rateSink) },
      fetch: { cpu_us_per_request: r1(cpuFetch), requests_per_sec: Math.round(rateFetch) },
      cpu_ratio_to_fetch: r3(cpuSink / cpuFetch),
      throughput_ratio_to_fetch: r3(rateSink / rateFetch),
      per_round: {
        sink_cpu_us: sinkRuns.map((r) => r1(r.cpuUs)),
        fetch_cpu_us: fetchRuns.map((r) => r1(r.cpuUs)),
      },
    }),
  );
} finally {
  receiver.kill();
}
process.exit(0);
