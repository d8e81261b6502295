import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { ensureRedis, redisAnswers, RedisUnavailableError, type LocalRedis } from '../../../src/redis/local.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
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

  it('explains how to get Redis when no binary is installed', async () => {
    const port = await freePort();
    const err = await ensureRedis({ url: `redis://127.0.0.1:${port}`, startLocal: true, dataDir: dataDir(), logger: silentLogger, searchPath: '/nonexistent' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect((err as Error).message).toMatch(/apt-get install -y redis-server/);
    expect((err as Error).message).toMatch(/brew install redis/);
    expect((err as Error).message).toMatch(/docker compose up/);
  });
});
