/**
 * Dashboard accounts and sessions against real Redis: password_hash logins, sessions that end
 * server-side (logout, a changed password_hash or a removed user on reload, a rotated API key), the
 * session secret generated once into the data folder and reused, the login throttle per (account,
 * address) with trusted proxies, the security headers on /login, and the /metrics bearer token.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/auth/password-hash.ts';
import { startSwitchboard } from '../../../src/main.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { baseFiles } from '../operations/helpers.ts';

const API_KEY = 'sessions-test-api-key-0000000000000001';
const ROTATED_KEY = 'sessions-test-api-key-0000000000000002';
const METRICS_TOKEN = 'metrics-token-for-the-sessions-test-0001';
const fast = { N: 1024, r: 8, p: 1 };

const mainYaml = (h: { alice: string; bob?: string; key?: string }) => `
server: { port: 0, metrics_token: "${METRICS_TOKEN}", trusted_proxies: [127.0.0.1] }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], password_hash: "${h.alice}" }
${h.bob ? `  bob: { roles: [], password_hash: "${h.bob}" }` : ''}
api_keys:
  - { name: web, key: "${h.key ?? API_KEY}", user: alice }
executions: { stalled_interval: 5, shutdown_grace: 2 }
logging: { level: warn }
`;

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const cookieOf = (res: Response) => /^(sb_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];

describe('dashboard sessions', () => {
  let t: TestSwitchboard;
  let hashes: { alice: string; bob: string; alice2: string };

  const login = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    t.request('/login', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.url, ...headers },
      body: form(fields),
    });
  /** 200 with a live session; the login redirect otherwise */
  const home = async (cookie: string) => (await t.request('/', { redirect: 'manual', headers: { cookie } })).status;
  const logout = (cookie: string) => t.request('/logout', { method: 'POST', redirect: 'manual', headers: { cookie, origin: t.url } });
  async function sessionKeys(): Promise<string[]> {
    const redis = new Redis(t.sb.config.main.redis.url);
    try {
      return await redis.keys(`{${t.prefix}}:session:*`);
    } finally {
      redis.disconnect();
    }
  }
  async function reloadWith(yaml: string) {
    writeFileSync(join(t.dir, 'switchboard.yaml'), yaml);
    const status = await t.sb.reload('test');
    expect(status.ok, JSON.stringify(status)).toBe(true);
  }

  beforeAll(async () => {
    hashes = { alice: await hashPassword('alice-pw-1', fast), bob: await hashPassword('bob-pw-1', fast), alice2: await hashPassword('alice-pw-2', fast) };
    t = await startTestSwitchboard({ files: { ...baseFiles(), 'switchboard.yaml': mainYaml(hashes) }, env: {} });
  });
  afterAll(() => t?.stop());

  it('logs in with a password_hash, and refuses the wrong password', async () => {
    const ok = await login({ user: 'alice', password: 'alice-pw-1' });
    expect(ok.status).toBe(303);
    expect(await home(cookieOf(ok) ?? '')).toBe(200);
    const wrong = await login({ user: 'alice', password: 'alice-pw-2' });
    expect(wrong.status).toBe(401);
    expect(cookieOf(wrong)).toBeUndefined();
  });

  it('keeps the session in Redis under a hash of its id, never the id itself', async () => {
    const cookie = cookieOf(await login({ user: 'bob', password: 'bob-pw-1' })) ?? '';
    const id = cookie.slice('sb_session='.length).split('.')[0]!;
    const keys = await sessionKeys();
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).not.toContain(id);
  });

  it('ends the session server-side on logout: the old cookie is refused afterwards', async () => {
    const cookie = cookieOf(await login({ user: 'alice', password: 'alice-pw-1' })) ?? '';
    const before = (await sessionKeys()).length;
    expect(await home(cookie)).toBe(200);
    const out = await logout(cookie);
    expect(out.status).toBe(303);
    expect((await sessionKeys()).length).toBe(before - 1);
    // a client that kept the cookie gets nothing for it
    expect(await home(cookie)).toBe(302);
    expect((await t.request('/ui/api/executions', { headers: { cookie } })).status).toBe(401);
  });

  it('ends sessions when a password_hash changes, a user is removed or an API key is rotated, on reload', async () => {
    const alice = cookieOf(await login({ user: 'alice', password: 'alice-pw-1' })) ?? '';
    const bob = cookieOf(await login({ user: 'bob', password: 'bob-pw-1' })) ?? '';
    const byKey = cookieOf(await login({ api_key: API_KEY })) ?? '';
    for (const c of [alice, bob, byKey]) expect(await home(c)).toBe(200);

    // alice's password changes: her password session ends, bob's and the key's stay
    await reloadWith(mainYaml({ alice: hashes.alice2, bob: hashes.bob }));
    expect(await home(alice)).toBe(302);
    expect(await home(bob)).toBe(200);
    expect(await home(byKey)).toBe(200);
    expect((await login({ user: 'alice', password: 'alice-pw-1' })).status).toBe(401);
    const fresh = cookieOf(await login({ user: 'alice', password: 'alice-pw-2' })) ?? '';
    expect(await home(fresh)).toBe(200);

    // bob is removed and the key rotated: both sessions end; alice's new one stays
    await reloadWith(mainYaml({ alice: hashes.alice2, key: ROTATED_KEY }));
    expect(await home(bob)).toBe(302);
    expect(await home(byKey)).toBe(302);
    expect(await home(fresh)).toBe(200);

    await reloadWith(mainYaml(hashes));
  });

  it('generates the session secret once into the data folder (0600), and a restart accepts the same cookies', async () => {
    const path = join(t.dir, '.switchboard', 'session-secret');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const secret = readFileSync(path, 'utf8').trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = cookieOf(await login({ user: 'bob', password: 'bob-pw-1' })) ?? '';
    // a second process on the same folder and Redis: it reads the same secret and knows the session
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, SB_TEST_PREFIX: t.prefix };
    const second = await startSwitchboard({ configDir: t.dir, role: 'gateway', env, port: 0, logDestination: sink, watch: false });
    try {
      const res = await fetch(`http://127.0.0.1:${second.port}/`, { redirect: 'manual', headers: { cookie } });
      expect(res.status).toBe(200);
      expect(readFileSync(path, 'utf8').trim()).toBe(secret);
    } finally {
      await second.stop();
    }
  });

  it('signs with server.session_secret when set: cookies signed with the generated one end', async () => {
    const cookie = cookieOf(await login({ user: 'bob', password: 'bob-pw-1' })) ?? '';
    expect(await home(cookie)).toBe(200);
    await reloadWith(mainYaml(hashes).replace('server: {', 'server: { session_secret: "a-configured-session-secret-of-40-chars!",'));
    expect(await home(cookie)).toBe(302);
    const again = cookieOf(await login({ user: 'bob', password: 'bob-pw-1' })) ?? '';
    expect(await home(again)).toBe(200);
    await reloadWith(mainYaml(hashes));
  });

  it('sends the security headers on /login, its refusals included', async () => {
    for (const res of [await t.request('/login'), await login({ user: 'nobody', password: 'x' })]) {
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('throttles failed logins per (account, address): others still log in from the same address', async () => {
    for (let i = 0; i < 10; i++) expect((await login({ user: 'mallory', password: `guess-${i}` })).status).toBe(401);
    expect((await login({ user: 'mallory', password: 'guess-x' })).status).toBe(429);
    // the same address, another account: not locked out
    expect((await login({ user: 'bob', password: 'bob-pw-1' })).status).toBe(303);
    expect((await login({ api_key: API_KEY })).status).toBe(303);
  });

  it('believes X-Forwarded-For from a trusted proxy only, taking the rightmost untrusted hop', async () => {
    // the gateway sees 127.0.0.1, listed in trusted_proxies: each forwarded address has its own bucket
    const via = (ip: string) => ({ 'x-forwarded-for': `198.51.100.77, ${ip}` });
    for (let i = 0; i < 10; i++) expect((await login({ user: 'alice', password: `nope-${i}` }, via('203.0.113.1'))).status).toBe(401);
    expect((await login({ user: 'alice', password: 'alice-pw-1' }, via('203.0.113.1'))).status).toBe(429);
    // another client behind the same proxy logs in as alice; a client-written leftmost hop changes nothing
    expect((await login({ user: 'alice', password: 'alice-pw-1' }, via('203.0.113.2'))).status).toBe(303);
    expect((await login({ user: 'alice', password: 'alice-pw-1' }, { 'x-forwarded-for': '203.0.113.2, 203.0.113.1' })).status).toBe(429);
  });

  it('asks for the metrics token on /metrics, and leaves the probes open', async () => {
    expect((await t.request('/metrics')).status).toBe(401);
    expect((await t.request('/metrics', { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
    expect((await t.request('/metrics', { headers: { authorization: `Basic ${METRICS_TOKEN}` } })).status).toBe(401);
    const ok = await t.request('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('switchboard_commands_total');
    expect((await t.request('/healthz')).status).toBe(200);
    expect((await t.request('/readyz')).status).toBe(200);
  });
});
