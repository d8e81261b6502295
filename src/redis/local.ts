/**
 * Makes sure a Redis answers at the configured URL before `switchboard serve` starts. When none
 * answers on a local address and a `redis-server` binary is installed, one is started as a child
 * process (data in the config folder's `.switchboard/redis`), and stopped with the gateway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import { SwitchboardError } from '../errors.ts';

export class RedisUnavailableError extends SwitchboardError {
  readonly code = 'redis_unavailable';
}

export interface LocalRedis {
  /** true when this process started the server */
  started: boolean;
  stop(): Promise<void>;
}

const localHosts = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Resolves when a PING at `url` is answered within `timeoutMs`, false otherwise. */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function findBinary(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

const howToGetRedis = [
  'Switchboard needs Redis. Install it and run `npm start` again:',
  '  Debian/Ubuntu:  sudo apt-get install -y redis-server',
  '  macOS:          brew install redis',
  '  Docker:         docker compose up   (starts Switchboard with Redis)',
  'or point redis.url in switchboard.yaml (or REDIS_URL) at a running Redis.',
].join('\n');

/**
 * @example
 * const redis = await ensureRedis({ url: config.main.redis.url, startLocal: true, dataDir, logger });
 * // ... later
 * await redis.stop();
 */
export async function ensureRedis(opts: {
  url: string;
  startLocal: boolean;
  dataDir: string;
  logger: Logger;
  /** PATH to search for redis-server (default: the process's) */
  searchPath: string | undefined;
}): Promise<LocalRedis> {
  const none: LocalRedis = { started: false, stop: async () => {} };
  if (await redisAnswers(opts.url)) return none;

  const url = new URL(opts.url);
  const host = url.hostname || '127.0.0.1';
  if (!opts.startLocal || !localHosts.has(host)) {
    throw new RedisUnavailableError(`No Redis answers at ${url.host}.\n${howToGetRedis}`);
  }
  const binary = findBinary('redis-server', opts.searchPath);
  if (!binary) throw new RedisUnavailableError(`No Redis answers at ${url.host} and no redis-server is installed.\n${howToGetRedis}`);

  const port = url.port || '6379';
  mkdirSync(opts.dataDir, { recursive: true });
  const child: ChildProcess = spawn(
    binary,
    ['--port', port, '--bind', host === 'localhost' ? '127.0.0.1' : host.replace(/[[\]]/g, ''), '--dir', opts.dataDir,
      '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction', '--daemonize', 'no'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  opts.logger.info({ port, dir: opts.dataDir }, 'started a local redis-server');

  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) break;
    if (await redisAnswers(opts.url, 500)) {
      return {
        started: true,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(`redis-server did not start on port ${port}: ${stderr.trim() || 'no answer'}`);
}
