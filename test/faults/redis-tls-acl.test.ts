/**
 * Redis with TLS and an ACL user, for real: a private `redis-server` speaking only TLS (`port 0`,
 * `tls-port`), its certificate signed by a CA made here with `openssl`, the default user off and a
 * user `sbuser` allowed only the keys and channels of the prefix and no admin or dangerous command
 * beyond the two BullMQ asks for (INFO, CLIENT SETNAME). Switchboard is configured with
 * `redis: { url: rediss://…, username, password, tls: { ca } }`:
 * - gateway and workers run a command end to end (the shell action runs, the record ends
 *   `succeeded`, the notification is delivered), and every key written is under the prefix;
 * - a wrong password stops the start with a message naming the Redis and the user, not the password;
 * - a server certificate the client does not trust (signed by another CA) stops the start with a
 *   message saying so and what to set.
 * And Sentinel with an ACL user on the sentinels themselves (`sentinel_username` +
 * `sentinel_password`, the default user off on them): a command runs end to end; without the user
 * name the start stops with a message saying the sentinels refused, instead of waiting for ever.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpFake, type FakeServer } from '../fakes/http-fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../integration/harness.ts';
import { API_KEY, GROUP, markFiles, startRedisWorld, startSentinelSet } from './redis-topologies.ts';
import { eventually } from './world.ts';

const PREFIX = 'tlsacl';
const USER = 'sbuser';
const PASSWORD = 'tls-acl-user-password-0000000001';
const ADMIN_PASSWORD = 'tls-acl-admin-password-000000001';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function openssl(dir: string, ...args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** a CA (`<name>-ca.crt`) and, signed by it, a certificate for 127.0.0.1 and localhost (`<name>.crt`, `<name>.key`) */
function makeCerts(dir: string, name: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name} test CA`,
    '-keyout',
    `${name}-ca.key`,
    '-out',
    `${name}-ca.crt`,
  );
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', `${name}.key`, '-out', `${name}.csr`);
  writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${name}-ca.crt`,
    '-CAkey',
    `${name}-ca.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  );
}

let dir: string;
let port: number;
let server: ChildProcess | undefined;
let admin: Redis;
let hook: FakeServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-tls-acl-'));
  makeCerts(dir, 'server');
  makeCerts(dir, 'other'); // a CA the server's certificate is not signed by
  port = await freePort();
  const keys = `~{${PREFIX}}* ~${PREFIX}:*`;
  const channels = `&{${PREFIX}}* &${PREFIX}:*`;
  writeFileSync(
    join(dir, 'redis.conf'),
    [
      'port 0',
      `tls-port ${port}`,
      'bind 127.0.0.1',
      `tls-cert-file ${join(dir, 'server.crt')}`,
      `tls-key-file ${join(dir, 'server.key')}`,
      `tls-ca-cert-file ${join(dir, 'server-ca.crt')}`,
      'tls-auth-clients optional',
      'save ""',
      'appendonly no',
      `dir ${dir}`,
      `logfile ${join(dir, 'redis.log')}`,
      'user default off',
      `user ${USER} on >${PASSWORD} resetkeys ${keys} resetchannels ${channels} +@all -@admin -@dangerous +info +client|setname`,
      `user admin on >${ADMIN_PASSWORD} ~* &* +@all`,
      '',
    ].join('\n'),
  );
  server = spawn('redis-server', [join(dir, 'redis.conf')], { stdio: 'ignore' });
  admin = new Redis({
    host: '127.0.0.1',
    port,
    username: 'admin',
    password: ADMIN_PASSWORD,
    tls: { ca: readFileSync(join(dir, 'server-ca.crt')) },
    // reconnects by itself until the server listens
    retryStrategy: () => 100,
  });
  admin.on('error', () => undefined);
  await eventually(() => admin.status === 'ready' && admin.ping(), 'the TLS redis-server to answer', 20_000);
  hook = await startHttpFake(() => ({ status: 200, body: { ok: true } }));
}, 60_000);

afterAll(async () => {
  admin?.disconnect();
  await hook?.close();
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGKILL');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function files(redisYaml: string, marks: string): Record<string, string> {
  return markFiles({ redis: `${redisYaml}, prefix: ${PREFIX}`, more: 'executions: { stalled_interval: 2, shutdown_grace: 1 }', marks, hookUrl: hook.url });
}

const tlsYaml = (ca: string, password = '${REDIS_PASSWORD}') =>
  `url: "rediss://127.0.0.1:${port}", username: ${USER}, password: "${password}", tls: { ca: "${join(dir, ca)}" }`;

/** starts Switchboard, or returns what stopped it */
async function start(yaml: string, marks: string, password: string): Promise<TestSwitchboard | Error> {
  return startTestSwitchboard({ files: files(yaml, marks), env: { REDIS_PASSWORD: password } }).catch((e: Error) => e);
}

async function stopQuietly(t: TestSwitchboard): Promise<void> {
  // not t.stop(): its key cleanup connects without TLS; the admin connection cleans up instead
  await t.sb.stop();
  rmSync(t.dir, { recursive: true, force: true });
}

describe('Redis over TLS with an ACL user', () => {
  it('runs a command end to end, every key under the prefix', async () => {
    const marks = join(dir, 'marks-ok');
    const t = await start(tlsYaml('server-ca.crt'), marks, PASSWORD);
    if (t instanceof Error) throw t;
    try {
      const res = await t.request('/api/v1/commands', {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'mark 7' }),
      });
      expect(res.status).toBe(202);
      const { execution } = (await res.json()) as { execution: { id: string } };
      const rec = await eventually(async () => {
        const r = await t.request(`/api/v1/executions/${execution.id}`, { headers: { authorization: `Bearer ${API_KEY}` } });
        const body = (await r.json()) as { status: string };
        return ['succeeded', 'failed', 'timeout', 'canceled'].includes(body.status) ? body : undefined;
      }, 'the execution to end');
      expect(rec.status).toBe('succeeded');
      expect(readFileSync(marks, 'utf8')).toBe('7\n');
      await eventually(() => hook.requests.some((r) => String(r.parsed?.text ?? '') === 'mark 7 done' && (r.answeredWith ?? 500) < 300), 'the notification');
      // nothing was refused by the ACL on the way, and nothing lives outside the prefix
      const denied = (await admin.call('ACL', 'LOG')) as unknown[][];
      expect(denied.map((entry) => entry.map(String).join(' '))).toEqual([]);
      const keys = await admin.keys('*');
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.filter((k) => !k.startsWith(`{${PREFIX}}`) && !k.startsWith(`${PREFIX}:`))).toEqual([]);
      expect(t.logs.filter((l) => l.includes(PASSWORD))).toEqual([]);
    } finally {
      await stopQuietly(t);
      await admin.call('ACL', 'LOG', 'RESET');
    }
  }, 60_000);

  it('a wrong password stops the start with a clear error that does not show it', async () => {
    const wrong = 'not-the-password-of-sbuser-00001';
    const err = await start(tlsYaml('server-ca.crt'), join(dir, 'marks-wrong'), wrong);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`Redis at rediss://127.0.0.1:${port} refused the credentials of user "${USER}"`);
    expect((err as Error).message).toContain('WRONGPASS');
    expect((err as Error).message).not.toContain(wrong);
    expect((err as { code?: string }).code).toBe('redis_config');
    expect(existsSync(join(dir, 'marks-wrong'))).toBe(false);
  }, 30_000);

  it('a server certificate the client does not trust is refused with a clear error', async () => {
    const err = await start(tlsYaml('other-ca.crt'), join(dir, 'marks-untrusted'), PASSWORD);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(new RegExp(`^TLS to Redis at rediss://127\\.0\\.0\\.1:${port}: the server's certificate is not accepted`));
    expect((err as Error).message).toContain('set redis.tls.ca');
    expect((err as Error).message).not.toContain(PASSWORD);
    expect((err as { code?: string }).code).toBe('redis_config');
  }, 30_000);
});

