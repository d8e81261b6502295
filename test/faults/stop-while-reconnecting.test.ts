/**
 * Fault: a stop while the Redis connections wait to connect again (issue 16: the gateway's stop hung
 * in test/faults/spool-ingress.test.ts, after a replay, with Redis back). ioredis's `disconnect()` of
 * a client in `reconnecting` (Redis away, a retry timer armed) cleared the timer and never emitted
 * `end`; BullMQ's `Worker.close()` waits for its blocking connection's `end`, so a worker closed in
 * that window never finished closing, even once Redis answered again, and the gateway's stop with it.
 * - a BullMQ worker on a worker connection, closed while Redis is away, finishes closing once Redis
 *   is back (src/redis/connection.ts: a disconnect always ends the client);
 * - a gateway stopped right after Redis came back (its workers' connections still in their retry
 *   delay) stops;
 * - a gateway stopped while Redis stays away stops;
 * - a gateway stopped while Redis hangs (connected, never answering) stops: the step waiting on Redis
 *   is given up after its deadline, with a warning naming it.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerConnection } from '../../src/redis/connection.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../integration/harness.ts';
import { startOwnRedis, type OwnRedis } from './redis-server.ts';
import { API_KEY, eventually, FAULT_ALIAS } from './world.ts';

let redis: OwnRedis;
/** the private Redis runs (start() twice would start a second server that fails to bind) */
let up = true;
const stopRedis = async () => {
  await redis.stop();
  up = false;
};
const startRedis = async () => {
  if (up) return;
  await redis.start();
  up = true;
};

beforeAll(async () => {
  redis = await startOwnRedis();
}, 30_000);
afterAll(async () => {
  await redis?.destroy();
}, 30_000);

function files(): Record<string, string> {
  return {
    'switchboard.yaml': `
server: { port: 0 }
redis: { url: "${redis.url}", prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops] }
api_keys:
  - { name: test, key: "${API_KEY}", user: alice }
executions: { concurrency: 2, stalled_interval: 1, shutdown_grace: 1 }
logging: { level: info }
`,
    'aliases/fault.yaml': FAULT_ALIAS,
  };
}

/** one command through the API, run to its end: the workers are connected and working */
async function runOne(t: TestSwitchboard, n: number): Promise<void> {
  const res = await t.request('/api/v1/commands', {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: `fault ${n}` }),
  });
  expect(res.status).toBe(202);
  const { execution } = (await res.json()) as { execution: { id: string } };
  await eventually(async () => {
    const r = await t.request(`/api/v1/executions/${execution.id}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    return ((await r.json()) as { status: string }).status === 'succeeded';
  }, `fault ${n} succeeded`);
}

/** waits until `sb.redis` lost Redis (every connection of the process sees the same server go) */
const lost = (t: TestSwitchboard) => eventually(() => t.sb.redis.status !== 'ready', 'the gateway lost Redis');

describe('a stop while Redis connections wait to connect again', () => {
  it('a BullMQ worker closed while Redis is away finishes closing once Redis is back', async () => {
    const queue = `stop-reconnecting-${randomBytes(4).toString('hex')}`;
    const conn = workerConnection(redis.url);
    conn.on('error', () => {});
    const worker = new Worker(queue, async () => undefined, { connection: conn, prefix: `{sbt-${randomBytes(4).toString('hex')}}` });
    worker.on('error', () => {});
    await worker.waitUntilReady();
    try {
      await stopRedis();
      await eventually(() => conn.status === 'reconnecting', 'the worker connection waiting to reconnect');
      // its blocking connection is in the same retry delays: close() disconnects it and waits for its end
      const closing = worker.close();
      await startRedis();
      await closing;
      expect(worker.closing).toBeDefined();
      expect(worker.isRunning()).toBe(false);
    } finally {
      await startRedis();
      conn.disconnect();
    }
  }, 60_000);

  /** a gateway that ran `fault n`, then lost Redis, then did `meanwhile`, is stopped: true once its stop returned */
  async function stopsAfterLosingRedis(n: number, meanwhile: () => Promise<void>): Promise<boolean> {
    const t = await startTestSwitchboard({ files: files() });
    let stopped = false;
    try {
      await runOne(t, n);
      await stopRedis();
      await lost(t);
      await meanwhile();
      await t.sb.stop();
      stopped = true;
    } finally {
      await startRedis();
      if (stopped) await t.stop();
    }
    return stopped;
  }

  it('a gateway stopped right after Redis came back stops', async () => {
    const stopped = await stopsAfterLosingRedis(1, async () => {
      // long enough for the workers' connections to be retrying every few hundred ms
      await new Promise((r) => setTimeout(r, 1500));
      await startRedis();
    });
    expect(stopped).toBe(true);
  }, 90_000);

  it('a gateway stopped while Redis stays away stops', async () => {
    const stopped = await stopsAfterLosingRedis(2, async () => undefined);
    expect(stopped).toBe(true);
  }, 90_000);

  it('a gateway stopped while Redis hangs (connected, never answering) stops, giving up the step that waits on it, with a warning naming it', async () => {
    const t = await startTestSwitchboard({ files: files() });
    try {
      await runOne(t, 3);
      redis.pause();
      await t.sb.stop();
      const warnings = t.logs.map((l) => JSON.parse(l) as { level: string; msg: string; step?: string }).filter((l) => l.level === 'warn');
      expect(warnings).toContainEqual(
        expect.objectContaining({
          step: 'workers and queues of the running config',
          msg: expect.stringMatching(/^stopping the workers and queues of the running config took longer than \d+ s; left$/),
        }),
      );
    } finally {
      redis.resume();
      await t.stop();
    }
  }, 90_000);
});
