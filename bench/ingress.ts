/**
 * `npm run bench -- ingress [requests] [concurrency]`: signed Twilio inbound-SMS webhooks per second
 * through the gateway route (`POST /ingress/twilio/sms`: signature check against the public URL,
 * reply cache, rate limit, identity, alias match, authorization, execution record + BullMQ job,
 * TwiML), beside a bare Hono route that parses the same form and answers the same TwiML, in the
 * same run. Both are served by @hono/node-server on 127.0.0.1 and driven by the same keep-alive
 * client running in a worker thread (so the client's CPU is not the server's). Bodies and
 * signatures are prepared before timing. Rounds alternate bare/gateway; medians are reported.
 * Also reported: the server thread's busy time per request (event-loop utilisation), which a
 * loaded machine distorts less than requests per second. Prints one JSON object. Target: ratio >= 0.5.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import twilio from 'twilio';
import { compileAliases } from '../src/aliases/index.ts';
import { createApp } from '../src/app.ts';
import { runCommand } from '../src/commands/run-command.ts';
import { loadConfigOrThrow, toAliasSpecs } from '../src/config/index.ts';
import { createDeliveryService } from '../src/deliveries/service.ts';
import { producerConnection } from '../src/executions/redis.ts';
import { createExecutionService } from '../src/executions/service.ts';
import { twimlMessage } from '../src/providers/sms/twiml.ts';
import { twilioSmsIngress } from '../src/providers/sms/inbound.ts';
import { silentLogger } from '../src/log.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const N = Number(process.argv[3] ?? 4000);
const CONCURRENCY = Number(process.argv[4] ?? 64);
const ROUNDS = 5;
const TOKEN = 'bench-auth-token';
const PUBLIC_URL = 'https://sb.example.com';
const SIGNED_URL = `${PUBLIC_URL}/ingress/twilio/sms`;
const FROM = '+15551230001';
const TO = '+15550001111';
const ACCOUNT = `AC${'0'.repeat(32)}`;

// ---------------------------------------------------------------- config: 200 aliases, one sms channel
const prefix = `bench-ingress-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'sb-bench-ingress-'));
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
};
write(
  'switchboard.yaml',
  `
server: { port: 0, public_url: "${PUBLIC_URL}" }
redis: { url: "${REDIS_URL}", prefix: "${prefix}", start_local: false }
users:
  alice: { roles: [ops], phone: "${FROM}" }
limits: { per_sender_per_minute: 100000000 }
logging: { level: silent }
`,
);
write('channels/sms.yaml', `name: sms\nkind: sms\naccount_sid: ${ACCOUNT}\nauth_token: ${TOKEN}\nfrom: "${TO}"\n`);
write('actions/restart.yaml', `name: ops.restart\nrunner: shell\ncommand: [echo, "{{ service }}"]\nparameters:\n  service: { type: string, required: true }\n`);
const verbs = ['restart', 'deploy', 'drain', 'scale', 'flush', 'rotate', 'backup', 'check', 'purge', 'sync'];
for (let i = 0; i < 200; i++) {
  const verb = verbs[i % verbs.length]!;
  write(`aliases/ops/a${i}.yaml`, `name: a${i}\npack: ops\naction_ref: ops.restart\nformats: ["${verb} cluster${i} {{service}}"]\nallow: [ops]\n`);
}

const config = await loadConfigOrThrow(dir, { env: { PATH: process.env.PATH } });
const { matcher } = compileAliases(toAliasSpecs(config));
// one producer connection shared by the services and the ingress, as `serve` does (src/runtime/generation.ts)
const redis = producerConnection(REDIS_URL);
await new Promise((r) => redis.once('ready', r));
const executions = createExecutionService({ config, logger: silentLogger, connection: redis });
const deliveries = createDeliveryService({ config, logger: silentLogger, connection: redis });
await executions.ping();

const gatewayApp = createApp({ config, matcher, executions, deliveries, logger: silentLogger });
gatewayApp.route(
  '/ingress',
  twilioSmsIngress.routes({
    config,
    matcher,
    executions,
    deliveries,
    logger: silentLogger,
    redis,
    now: () => Date.now(),
    runCommand: (input) => runCommand({ config, matcher, executions, deliveries, logger: silentLogger }, input),
  }),
);

// the baseline: parse the same form, answer the same TwiML, nothing else
const ACK = twimlMessage('Queued 0123456789abcdef: ops.a7');
const bareApp = new Hono();
bareApp.post('/ingress/twilio/sms', async (c) => {
  const form = new URLSearchParams(await c.req.text());
  return c.body(form.get('MessageSid') ? ACK : twimlMessage(''), 200, { 'Content-Type': 'text/xml; charset=utf-8' });
});

const listen = (app: Hono) =>
  new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
const portOf = (s: ServerType) => (s.address() as { port: number }).port;

// ---------------------------------------------------------------- signed bodies, made before timing
let seq = 0;
const runId = randomUUID().replace(/-/g, '').slice(0, 8);
function signedRequests(n: number): { body: string; signature: string }[] {
  return Array.from({ length: n }, () => {
    const sid = `SM${runId}${(seq++).toString(16).padStart(24, '0')}`;
    const i = seq % 200;
    const params = {
      MessageSid: sid,
      SmsSid: sid,
      SmsMessageSid: sid,
      AccountSid: ACCOUNT,
      From: FROM,
      To: TO,
      Body: `${verbs[i % verbs.length]} cluster${i} web-${seq}`,
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
      FromCountry: 'US',
      ToCountry: 'US',
    };
    return { body: new URLSearchParams(params).toString(), signature: twilio.getExpectedTwilioSignature(TOKEN, SIGNED_URL, params) };
  });
}

// ---------------------------------------------------------------- the client: keep-alive, bounded, loopback
const clientCode = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, requests, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
let next = 0, ok = 0, bad = 0;
function one(r) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/ingress/twilio/sms', agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(r.body), 'x-twilio-signature': r.signature } },
      (res) => { let text = ''; res.setEncoding('utf8'); res.on('data', (d) => { text += d; });
        res.on('end', () => { if (res.statusCode === 200 && text.includes('<Message>Queued ')) ok++; else bad++; resolve(); }); });
    req.on('error', () => { bad++; resolve(); });
    req.end(r.body);
  });
}
async function lane() { while (next < requests.length) await one(requests[next++]); }
(async () => {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  parentPort.postMessage({ ms: performance.now() - t0, ok, bad });
  agent.destroy();
})();
`;

interface Round {
  rps: number;
  /** the server thread's busy time per request (event-loop utilisation), µs */
  busyUs: number;
  ok: number;
  bad: number;
}