describe('Redis Sentinel with an ACL user on the sentinels', () => {
  it('asks the sentinels as that user (sentinel_username, sentinel_password) and runs a command', async () => {
    const sentinelAuth = { username: 'sentinel-client', password: 'sentinel-acl-password-000000001' };
    const set = await startSentinelSet({ sentinelAuth });
    try {
      const sentinels = set.sentinels.map((x) => `{ host: "${x.host}", port: ${x.port} }`).join(', ');
      const w = await startRedisWorld(
        `sentinels: [${sentinels}], name: ${GROUP}, sentinel_username: ${sentinelAuth.username}, sentinel_password: "${sentinelAuth.password}"`,
      );
      try {
        const res = await w.submit(1);
        expect(res.status).toBe(202);
        await eventually(() => (w.runs().includes('1') ? true : undefined), 'the command to run');
        expect(w.runs()).toEqual(['1']);
        expect(w.t.logs.filter((l) => l.includes(sentinelAuth.password))).toEqual([]);
      } finally {
        await w.stop();
      }
      // without the user (the default user is off on the sentinels): a clear stop, not a hang
      const err = await startTestSwitchboard({
        files: files(`sentinels: [${sentinels}], name: ${GROUP}, sentinel_password: "${sentinelAuth.password}"`, join(dir, 'marks-sentinel')),
      }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(
        /^the sentinels of sentinel sbmaster via .* refused the default user \(WRONGPASS\); check redis\.sentinel_username/,
      );
      expect((err as Error).message).not.toContain(sentinelAuth.password);
    } finally {
      await set.stop();
    }
  }, 60_000);
});
