/**
 * `switchboard serve` as a real process (bin/switchboard.js): SIGTERM and SIGINT end it within
 * `executions.shutdown_grace` (+ the stop margin) even when its Redis answers nothing or is gone,
 * and a busy port, an unreadable config folder or a missing switchboard.yaml is one line on stderr
 * (no stack) with its own exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STOP_MARGIN_SECONDS } from '../../../src/runtime/lifecycle.ts';
import { EXIT_CODES } from '../../../src/runtime/startup-errors.ts';
import { startOwnRedis, type OwnRedis } from '../../faults/redis-server.ts';
import { writeConfigDir } from '../harness.ts';
import { baseFiles, eventually, mainYaml } from '../operations/helpers.ts';

const ROOT = join(import.meta.dirname, '../../..');
/** executions.shutdown_grace in helpers.ts mainYaml() */
const GRACE = 2;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const f of cleanups.reverse()) await f();
});

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; at: number }>;
  stdout: () => string;
  stderr: () => string;
}

function serve(configDir: string, options: { uid?: number } = {}): Run {
  let out = '';
  let err = '';
  const child = spawn(process.execPath, ['bin/switchboard.js', 'serve', '--config', configDir], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SB_TEST_PREFIX: 'sbt-life',
      SWITCHBOARD_WATCH: 'false',
      SWITCHBOARD_CODE: process.env.SWITCHBOARD_CODE ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined && { uid: options.uid, gid: options.uid }),
  });
  children.push(child);
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
  return { child, exited, stdout: () => out, stderr: () => err };
}

/** A config folder whose Redis is `redisUrl` and whose gateway listens on `port`. */
function configFor(redisUrl: string, port: number): string {
  const files = baseFiles();
  files['switchboard.yaml'] = mainYaml().replace('port: 0', `port: ${port}`).replace('redis: { prefix:', `redis: { url: "${redisUrl}", prefix:`);
  const dir = writeConfigDir({ files });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function readyServe(): Promise<{ run: Run; redis: OwnRedis }> {
  const redis = await startOwnRedis();
  cleanups.push(() => redis.destroy());
  const port = await freePort();
  const run = serve(configFor(redis.url, port));
  await eventually(
    async () =>
      (await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      )) === 200
        ? true
        : undefined,
    `serve ready:\n${run.stdout()}${run.stderr()}`,
    600,
  );
  return { run, redis };
}

/** The bound the issue sets: the grace and the stop margin, plus a generous allowance for a loaded machine. */
const BOUND_MS = (GRACE + STOP_MARGIN_SECONDS + 10) * 1000;

describe('serve stops within the shutdown grace', () => {
  it('on SIGTERM while its Redis answers nothing (SIGSTOP)', async () => {
    const { run, redis } = await readyServe();
    redis.pause();
    const sent = Date.now();
    run.child.kill('SIGTERM');
    const { code, at } = await run.exited;
    expect(at - sent).toBeLessThan(BOUND_MS);
    expect(run.stdout()).toContain('"signal":"SIGTERM"');
    // it could not close its connections to a hung Redis: it ended anyway, and said so
    expect(code).toBe(1);
    expect(run.stdout()).toMatch(/shutdown took longer than executions\.shutdown_grace allows/);
  }, 60_000);

  it('on SIGINT after its Redis went away', async () => {
    const { run, redis } = await readyServe();
    await redis.stop();
    const sent = Date.now();
    run.child.kill('SIGINT');
    const { code, at } = await run.exited;
    expect(at - sent).toBeLessThan(BOUND_MS);
    expect(run.stdout()).toContain('"signal":"SIGINT"');
    expect([0, 1]).toContain(code);
  }, 60_000);

  it('at once and cleanly (exit 0) on SIGTERM while Redis answers', async () => {
    const { run } = await readyServe();
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
    expect(run.stdout()).not.toMatch(/exiting anyway/);
  }, 60_000);
});

/** One line on stderr, no stack trace, nothing on stdout. */
function expectOneLine(run: Run): string {
  const lines = run.stderr().trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(run.stderr()).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

describe('serve refuses to start with one clear line', () => {
  it('when the port is in use (exit 5)', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => busy.close(() => r())));
    const port = (busy.address() as { port: number }).port;
    const run = serve(configFor('redis://127.0.0.1:6379', port));
    expect((await run.exited).code).toBe(EXIT_CODES.listen);
    expect(EXIT_CODES.listen).toBe(5);
    expect(expectOneLine(run)).toBe(
      `the HTTP server cannot listen on 127.0.0.1:${port}: the port is in use by another process (another switchboard?); stop it or change server.port`,
    );
  }, 60_000);

  it("when the SMTP listener's port is in use (exit 5)", async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => busy.close(() => r())));
    const port = (busy.address() as { port: number }).port;
    const dir = configFor('redis://127.0.0.1:6379', await freePort());
    writeFileSync(
      join(dir, 'channels/mail.yaml'),
      `name: mail\nkind: email\nfrom: "Switchboard <ops@example.com>"\nsmtp: { host: 127.0.0.1, port: 9, ignore_tls: true }\nlisten: { host: 127.0.0.1, port: ${port} }\n`,
    );
    const run = serve(dir);
    expect((await run.exited).code).toBe(5);
    expect(expectOneLine(run)).toBe(
      `the email-smtp listener cannot listen on 127.0.0.1:${port}: the port is in use by another process (another switchboard?); stop it or change the channel's listen.port`,
    );
  }, 60_000);

  it('when the folder has no switchboard.yaml (exit 7)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-empty-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const run = serve(dir);
    expect((await run.exited).code).toBe(7);
    expect(expectOneLine(run)).toBe(`no switchboard.yaml in ${dir} (is --config the right folder?)`);
  }, 30_000);

  it('when the folder does not exist (exit 6)', async () => {
    const dir = join(tmpdir(), `sb-nowhere-${process.pid}`);
    const run = serve(dir);
    expect((await run.exited).code).toBe(6);
    expect(expectOneLine(run)).toBe(`cannot read the config folder ${dir}: it does not exist (is --config the right folder?)`);
  }, 30_000);

  it('when the folder cannot be read (exit 6)', async () => {
    const dir = configFor('redis://127.0.0.1:6379', await freePort());
    chmodSync(dir, 0o700);
    // root reads everything: run the process as nobody, for whom the folder is closed
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    if (uid === undefined) chmodSync(dir, 0o000);
    cleanups.push(() => chmodSync(dir, 0o700));
    const run = serve(dir, { ...(uid !== undefined && { uid }) });
    expect((await run.exited).code).toBe(6);
    expect(expectOneLine(run)).toBe(`cannot read the config folder ${dir}: permission denied`);
  }, 30_000);
});
