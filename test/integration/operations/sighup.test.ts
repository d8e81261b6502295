/**
 * `switchboard serve` as a real child process: SIGHUP reloads the config folder (with the folder
 * watch off, so only the signal can have done it), and a worker-only process answers its probes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, writeConfigDir } from '../harness.ts';
import { auth, baseFiles, eventually, freePort, mainYaml, waitReady } from './helpers.ts';

const children: ChildProcess[] = [];
const dirs: string[] = [];
const prefix = `sbt-hup-${randomUUID().slice(0, 8)}`;
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await cleanupPrefix('redis://127.0.0.1:6379', prefix);
});

async function serveChild(role: 'all' | 'worker'): Promise<{ child: ChildProcess; url: string; dir: string; output: () => string }> {
  const port = await freePort();
  const files = { ...baseFiles(), 'switchboard.yaml': mainYaml().replace('port: 0', `port: ${port}`) };
  const dir = writeConfigDir({ files });
  dirs.push(dir);
  let out = '';
  const child = spawn(process.execPath, ['bin/switchboard.js', 'serve', '--config', dir, '--role', role], {
    cwd: join(import.meta.dirname, '../../..'),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SB_TEST_PREFIX: prefix,
      SWITCHBOARD_WATCH: 'false',
      SWITCHBOARD_CODE: process.env.SWITCHBOARD_CODE ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, `the ${role} process ready:\n${out}`);
  return { child, url, dir, output: () => out };
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

describe('switchboard serve', () => {
  it('reloads its config on SIGHUP', async () => {
    const { child, url, dir, output } = await serveChild('all');
    const match = async (text: string) => {
      const res = await fetch(`${url}/api/v1/aliases/match`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      return ((await res.json()) as { matched: boolean }).matched;
    };
    expect(await match('goodbye world')).toBe(false);
    writeFileSync(join(dir, 'aliases/ops/goodbye.yaml'), 'name: goodbye\npack: ops\naction_ref: ops.hello\nformats: ["goodbye {{who}}"]\n');
    child.kill('SIGHUP');
    await eventually(async () => ((await match('goodbye world')) ? true : undefined), `the reload after SIGHUP:\n${output()}`);
    expect(output()).toContain('"reason":"SIGHUP"');
    // a broken file: refused, the process keeps serving
    writeFileSync(join(dir, 'aliases/ops/broken.yaml'), 'name: broken\nformats: [\n');
    child.kill('SIGHUP');
    const status = await eventually(async () => {
      const s = (await (await fetch(`${url}/api/v1/config/status`, { headers: auth })).json()) as { ok: boolean; error?: string[] };
      return s.ok ? undefined : s;
    }, 'the refusal');
    expect(status.error?.[0]).toMatch(/^aliases\/ops\/broken\.yaml:\d+:\d+ /);
    expect(await match('goodbye world')).toBe(true);
    expect(await stop(child)).toBe(0);
  }, 60_000);

  it('runs a worker-only process with probes on server.port', async () => {
    const { child, url } = await serveChild('worker');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('switchboard_executions_total');
    expect(await stop(child)).toBe(0);
  }, 60_000);
});
