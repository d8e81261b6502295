/**
 * Makes sure a Redis answers at the configured URL before `switchboard serve` starts. When none
 * answers on a local address and a `redis-server` binary is installed, one is started as a child
 * process (data in the config folder's `.switchboard/redis`), supervised (restarted when it exits,
 * with backoff) and stopped with the gateway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Logger } from '../log.ts';
import { SwitchboardError } from '../errors.ts';
import { ownConnection, RedisConfigError, redisSettings, type RedisSettings } from './connection.ts';

export class RedisUnavailableError extends SwitchboardError {
  readonly code = 'redis_unavailable';
}

export interface LocalRedis {
  /** true when this process started the server */
  started: boolean;
  /** the running server's process id (started ones only; undefined while it is down) */
  pid(): number | undefined;
  stop(): Promise<void>;
}

const localHosts = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** What a first connection found: answered, away, or refused for a reason only the config can fix. */
export type RedisProbe = { ok: true } | { ok: false; reason: 'down' | 'auth' | 'tls'; message: string };

const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL/;

/**
 * One connection with every setting of `redis:` (TLS, ACL user and password), one PING. A refusal
 * the config must fix (credentials, permissions, a certificate not trusted) is told apart from a
 * Redis that is away; the message names the Redis and the user, never the password.
 * @example
 * const probe = await probeRedis(redisSettings(config));
 * if (!probe.ok && probe.reason !== 'down') throw new RedisConfigError(probe.message);
 */
export async function probeRedis(settings: RedisSettings | string, timeoutMs = 1500): Promise<RedisProbe> {
  const s = typeof settings === 'string' ? redisSettings(settings) : settings;
  const client = ownConnection(s, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    // Sentinel: one round over the sentinels, not ioredis's endless retries
    sentinelRetryStrategy: () => null,
  });
  let first: (Error & { code?: string }) | undefined;
  client.on('error', (err: Error) => void (first ??= err));
  let timer: NodeJS.Timeout | undefined;
  try {
    const answered = (async () => {
      await client.connect();
      return (await client.ping()) === 'PONG';
    })();
    const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs * 2)));
    const failed = answered.catch((err: Error) => {
      first ??= err;
      return false;
    });
    if (await Promise.race([failed, late])) return { ok: true };
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
  const text = first?.message ?? 'no answer';
  // a Sentinel's refusal comes wrapped: "All sentinels are unreachable... Last error: WRONGPASS ..."
  const sentinelRefusal = /Last error: .*(WRONGPASS|NOAUTH|NOPERM)/.exec(text);
  if (sentinelRefusal)
    return {
      ok: false,
      reason: 'auth',
      message: `the sentinels of ${s.label} refused ${s.mode === 'sentinel' && s.sentinelUsername !== undefined ? `user "${s.sentinelUsername}"` : 'the default user'} (${sentinelRefusal[1]}); check redis.sentinel_username and redis.sentinel_password`,
    };
  const user = s.username === undefined ? 'the default user' : `user "${s.username}"`;
  if (/^WRONGPASS/.test(text))
    return { ok: false, reason: 'auth', message: `Redis at ${s.label} refused the credentials of ${user} (${text}); check redis.username and redis.password` };
  if (/^NOAUTH/.test(text))
    return { ok: false, reason: 'auth', message: `Redis at ${s.label} needs a password (NOAUTH): set redis.password, and redis.username for an ACL user` };
  if (/^NOPERM/.test(text))
    return {
      ok: false,
      reason: 'auth',
      message: `Redis at ${s.label} does not allow ${user} what Switchboard needs (${text}); see docs/DEPLOYMENT.md for the ACL rules`,
    };
  if (TLS_CODE.test(first?.code ?? '') || /certificate/i.test(text))
    return {
      ok: false,
      reason: 'tls',
      message: `TLS to Redis at ${s.label}: the server's certificate is not accepted (${first?.code ? `${first.code}: ` : ''}${text}); set redis.tls.ca to the CA that signed it (redis.tls.servername when it names another host)`,
    };
  return { ok: false, reason: 'down', message: text };
}

