import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, silentLogger } from '../../../src/log.ts';
import { ensureRedis, redisAnswers, RedisUnavailableError, type LocalRedis } from '../../../src/redis/local.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it is true (bounded; no timing is asserted). */
async function until(probe: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('ensureRedis', () => {
  const started: LocalRedis[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const r of started.splice(0)) await r.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'sb-redis-'));
    dirs.push(d);
    return join(d, 'redis');
  };

  it('uses a Redis that already answers and starts nothing', async () => {
    const r = await ensureRedis({ url: 'redis://127.0.0.1:6379', startLocal: true, dataDir: dataDir(), logger: silentLogger, searchPath: process.env.PATH });
    expect(r.started).toBe(false);
  });

  it('starts a local redis-server when none answers, and stops it', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    expect(await redisAnswers(url)).toBe(false);
    const r = await ensureRedis({ url, startLocal: true, dataDir: dataDir(), logger: silentLogger, searchPath: process.env.PATH });
    started.push(r);
    expect(r.started).toBe(true);
    expect(await redisAnswers(url)).toBe(true);
    await r.stop();
    expect(await redisAnswers(url)).toBe(false);
  });

  it('restarts the local redis-server when it dies, and logs it', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _enc, cb) => (lines.push(...String(chunk).split('\n').filter(Boolean)), cb()) });
    const logger = createLogger({ level: 'info', secrets: () => [], destination });
    const r = await ensureRedis({ url, startLocal: true, dataDir: dataDir(), logger, searchPath: process.env.PATH, restart: { initialDelayMs: 50 } });
    started.push(r);
    for (const round of [1, 2]) {
      const pid = r.pid();
      expect(pid).toBeTypeOf('number');
      process.kill(pid!, 'SIGKILL');
      await until(async () => r.pid() !== undefined && r.pid() !== pid && (await redisAnswers(url, 300)), `restart ${round}`);
    }
    const exited = lines.filter((l) => l.includes('the local redis-server exited; restarting it'));
    expect(exited).toHaveLength(2);
    expect(exited[0]).toContain('"signal":"SIGKILL"');
    expect(lines.filter((l) => l.includes('restarted the local redis-server'))).toHaveLength(2);
    // stopped on purpose: not restarted
    await r.stop();
    expect(await redisAnswers(url)).toBe(false);
    expect(r.pid()).toBeUndefined();
  });

  it('gives up after the bounded number of quick restarts', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _enc, cb) => (lines.push(...String(chunk).split('\n').filter(Boolean)), cb()) });
    const logger = createLogger({ level: 'info', secrets: () => [], destination });
    const r = await ensureRedis({
      url,
      startLocal: true,
      dataDir: dataDir(),
      logger,
      searchPath: process.env.PATH,
      restart: { initialDelayMs: 20, maxRestarts: 2 },
    });
    started.push(r);
    for (let i = 0; i < 3; i++) {
      await until(async () => r.pid() !== undefined && (await redisAnswers(url, 300)), `server ${i} up`);
      process.kill(r.pid()!, 'SIGKILL');
      await until(() => lines.filter((l) => /the local redis-server (exited|keeps exiting)/.test(l)).length > i, `death ${i} seen`);
    }
    expect(lines.filter((l) => l.includes('the local redis-server exited; restarting it'))).toHaveLength(2);
    expect(lines.some((l) => l.includes('giving up restarting it'))).toBe(true);
    expect(r.pid()).toBeUndefined();
  });

  it('explains how to get Redis when no binary is installed', async () => {
    const port = await freePort();
    const err = await ensureRedis({
      url: `redis://127.0.0.1:${port}`,
      startLocal: true,
      dataDir: dataDir(),
      logger: silentLogger,
      searchPath: '/nonexistent',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect((err as Error).message).toMatch(/apt-get install -y redis-server/);
    expect((err as Error).message).toMatch(/brew install redis/);
    expect((err as Error).message).toMatch(/docker compose up/);
  });
});
