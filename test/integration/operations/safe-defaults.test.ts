/**
 * Safe defaults, as `switchboard serve` runs (real child processes, bin/switchboard.js): off
 * loopback it refuses to start with the example's development key, a short key or a clear-text
 * password (exit 4, one line each); a good config starts on 0.0.0.0, and its /metrics (gateway and
 * worker-only) asks for `server.metrics_token`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/auth/password-hash.ts';
import { cleanupPrefix, startTestSwitchboard, writeConfigDir } from '../harness.ts';
import { baseFiles, freePort, waitReady } from './helpers.ts';

const root = join(import.meta.dirname, '../../..');
const prefix = `sbt-safe-${randomUUID().slice(0, 8)}`;
const GOOD_KEY = 'safe-defaults-test-key-000000000000000001';
const METRICS_TOKEN = 'safe-defaults-metrics-token-0000000000001';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await cleanupPrefix('redis://127.0.0.1:6379', prefix);
});

function serve(args: string[], env: Record<string, string>) {
  let out = '';
  const child = spawn(process.execPath, ['bin/switchboard.js', 'serve', ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SB_TEST_PREFIX: prefix,
      SWITCHBOARD_WATCH: 'false',
      SWITCHBOARD_CODE: process.env.SWITCHBOARD_CODE ?? '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

const mainYaml = (port: number, users: string, keys: string) => `
server: { port: ${port}, host: 0.0.0.0, metrics_token: "${METRICS_TOKEN}" }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
${users}
api_keys:
${keys}
executions: { stalled_interval: 5, shutdown_grace: 2 }
logging: { level: info }
`;

/** bin/healthcheck.js (the Dockerfile's HEALTHCHECK) against a config folder: its exit code */
const healthcheck = (dir: string) =>
  new Promise<number | null>((resolve) => {
    const c = spawn(process.execPath, ['bin/healthcheck.js'], {
      cwd: root,
      env: { PATH: process.env.PATH, SWITCHBOARD_CONFIG: dir, SWITCHBOARD_CODE: process.env.SWITCHBOARD_CODE ?? '' },
      stdio: 'ignore',
    });
    c.once('exit', (code) => resolve(code));
  });

function configDir(yaml: string): string {
  const dir = writeConfigDir({ files: { ...baseFiles(), 'switchboard.yaml': yaml } });
  dirs.push(dir);
  return dir;
}

describe('switchboard serve off loopback', () => {
  it('refuses to start on 0.0.0.0 with the example config and its development key (exit 4, which key and how to fix it)', async () => {
    const port = await freePort();
    // the repository's own example config, as the container ran it before: SB_HOST=0.0.0.0, no SB_API_KEY
    const { exited, output } = serve(['--config', '.'], { SB_HOST: '0.0.0.0', PORT: String(port) });
    expect(await exited).toBe(4);
    const lines = output().trim().split('\n');
    expect(lines[0]).toBe(
      'refusing to listen on 0.0.0.0 (not loopback): api key "local" is the example\'s published development key: set SB_API_KEY (or the key) to a random value of 32+ characters, e.g. `openssl rand -base64 32`',
    );
    expect(output()).not.toContain('switchboard listening');
    expect(
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status,
        () => 0,
      ),
    ).toBe(0);
  }, 30_000);

  it('names every short key and clear-text password, one line each, and never their values', async () => {
    const port = await freePort();
    const dir = configDir(
      mainYaml(
        port,
        '  alice: { roles: [ops], password: "alice-clear-pw-1" }\n  bob: { roles: [] }',
        `  - { name: short, key: "short-key-0123456789", user: alice }`,
      ),
    );
    const { exited, output } = serve(['--config', dir], {});
    expect(await exited).toBe(4);
    expect(output()).toContain('refusing to listen on 0.0.0.0 (not loopback): api key "short" is shorter than 32 characters');
    expect(output()).toContain(
      'refusing to listen on 0.0.0.0 (not loopback): user "alice" has a clear-text password: replace `password:` with `password_hash:`',
    );
    for (const secret of ['alice-clear-pw-1', 'short-key-0123456789']) expect(output()).not.toContain(secret);
  }, 30_000);

  it('starts on 0.0.0.0 with a long key and a password_hash, and its /metrics asks for the token', async () => {
    const port = await freePort();
    const hash = await hashPassword('alice-pw', { N: 1024, r: 8, p: 1 });
    const dir = configDir(mainYaml(port, `  alice: { roles: [ops], password_hash: "${hash}" }`, `  - { name: ops, key: "${GOOD_KEY}", user: alice }`));
    const { child, exited, output } = serve(['--config', dir], {});
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, `the gateway ready:\n${output()}`);
    expect(output()).toContain('switchboard listening on http://0.0.0.0:');
    expect((await fetch(`${url}/api/v1/executions`, { headers: { authorization: `Bearer ${GOOD_KEY}` } })).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    // the container's HEALTHCHECK finds the configured port (wildcard host -> loopback)
    expect(await healthcheck(dir)).toBe(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await healthcheck(dir)).toBe(1);
  }, 60_000);

  it('asks for the metrics token on a worker-only process too', async () => {
    const port = await freePort();
    const dir = configDir(mainYaml(port, '  alice: { roles: [ops] }', `  - { name: ops, key: "${GOOD_KEY}", user: alice }`));
    const { child, exited, output } = serve(['--config', dir, '--role', 'worker'], {});
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, `the worker ready:\n${output()}`);
    const refused = await fetch(`${url}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('Bearer');
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('switchboard_');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('refuses a hot reload that would bring a short key to a server listening off loopback, and keeps serving', async () => {
    const yaml = (key: string) => mainYaml(0, '  alice: { roles: [ops] }', `  - { name: ops, key: "${key}", user: alice }`);
    const t = await startTestSwitchboard({ files: { ...baseFiles(), 'switchboard.yaml': yaml(GOOD_KEY) } });
    try {
      writeFileSync(join(t.dir, 'switchboard.yaml'), yaml('short-key-0123456789'));
      const status = await t.sb.reload('test');
      expect(status.ok).toBe(false);
      expect(status.error?.[0]).toMatch(
        /^could not apply the config: refusing to listen on 0\.0\.0\.0 \(not loopback\): api key "ops" is shorter than 32 characters/,
      );
      expect(status.error?.join('\n')).not.toContain('short-key-0123456789');
      expect((await t.request('/api/v1/executions', { headers: { authorization: `Bearer ${GOOD_KEY}` } })).status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});
