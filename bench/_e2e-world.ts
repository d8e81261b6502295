/**
 * Shared by `bench/e2e.ts` and `bench/soak.ts`: a whole Switchboard (`startSwitchboard`, role `all`)
 * over a temporary config folder, a local HTTP receiver standing in for two webhook sinks, and a
 * client that sends commands through signed Twilio webhooks and the JSON API and times each one
 * from its request to the last of its two deliveries received.
 *
 * The config: one alias `bench {{n}}` -> `core.echo` (an instant builtin), no ack and no result
 * reply, `on_success` notifying channel names `a` and `b`, each routed by a rule to a `webhook`
 * channel (`hook-a`, `hook-b`) posting to the receiver (`/a`, `/b`). So every command is exactly one
 * execution and two deliveries.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import twilio from 'twilio';
import { Redis } from 'ioredis';
import { startSwitchboard, type Switchboard } from '../src/main.ts';

export const REDIS_URL = 'redis://127.0.0.1:6379';
export const AUTH_TOKEN = 'bench-twilio-auth-token';
export const PUBLIC_URL = 'https://sb.bench.local';
export const SMS_URL = `${PUBLIC_URL}/ingress/twilio/sms`;
export const OUR_NUMBER = '+15550009999';
export const API_KEY = 'bench-api-key-0000000000000001';
/** senders: one phone per user so the per-sender limit is never the bottleneck */
export const USERS = 16;
export const phoneOf = (u: number) => `+1555300${String(u).padStart(4, '0')}`;

/**
 * A receiver that records, per command key (the `n` of `bench n`, read from the delivered text),
 * how many deliveries arrived and when the last one did. Deliveries may arrive before the
 * command's HTTP answer, so arrivals are kept by key and matched when the client asks.
 */
export interface Receiver {
  url: string;
  /** total POSTs received */
  count(): number;
  /** resolves with the time (performance.now()) the `n`-th delivery of command `key` arrived */
  waitFor(key: string, n: number): Promise<number>;
  /** forget a command once measured (bounded memory in the soak) */
  forget(key: string): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const seen = new Map<string, { n: number; last: number }>();
  const waiters = new Map<string, { n: number; resolve: (t: number) => void }>();
  let total = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      total += 1;
      let id = '';
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: string };
        id = /^bench (\d+) done/.exec(body.text ?? '')?.[1] ?? '';
      } catch {
        return;
      }
      const now = performance.now();
      const s = seen.get(id) ?? { n: 0, last: 0 };
      s.n += 1;
      s.last = now;
      seen.set(id, s);
      const w = waiters.get(id);
      if (w && s.n >= w.n) {
        waiters.delete(id);
        w.resolve(now);
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    count: () => total,
    waitFor(id, n) {
      const s = seen.get(id);
      if (s && s.n >= n) return Promise.resolve(s.last);
      return new Promise((resolve) => waiters.set(id, { n, resolve }));
    },
    forget: (id) => void seen.delete(id),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The config folder files for a Switchboard notifying the receiver at `hookUrl`. */
export function e2eFiles(prefix: string, hookUrl: string, concurrency: number): Record<string, string> {
  const users = Array.from({ length: USERS }, (_, u) => `  u${u}: { roles: [ops], phone: "${phoneOf(u)}" }`).join('\n');
  return {
    'switchboard.yaml': `
server: { port: 0, public_url: "${PUBLIC_URL}" }
redis: { url: "${REDIS_URL}", prefix: "${prefix}", start_local: false }
users:
${users}
api_keys:
  - { name: bench, key: "${API_KEY}", user: u0 }
executions: { concurrency: ${concurrency} }
limits: { per_sender_per_minute: 1000000, per_key_per_minute: 1000000 }
logging: { level: warn }
`,
    'channels/sms.yaml': `
name: sms
kind: sms
account_sid: AC${'b'.repeat(32)}
auth_token: ${AUTH_TOKEN}
from: "${OUR_NUMBER}"
api_url: http://127.0.0.1:9/
`,
    'channels/hook-a.yaml': `name: hook-a\nkind: webhook\nurl: ${hookUrl}/a\n`,
    'channels/hook-b.yaml': `name: hook-b\nkind: webhook\nurl: ${hookUrl}/b\n`,
    'rules/bench.yaml': `
rules:
  - { name: a, channel: [a], to: [{ channel: hook-a }] }
  - { name: b, channel: [b], to: [{ channel: hook-b }] }
`,
    'aliases/bench.yaml': `
name: bench
pack: bench
action_ref: core.echo
formats: ["bench {{n}}"]
ack: { enabled: false }
result: { enabled: false }
notify: { on_success: { message: "bench {{ params.n }} done", channels: [a, b] } }
`,
  };
}

export interface World {
  sb: Switchboard;
  url: string;
  receiver: Receiver;
  /** sends command `bench i` (odd i: signed Twilio webhook, even: JSON API); resolves with its key `String(i)`
   * (the receiver keys deliveries by the `n` in their text: the TwiML answer carries no id when ack is off) */
  send(i: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startWorld(opts: { concurrency: number; receiver?: Receiver; logs?: string[] }): Promise<World> {
  const receiver = opts.receiver ?? (await startReceiver());
  const prefix = `bench-e2e-${process.pid}-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  for (const [rel, text] of Object.entries(e2eFiles(prefix, receiver.url, opts.concurrency))) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const logs = opts.logs;
  const destination = new Writable({
    write(chunk, _e, cb) {
      if (logs && logs.length < 1000) logs.push(String(chunk));
      cb();
    },
  });
  const sb = await startSwitchboard({ configDir: dir, role: 'all', env: { PATH: process.env.PATH }, port: 0, logDestination: destination });
  const url = `http://127.0.0.1:${sb.port}`;

  async function send(i: number): Promise<string> {
    if (i % 2 === 1) {
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const form = {
        MessageSid: sid,
        SmsMessageSid: sid,
        AccountSid: `AC${'b'.repeat(32)}`,
        From: phoneOf(i % USERS),
        To: OUR_NUMBER,
        Body: `bench ${i}`,
        NumMedia: '0',
      };
      const res = await fetch(`${url}/ingress/twilio/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, SMS_URL, form) },
        body: new URLSearchParams(form).toString(),
      });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`sms command ${i}: ${res.status} ${body}`);
      return String(i);
    }
    const res = await fetch(`${url}/api/v1/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: `bench ${i}` }),
    });
    const body = (await res.json()) as { execution?: { id: string } };
    if (res.status !== 202 || !body.execution) throw new Error(`api command ${i}: ${res.status} ${JSON.stringify(body)}`);
    return String(i);
  }

  return {
    sb,
    url,
    receiver,
    send,
    async stop() {
      await sb.stop();
      if (!opts.receiver) await receiver.close();
      await deletePrefix(prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    for (const pattern of [`{${prefix}}*`, `${prefix}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

/** `lanes` closed loops, each sending one command and waiting for its last delivery before the next. */
export async function closedLoop(opts: {
  lanes: number;
  total: number;
  send: (i: number) => Promise<string>;
  receiver: Receiver;
  perCommand: number;
}): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < opts.total) {
      const i = next++;
      const start = performance.now();
      const id = await opts.send(i);
      const last = await opts.receiver.waitFor(id, opts.perCommand);
      latencies.push(last - start);
      opts.receiver.forget(id);
    }
  };
  await Promise.all(Array.from({ length: opts.lanes }, lane));
  return { seconds: (performance.now() - t0) / 1000, latencies };
}

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
