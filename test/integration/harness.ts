/**
 * A whole Switchboard (gateway + workers, `startSwitchboard` as `serve` runs it) on a free port,
 * over a config folder written by the test, with a unique Redis prefix. Log lines are captured so
 * tests can scan them (secrets, ids).
 */
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startSwitchboard, type Switchboard } from '../../src/main.ts';

export interface TestSwitchboard {
  sb: Switchboard;
  url: string;
  dir: string;
  prefix: string;
  logs: string[];
  /** fetch against the gateway */
  request(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export interface TestConfig {
  /** file path (relative to the config folder) -> YAML text */
  files?: Record<string, string>;
  /** copy this folder first (e.g. a fixture) */
  from?: string;
  env?: Record<string, string>;
}

/** Writes `files` into a new temporary config folder and returns its path. */
export function writeConfigDir(cfg: TestConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-test-'));
  if (cfg.from) cpSync(cfg.from, dir, { recursive: true });
  for (const [rel, text] of Object.entries(cfg.files ?? {})) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

/**
 * @example
 * const t = await startTestSwitchboard({ files: { 'switchboard.yaml': '...', 'aliases/x.yaml': '...' } });
 * const res = await t.request('/healthz');
 * await t.stop();
 */
export async function startTestSwitchboard(cfg: TestConfig): Promise<TestSwitchboard> {
  const dir = writeConfigDir(cfg);
  const prefix = `sbt-${randomUUID().slice(0, 8)}`;
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, SB_TEST_PREFIX: prefix, ...cfg.env };
  const sb = await startSwitchboard({ configDir: dir, role: 'all', env, port: 0, logDestination: sink });
  const url = `http://127.0.0.1:${sb.port}`;
  return {
    sb,
    url,
    dir,
    prefix,
    logs,
    request: (path, init) => fetch(`${url}${path}`, init),
    stop: async () => {
      await sb.stop();
      await cleanupPrefix(sb.config.main.redis.url, sb.config.main.redis.prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deletes every key under `{prefix}` (and `prefix`) in Redis. */
export async function cleanupPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    for (const pattern of [`{${prefix}}*`, `${prefix}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
