/**
 * Storms never starve commands (issue 15 item 4). A whole Switchboard (`startSwitchboard`, role
 * `all`) alone on the main thread, and two worker threads standing in for the world: `load` (the
 * storm's client and the bulk webhook receiver) and `client` (the commands' client and a fake
 * Twilio Messages API their answers reach). Times are absolute (`timeOrigin + now()`) across threads.
 *
 * - The storm: N notifications (default 30,000) pushed in SECONDS (default 10) through
 *   `POST /api/v1/notify`, 50 per request (`channels: [s0 … s49]`, each name routed by one rule to
 *   the bulk webhook channel), requests spread evenly over the window (open loop, at most 64 in
 *   flight). Counted at the receiver by `X-Switchboard-Delivery` id: delivered once, duplicates,
 *   and the seconds from the first request to the last delivery.
 * - The commands: RATE per second (default 50, open loop) as signed Twilio SMS webhooks `ping <n>`
 *   (alias -> `core.echo`, no ack, `result: pong <n>`), whose answer is the result SMS to the sender
 *   (the `origin` reply, through the Twilio sink to the receiver). Latency: from the webhook request
 *   sent to the answer received. Commands are sent from the storm's start until its last delivery
 *   (at least SECONDS).
 * - The baseline, in the same run: the same commands at the same rate for SECONDS with no storm.
 * - `before`: the storm again on a Switchboard started with `SWITCHBOARD_SINGLE_DELIVERY_QUEUE=1`
 *   (every delivery in one FIFO queue, as before issue 15). Skipped with the argument `after`.
 *
 * - Also printed: the command webhook's own HTTP answer time (`webhook_answered`, before any queue)
 *   and the Switchboard thread's event-loop delay during the storm.
 *
 * Target: commands' p99 under 100 ms during the storm, every notification delivered exactly once.
 *
 * `npm run bench -- storm [N=30000] [SECONDS=10] [RATE=50] [after|both]`; `STORM_BULK_CONCURRENCY=5`
 * sets `deliveries.concurrency` (default 20), `STORM_YIELD_MS=null` (or a number of ms) sets
 * `deliveries.yield_at_loop_delay_ms` (default 10), `STORM_GATE_MS=null` (or a number of ms) sets
 * `deliveries.command_gate_wait_ms` (default 250).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { isMainThread, type MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import twilio from 'twilio';
import { startSwitchboard, type Switchboard } from '../src/main.ts';
import { deletePrefix, percentile, REDIS_URL } from './_e2e-world.ts';

const N = Number(process.argv[3] ?? 30_000);
const SECONDS = Number(process.argv[4] ?? 10);
const RATE = Number(process.argv[5] ?? 50);
const WITH_BEFORE = (process.argv[6] ?? 'both') !== 'after';
const PER_REQUEST = 50;
const MAX_IN_FLIGHT = 64;
const USERS = 50;
const AUTH_TOKEN = 'storm-twilio-auth-token';
const ACCOUNT_SID = `AC${'c'.repeat(32)}`;
const PUBLIC_URL = 'https://sb.storm.local';
const SMS_URL = `${PUBLIC_URL}/ingress/twilio/sms`;
const OUR_NUMBER = '+15550008888';
const API_KEY = 'storm-api-key-00000000000000001';
const phoneOf = (u: number) => `+1555400${String(u).padStart(4, '0')}`;

/** Absolute time in ms, comparable across threads. */
const abs = () => performance.timeOrigin + performance.now();

interface Server_ {
  url: string;
  close(): Promise<void>;
}

