/**
 * One Switchboard API per test against the real Redis on 127.0.0.1:6379: a unique prefix, the real
 * execution service, optionally a real worker, and a cleanup that removes every key it made.
 */
import { Redis } from 'ioredis';
import { compileAliases } from '../../../src/aliases/index.ts';
import { createApp } from '../../../src/app.ts';
import { toAliasSpecs } from '../../../src/config/index.ts';
import type { Config } from '../../../src/config/types.ts';
import { createExecutionService } from '../../../src/executions/service.ts';
import type { ExecutionService } from '../../../src/executions/types.ts';
import { startExecutionWorker } from '../../../src/executions/worker.ts';
import { silentLogger } from '../../../src/log.ts';
import { auth, buildConfig, KEYS, type FixtureOptions } from '../../unit/api/fixture.ts';

export { auth, KEYS };

export interface Harness {
  config: Config;
  app: ReturnType<typeof createApp>;
  executions: ExecutionService;
  /** starts a worker for this test's queue (closed by `cleanup`) */
  startWorker(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createHarness(options: FixtureOptions = {}): Promise<Harness> {
  const config = buildConfig(options);
  const { matcher } = compileAliases(toAliasSpecs(config));
  const logger = silentLogger;
  const executions = createExecutionService({ config, logger });
  const app = createApp({ config, matcher, executions, logger });
  const closers: (() => Promise<unknown>)[] = [];
  return {
    config,
    app,
    executions,
    async startWorker() {
      const worker = await startExecutionWorker({ config, logger, env: { PATH: process.env.PATH } });
      closers.push(() => worker.close(1));
    },
    async cleanup() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await executions.close();
      await deleteKeys(config.main.redis.prefix);
    },
  };
}

/** Deletes every key of this test's prefix (`{prefix}:*` and `prefix*`). */
async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  try {
    for (const pattern of [`{${prefix}}*`, `${prefix}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

export interface Client {
  command(body: unknown, key?: string, headers?: Record<string, string>): Promise<Response>;
  get(path: string, key?: string): Promise<Response>;
  post(path: string, body?: unknown, key?: string): Promise<Response>;
  /** polls GET /api/v1/executions/:id until `done` holds (generous timeout, no timing assertions) */
  waitFor(id: string, done: (e: ExecutionJson) => boolean, timeoutMs?: number): Promise<ExecutionJson>;
}

export interface ExecutionJson {
  id: string;
  status: string;
  alias: string | null;
  action: string;
  params: Record<string, unknown>;
  user: string | null;
  result: unknown;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

export function client(app: Harness['app']): Client {
  const post = async (path: string, body?: unknown, key: string = KEYS.alice, headers: Record<string, string> = {}) =>
    await app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth(key), ...headers },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const get = async (path: string, key: string = KEYS.alice) => await app.request(path, { headers: auth(key) });
  return {
    command: (body, key, headers) => post('/api/v1/commands', body, key, headers),
    get,
    post: (path, body, key) => post(path, body, key),
    async waitFor(id, done, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await get(`/api/v1/executions/${id}`);
        const json = (await res.json()) as ExecutionJson;
        if (res.status === 200 && done(json)) return json;
        if (Date.now() > deadline) throw new Error(`execution ${id} never reached the expected state: ${JSON.stringify(json)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

export const terminal = (e: ExecutionJson) => ['succeeded', 'failed', 'timeout', 'canceled'].includes(e.status);
