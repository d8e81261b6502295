/**
 * Test helpers for the execution engine: Config objects built in code (no config loader), a
 * unique Redis prefix per test with cleanup, polling waits (no timed assertions), process checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { ActionConfig, Config } from '../../../src/config/types.ts';
import { mainSchema } from '../../../src/config/schema.ts';
import type { ExecutionRecord, ExecutionService, ExecutionStatus } from '../../../src/executions/types.ts';

export const REDIS_URL = 'redis://127.0.0.1:6379';

export function uniquePrefix(): string {
  return `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/** An action with the schema's defaults filled in. */
export function action(ref: string, fields: Partial<ActionConfig> = {}): ActionConfig {
  return { name: ref, ref, enabled: true, env_allow: ['PATH', 'HOME', 'LANG', 'TZ'], parameters: {}, timeout: 60, retries: 0, ...fields };
}

const builtinActions = (['help', 'status', 'cancel', 'ping', 'echo', 'noop'] as const).map((b) => action(`core.${b}`, { runner: 'builtin', builtin: b }));

export interface TestConfigOptions {
  prefix: string;
  actions?: ActionConfig[];
  dir?: string;
  executions?: Partial<Config['main']['executions']>;
}

export function makeConfig(o: TestConfigOptions): Config {
  const main = mainSchema.parse({ redis: { url: REDIS_URL, prefix: o.prefix } });
  main.executions = { ...main.executions, stalled_interval: 1, shutdown_grace: 5, ...o.executions };
  const actions = new Map<string, ActionConfig>();
  for (const a of [...builtinActions, ...(o.actions ?? [])]) actions.set(a.ref, a);
  return { dir: o.dir ?? process.cwd(), main, actions, aliases: [], channels: new Map(), rules: [], secrets: [] };
}

/** Serialises a Config for worker-process.ts (Maps become arrays). */
export function configJson(config: Config, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ dir: config.dir, main: config.main, actions: [...config.actions.values()], ...extra });
}

/** Deletes every key under the test's prefix. */
export async function cleanupPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function waitForStatus(service: ExecutionService, id: string, statuses: ExecutionStatus[], timeoutMs = 15_000): Promise<ExecutionRecord> {
  return waitFor(
    async () => {
      const rec = await service.get(id);
      return rec && statuses.includes(rec.status) ? rec : undefined;
    },
    `${id} to be ${statuses.join('|')}`,
    timeoutMs,
  );
}

/** True while `pid` is a live process (a zombie counts as gone). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  const state = readFileSync(stat, 'utf8').replace(/^.*\) /s, '')[0];
  return state !== 'Z' && state !== 'X';
}

export const readPid = (file: string) =>
  waitFor(() => {
    if (!existsSync(file)) return undefined;
    const n = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  }, `pid in ${file}`);

export const tempDir = () => mkdtempSync(join(tmpdir(), 'sb-exec-'));

/** Starts worker-process.ts as a real separate process; resolves once it takes jobs. */
export async function spawnWorker(config: Config, extra: Record<string, unknown> = {}): Promise<ChildProcess> {
  const file = join(tempDir(), 'config.json');
  writeFileSync(file, configJson(config, extra));
  const script = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
  return child;
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** An HTTP server on 127.0.0.1 (for the http runner to call): its base URL, and `close` ending it with any open connections. */
export async function listenLocal(handler: RequestListener): Promise<{ base: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