async function drive(port: number, n: number): Promise<Round> {
  const requests = signedRequests(n);
  const worker = new Worker(clientCode, { eval: true, workerData: { port, requests, concurrency: CONCURRENCY } });
  const elu0 = performance.eventLoopUtilization();
  const r = await new Promise<{ ms: number; ok: number; bad: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const elu = performance.eventLoopUtilization(elu0);
  await worker.terminate();
  return { rps: (n / r.ms) * 1000, busyUs: (elu.active * 1000) / n, ok: r.ok, bad: r.bad };
}

const bareServer = await listen(bareApp);
const gatewayServer = await listen(gatewayApp);
try {
  // warm up both (JIT, Lua script loading, connections), then alternate rounds
  for (let i = 0; i < 2; i++) {
    await drive(portOf(bareServer), Math.min(2000, N));
    const warm = await drive(portOf(gatewayServer), Math.min(2000, N));
    if (warm.bad > 0) throw new Error(`gateway answered ${warm.bad} warm-up requests with something other than "Queued"`);
  }
  const bare: Round[] = [];
  const gateway: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await drive(portOf(bareServer), N));
    const g = await drive(portOf(gatewayServer), N);
    if (g.bad > 0) throw new Error(`gateway answered ${g.bad} requests with something other than "Queued"`);
    gateway.push(g);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratio = median(gateway.map((g, i) => g.rps / bare[i]!.rps));
  const busyRatio = median(gateway.map((g, i) => bare[i]!.busyUs / g.busyUs));
  console.log(
    JSON.stringify({
      bench: 'ingress',
      what: 'signed Twilio SMS webhooks per second over HTTP keep-alive (loopback): gateway route vs bare Hono form+TwiML route',
      requests_per_round: N,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      aliases: config.aliases.length,
      bare_rps: Math.round(median(bare.map((r) => r.rps))),
      gateway_rps: Math.round(median(gateway.map((r) => r.rps))),
      ratio: Number(ratio.toFixed(3)),
      target_ratio: 0.5,
      meets_target: ratio >= 0.5,
      server_busy_us_per_request: { bare: Math.round(median(bare.map((r) => r.busyUs))), gateway: Math.round(median(gateway.map((r) => r.busyUs))) },
      busy_ratio: Number(busyRatio.toFixed(3)),
      load_average_1m: Number(loadavg()[0]!.toFixed(2)),
      cpus: cpus().length,
      per_round_rps: { bare: bare.map((r) => Math.round(r.rps)), gateway: gateway.map((r) => Math.round(r.rps)) },
    }),
  );
} finally {
  await new Promise((r) => bareServer.close(r));
  await new Promise((r) => gatewayServer.close(r));
  await executions.close();
  await deliveries.close();
  redis.disconnect();
  const cleaner = new Redis(REDIS_URL);
  for (const pattern of [`{${prefix}}*`, `${prefix}:*`]) {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await cleaner.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length) await cleaner.del(...keys);
    } while (cursor !== '0');
  }
  cleaner.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
