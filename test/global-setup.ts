/**
 * Before any test: make sure a Redis answers on 127.0.0.1:6379, as `switchboard serve` does — when
 * none does and `redis-server` is installed, one is started for the run (no persistence) and stopped
 * after it; without one, the run stops with instructions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/log.ts';
import { ensureRedis } from '../src/redis/local.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-test-redis-'));
  const redis = await ensureRedis({
    url: 'redis://127.0.0.1:6379',
    startLocal: true,
    dataDir,
    logger: silentLogger,
    searchPath: process.env.PATH,
  });
  return async () => {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