/** Resolves when a PING at `url` is answered within `timeoutMs`, false otherwise. */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  return (await probeRedis(url, timeoutMs)).ok;
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
  /** how a started server that exits is restarted */
  restart?: RestartPolicy;
  /** every setting of `redis:` (TLS, user, password) for the first connection (default: the bare `url`) */
  settings?: RedisSettings;
}): Promise<LocalRedis> {
  const none: LocalRedis = { started: false, pid: () => undefined, stop: async () => {} };
  const probe = await probeRedis(opts.settings ?? opts.url);
  if (probe.ok) return none;
  // it answered and refused: starting another Redis would not help
  if (probe.reason !== 'down') throw new RedisConfigError(probe.message);

  const url = new URL(opts.url);
  const host = url.hostname || '127.0.0.1';
  // a started redis-server is plain, without TLS or ACL users: only for the simple local case
  if (!opts.startLocal || !localHosts.has(host) || opts.settings?.tls !== undefined || url.protocol === 'rediss:') {
    throw new RedisUnavailableError(`No Redis answers at ${url.host}.\n${howToGetRedis}`);
  }
  const binary = findBinary('redis-server', opts.searchPath);
  if (!binary) throw new RedisUnavailableError(`No Redis answers at ${url.host} and no redis-server is installed.\n${howToGetRedis}`);

  const port = url.port || '6379';
  mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    '--port',
    port,
    '--bind',
    host === 'localhost' ? '127.0.0.1' : host.replace(/[[\]]/g, ''),
    '--dir',
    opts.dataDir,
    '--appendonly',
    'yes',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
  ];
  const first = spawnRedis(binary, args);
  opts.logger.info({ port, dir: opts.dataDir }, 'started a local redis-server');

  for (let i = 0; i < 50; i++) {
    if (first.child.exitCode !== null) break;
    if (await redisAnswers(opts.url, 500)) return supervise(first, () => spawnRedis(binary, args), { port, logger: opts.logger, ...opts.restart });
    await new Promise((r) => setTimeout(r, 100));
  }
  first.child.kill('SIGKILL');
  throw new RedisUnavailableError(`redis-server did not start on port ${port}: ${first.stderr().trim() || 'no answer'}`);
}

interface Spawned {
  child: ChildProcess;
  stderr(): string;
}

function spawnRedis(binary: string, args: string[]): Spawned {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  // a spawn failure (binary removed since) is an exit like any other: the supervisor handles it
  child.on('error', () => undefined);
  return { child, stderr: () => stderr };
}

export interface RestartPolicy {
  /** first wait before a restart, doubled after each quick death (default 500 ms) */
  initialDelayMs?: number;
  /** the longest wait (default 30 s) */
  maxDelayMs?: number;
  /** restarts in a row, each dying within `stableMs`, before giving up (default 8) */
  maxRestarts?: number;
  /** a server up this long resets the count and the wait (default 60 s) */
  stableMs?: number;
}

/**
 * Keeps the local redis-server running: when it exits (killed, out of memory, crashed) it is logged
 * and started again on the same port and data folder (its append-only file brings every write
 * back), after a wait that doubles while it keeps dying quickly; after `maxRestarts` such deaths in a
 * row it is logged as given up (the gateway's connections then report Redis down, /readyz says so).
 */
function supervise(first: Spawned, respawn: () => Spawned, opts: RestartPolicy & { port: string; logger: Logger }): LocalRedis {
  const { initialDelayMs = 500, maxDelayMs = 30_000, maxRestarts = 8, stableMs = 60_000 } = opts;
  let current = first;
  let startedAt = Date.now();
  let quickDeaths = 0;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;

  const onExit = (spawned: Spawned) => (code: number | null, signal: NodeJS.Signals | null) => {
    if (stopping || spawned !== current) return;
    if (Date.now() - startedAt >= stableMs) quickDeaths = 0;
    quickDeaths += 1;
    const detail = { port: opts.port, code, signal, stderr: spawned.stderr().trim().split('\n').at(-1) || undefined };
    if (quickDeaths > maxRestarts) {
      opts.logger.error(
        { ...detail, restarts: maxRestarts },
        'the local redis-server keeps exiting; giving up restarting it (restart switchboard once it is fixed)',
      );
      return;
    }
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** (quickDeaths - 1));
    opts.logger.error({ ...detail, restart_in_ms: delay }, 'the local redis-server exited; restarting it');
    timer = setTimeout(() => {
      timer = undefined;
      if (stopping) return;
      current = respawn();
      startedAt = Date.now();
      current.child.once('exit', onExit(current));
      opts.logger.info({ port: opts.port, pid: current.child.pid }, 'restarted the local redis-server');
    }, delay);
    timer.unref();
  };
  first.child.once('exit', onExit(first));
  // a process that ends without stop() (forced out at the end of the shutdown grace) takes it along
  const onProcessExit = () => void current.child.kill('SIGTERM');
  process.once('exit', onProcessExit);

  return {
    started: true,
    pid: () => (current.child.exitCode === null && current.child.signalCode === null ? current.child.pid : undefined),
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        if (timer) clearTimeout(timer);
        process.off('exit', onProcessExit);
        const { child } = current;
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