async function listen(handler: (req: import('node:http').IncomingMessage, body: Buffer, res: import('node:http').ServerResponse) => void): Promise<Server_> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((res) => {
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
}

function files(prefix: string, smsUrl: string, bulkUrl: string): Record<string, string> {
  const users = Array.from({ length: USERS }, (_, u) => `  u${u}: { roles: [ops], phone: "${phoneOf(u)}" }`).join('\n');
  const names = Array.from({ length: PER_REQUEST }, (_, i) => `s${i}`).join(', ');
  return {
    'switchboard.yaml': `
server: { port: 0, public_url: "${PUBLIC_URL}" }
redis: { url: "${REDIS_URL}", prefix: "${prefix}", start_local: false }
users:
${users}
roles:
  ops: { permissions: [notify] }
api_keys:
  - { name: storm, key: "${API_KEY}", user: u0 }
executions: { concurrency: 20 }
deliveries: { concurrency: ${process.env.STORM_BULK_CONCURRENCY ?? 20}${process.env.STORM_YIELD_MS ? `, yield_at_loop_delay_ms: ${process.env.STORM_YIELD_MS}` : ''}${process.env.STORM_GATE_MS ? `, command_gate_wait_ms: ${process.env.STORM_GATE_MS}` : ''} }
limits: { per_sender_per_minute: 1000000, per_key_per_minute: 1000000 }
logging: { level: warn }
`,
    'channels/sms.yaml': `
name: sms
kind: sms
account_sid: ${ACCOUNT_SID}
auth_token: ${AUTH_TOKEN}
from: "${OUR_NUMBER}"
api_url: ${smsUrl}
rate_limit: { max: 100000, per_seconds: 1 }
`,
    'channels/hook-bulk.yaml': `name: hook-bulk\nkind: webhook\nurl: ${bulkUrl}/bulk\n`,
    'rules/storm.yaml': `
rules:
  - { name: storm, channel: [${names}], to: [{ channel: hook-bulk }] }
`,
    'aliases/ping.yaml': `
name: ping
pack: storm
action_ref: core.echo
formats: ["ping {{n}}"]
ack: { enabled: false }
result: { format: "pong {{ params.n }}" }
`,
  };
}

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - abs())));

// ---------------------------------------------------------------------------------------------
// thread `client`: the commands and the fake Twilio API their answers reach

async function clientThread(port: MessagePort): Promise<void> {
  const answerAt = new Map<number, number>();
  const waiters = new Map<number, (t: number) => void>();
  let sid = 0;
  const server = await listen((_req, body, res) => {
    const now = abs();
    const text = new URLSearchParams(body.toString('utf8')).get('Body') ?? '';
    const n = Number(/pong (\d+)/.exec(text)?.[1] ?? Number.NaN);
    if (!Number.isNaN(n) && !answerAt.has(n)) {
      answerAt.set(n, now);
      waiters.get(n)?.(now);
      waiters.delete(n);
    }
    sid += 1;
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${String(sid).padStart(32, '0')}`, status: 'queued', body: text }));
  });
  const answer = (n: number) => (answerAt.has(n) ? Promise.resolve(answerAt.get(n)!) : new Promise<number>((res) => waiters.set(n, res)));

  let commandNo = 0;
  /** One SMS command: its latencies (request sent -> webhook answered; -> answer received), ms. */
  async function command(url: string): Promise<{ start: number; ingress: number; answer: number }> {
    const n = ++commandNo;
    const msg = `SM${randomBytes(16).toString('hex')}`;
    const form = { MessageSid: msg, SmsMessageSid: msg, AccountSid: ACCOUNT_SID, From: phoneOf(n % USERS), To: OUR_NUMBER, Body: `ping ${n}`, NumMedia: '0' };
    const start = abs();
    const res = await fetch(`${url}/ingress/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, SMS_URL, form) },
      body: new URLSearchParams(form).toString(),
    });
    const text = await res.text();
    const ingress = abs() - start;
    if (res.status !== 200) throw new Error(`command ${n}: ${res.status} ${text}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`command ${n}: no answer in 180 s`)), 180_000)));
    try {
      return { start, ingress, answer: (await Promise.race([answer(n), timeout])) - start };
    } finally {
      clearTimeout(timer);
    }
  }

  let stop = false;
  port.on('message', (m: { type: string; url?: string; count?: number }) => {
    if (m.type === 'stop') stop = true;
    if (m.type === 'close') void server.close().then(() => port.close());
    if (m.type !== 'commands') return;
    stop = false;
    // RATE per second until told to stop (or `count` sent), open loop
    void (async () => {
      const t0 = abs();
      const pending: Promise<{ start: number; ingress: number; answer: number }>[] = [];
      for (let i = 0; !stop && (m.count === undefined || i < m.count); i++) {
        await sleepUntil(t0 + (i * 1000) / RATE);
        pending.push(command(m.url!));
      }
      const done = await Promise.all(pending);
      port.postMessage({ type: 'latencies', start: done.map((d) => d.start), answer: done.map((d) => d.answer), ingress: done.map((d) => d.ingress) });
    })();
  });
  port.postMessage({ type: 'ready', url: server.url });
}

// ---------------------------------------------------------------------------------------------
// thread `load`: the storm through /api/v1/notify, and the bulk webhook receiver counting it

async function loadThread(port: MessagePort): Promise<void> {
  const bulk = new Map<string, number>();
  let lastBulkAt = 0;
  const server = await listen((req, _body, res) => {
    const id = String(req.headers['x-switchboard-delivery'] ?? '');
    bulk.set(id, (bulk.get(id) ?? 0) + 1);
    lastBulkAt = abs();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });

  /** N notifications in SECONDS; resolves when the last request was answered 202. */
  async function storm(url: string, stormNo: number): Promise<number> {
    const requests = Math.ceil(N / PER_REQUEST);
    const channels = Array.from({ length: PER_REQUEST }, (_, i) => `s${i}`);
    const t0 = abs();
    let inFlight = 0;
    let refused = 0;
    const all: Promise<void>[] = [];
    for (let i = 0; i < requests; i++) {
      await sleepUntil(t0 + (i * SECONDS * 1000) / requests);
      while (inFlight >= MAX_IN_FLIGHT) await new Promise((r) => setTimeout(r, 1));
      inFlight += 1;
      const count = Math.min(PER_REQUEST, N - i * PER_REQUEST);
      all.push(
        (async () => {
          try {
            for (;;) {
              const res = await fetch(`${url}/api/v1/notify`, {
                method: 'POST',
                headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'idempotency-key': `storm-${stormNo}-${i}` },
                body: JSON.stringify({ channels: channels.slice(0, count), message: `storm ${stormNo} request ${i}` }),
              });
              const text = await res.text();
              if (res.status === 202) return;
              if (res.status !== 429) throw new Error(`notify ${i}: ${res.status} ${text}`);
              // backpressure: come back as told
              refused += 1;
              await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
            }
          } finally {
            inFlight -= 1;
          }
        })(),
      );
    }
    await Promise.all(all);
    return refused;
  }

  port.on('message', (m: { type: string; url?: string; stormNo?: number; timeoutMs?: number }) => {
    if (m.type === 'clear') {
      bulk.clear();
      port.postMessage({ type: 'cleared' });
    }
    if (m.type === 'storm') void storm(m.url!, m.stormNo!).then((refused) => port.postMessage({ type: 'pushed', refused }));
    if (m.type === 'wait')
      void (async () => {
        const deadline = abs() + m.timeoutMs!;
        while (bulk.size < N && abs() < deadline) await new Promise((r) => setTimeout(r, 20));
        // late duplicates (a re-run after a stall) would land within a second or two
        await new Promise((r) => setTimeout(r, 1500));
        port.postMessage({ type: 'counts', counts: [...bulk.values()], size: bulk.size, lastBulkAt });
      })();
    if (m.type === 'close') void server.close().then(() => port.close());
  });
  port.postMessage({ type: 'ready', url: server.url });
}

// ---------------------------------------------------------------------------------------------
// main thread: Switchboard alone, and the run

/** The next message of `type` from a thread. */
function next<T>(w: Worker, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: { type: string }) => {
      if (m.type !== type) return;
      w.off('message', on);
      w.off('error', reject);
      resolve(m as T);
    };
    w.on('message', on);
    w.once('error', reject);
  });
}

async function startThread(role: 'client' | 'load'): Promise<{ worker: Worker; url: string }> {
  // a worker thread does not inherit the tsx loader: it registers it, then loads this file
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { role }, argv: process.argv.slice(2) });
  const { url } = await next<{ url: string }>(worker, 'ready');
  return { worker, url };
}

interface World {
  url: string;
  stop(): Promise<void>;
}

async function startWorld(smsUrl: string, bulkUrl: string, env: Record<string, string | undefined>): Promise<World> {
  const prefix = `bench-storm-${process.pid}-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'sb-storm-'));
  for (const [rel, text] of Object.entries(files(prefix, smsUrl, bulkUrl))) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const sb: Switchboard = await startSwitchboard({ configDir: dir, role: 'all', env: { PATH: process.env.PATH, ...env }, port: 0, logDestination: sink });
  return {
    url: `http://127.0.0.1:${sb.port}`,
    async stop() {
      await sb.stop();
      await deletePrefix(prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const r1 = (x: number) => Number(x.toFixed(1));
const summary = (lat: number[]) => ({ p50_ms: r1(percentile(lat, 50)), p99_ms: r1(percentile(lat, 99)), max_ms: r1(Math.max(...lat)), n: lat.length });
type Latencies = { start: number[]; answer: number[]; ingress: number[] };

async function main(): Promise<void> {
  const client = await startThread('client');
  const load = await startThread('load');
  const warmUp = async (w: World) => {
    client.worker.postMessage({ type: 'commands', url: w.url, count: 20 });
    await next<Latencies>(client.worker, 'latencies');
  };

  async function baselineRun() {
    const w = await startWorld(client.url, load.url, {});
    try {
      await warmUp(w);
      client.worker.postMessage({ type: 'commands', url: w.url, count: SECONDS * RATE });
      const l = await next<Latencies>(client.worker, 'latencies');
      return { ...summary(l.answer), webhook_answered: summary(l.ingress) };
    } finally {
      await w.stop();
    }
  }

  async function stormRun(env: Record<string, string>, stormNo: number) {
    const w = await startWorld(client.url, load.url, env);
    try {
      await warmUp(w);
      load.worker.postMessage({ type: 'clear' });
      await next(load.worker, 'cleared');
      const lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      const t0 = abs();
      load.worker.postMessage({ type: 'storm', url: w.url, stormNo });
      client.worker.postMessage({ type: 'commands', url: w.url });
      const latencies = next<Latencies>(client.worker, 'latencies');
      const { refused } = await next<{ refused: number }>(load.worker, 'pushed');
      const pushedAt = abs();
      load.worker.postMessage({ type: 'wait', timeoutMs: 300_000 });
      const counts = await next<{ counts: number[]; size: number; lastBulkAt: number }>(load.worker, 'counts');
      // commands go on for SECONDS at least, and until every notification is in
      await sleepUntil(t0 + SECONDS * 1000);
      client.worker.postMessage({ type: 'stop' });
      const l = await latencies;
      lag.disable();
      return {
        commands: {
          ...summary(l.answer),
          webhook_answered: summary(l.ingress),
          // while the storm is still being pushed (intake and sends together), then while only its backlog drains
          during_push: summary(l.answer.filter((_, i) => l.start[i]! < pushedAt)),
          while_draining: summary(l.answer.filter((_, i) => l.start[i]! >= pushedAt)),
        },
        notifications: {
          pushed_in_s: r1((pushedAt - t0) / 1000),
          sent: N,
          delivered_once: counts.counts.filter((c) => c === 1).length,
          duplicates: counts.counts.reduce((a, c) => a + Math.max(0, c - 1), 0),
          missing: N - counts.size,
          seconds: r1((counts.lastBulkAt - t0) / 1000),
          refused_429: refused,
        },
        switchboard_event_loop_delay_ms: { p50: r1(lag.percentile(50) / 1e6), p99: r1(lag.percentile(99) / 1e6), max: r1(lag.max / 1e6) },
      };
    } finally {
      await w.stop();
    }
  }

  const loadAtStart = loadavg().map(r1);
  const baseline = await baselineRun();
  const after = await stormRun({}, 1);
  const before = WITH_BEFORE ? await stormRun({ SWITCHBOARD_SINGLE_DELIVERY_QUEUE: '1' }, 2) : undefined;
  for (const t of [client, load]) t.worker.postMessage({ type: 'close' });
  const ratio = Number((after.commands.p99_ms / baseline.p99_ms).toFixed(2));
  console.log(
    JSON.stringify({
      bench: 'storm',
      rate_per_sec: RATE,
      storm: { notifications: N, seconds: SECONDS, per_request: PER_REQUEST, via: 'POST /api/v1/notify' },
      commands: after.commands,
      baseline,
      notifications: after.notifications,
      ratio_p99: ratio,
      switchboard_event_loop_delay_ms: after.switchboard_event_loop_delay_ms,
      ...(before && { before_single_queue: before }),
      target: { commands_p99_ms_max: 100, duplicates: 0 },
      meets_target: after.commands.p99_ms < 100 && after.notifications.duplicates === 0 && after.notifications.delivered_once === N,
      load: { at_start: loadAtStart, at_end: loadavg().map(r1) },
      threads: 'Switchboard alone on the main thread; the commands client + fake Twilio, and the storm client + bulk receiver, on two worker threads',
    }),
  );
  process.exit(0);
}

if (isMainThread) await main();
else if ((workerData as { role: string }).role === 'client') await clientThread(parentPort!);
else await loadThread(parentPort!);
