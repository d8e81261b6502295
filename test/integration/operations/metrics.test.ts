/**
 * `/metrics`, `/healthz`, `/readyz` of a whole Switchboard: counters move with a command, readiness
 * follows Redis, and a worker-only process answers probes on `server.port`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSwitchboard } from '../../../src/main.ts';
import { startTestSwitchboard, writeConfigDir, type TestSwitchboard } from '../harness.ts';
import { baseFiles, command, eventually, mainYaml, runToEnd, sample, scrape } from './helpers.ts';
import { ALICE, inboundForm, postSms, startSmsWorld, text, type SmsWorld } from '../ingress/twilio-sms-helpers.ts';

let t: TestSwitchboard;
beforeAll(async () => {
  t = await startTestSwitchboard({ files: baseFiles() });
});
afterAll(async () => {
  await t?.stop();
});

describe('GET /metrics', () => {
  it('counts commands, executions and deliveries', async () => {
    const before = await scrape(t);
    await runToEnd(t, 'hello world');
    expect((await command(t, 'no such command')).status).toBe(422);
    const after = await eventually(async () => {
      const text = await scrape(t);
      return sample(text, 'switchboard_deliveries_total', { kind: 'log', outcome: 'sent' }) >
        sample(before, 'switchboard_deliveries_total', { kind: 'log', outcome: 'sent' })
        ? text
        : undefined;
    }, 'the delivery counted');
    const moved = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(moved('switchboard_commands_total', { source: 'api', outcome: 'queued' })).toBe(1);
    expect(moved('switchboard_commands_total', { source: 'api', outcome: 'none' })).toBe(1);
    expect(moved('switchboard_executions_total', { status: 'succeeded' })).toBe(1);
    expect(moved('switchboard_execution_run_seconds_count', { action: 'ops.hello' })).toBe(1);
    expect(moved('switchboard_deliveries_total', { kind: 'log', outcome: 'sent' })).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/switchboard_queue_jobs\{queue="executions",state="waiting"\} \d+/);
    expect(after).toMatch(/switchboard_queue_jobs\{queue="deliveries",state="failed"\} \d+/);
    expect(sample(after, 'switchboard_config_last_reload_success')).toBe(1);
  });
});

describe('GET /metrics of SMS commands', () => {
  let w: SmsWorld;
  beforeAll(async () => {
    w = await startSmsWorld({ perMinute: 1 });
  });
  afterAll(async () => {
    await w?.stop();
  });

  it('counts queued, rate-limited and forged commands by source', async () => {
    expect((await text(w.t, ALICE, 'restart web')).status).toBe(200);
    expect((await text(w.t, ALICE, 'restart api')).status).toBe(200);
    expect((await postSms(w.t, inboundForm(ALICE, 'restart web'), 'forged')).status).toBe(403);
    const body = await scrape(w.t);
    expect(sample(body, 'switchboard_commands_total', { source: 'sms', outcome: 'queued' })).toBe(1);
    expect(sample(body, 'switchboard_commands_total', { source: 'sms', outcome: 'rate_limited' })).toBe(1);
    expect(sample(body, 'switchboard_commands_total', { source: 'sms', outcome: 'forged' })).toBe(1);
  });
});

describe('GET /healthz and /readyz', () => {
  it('answers 200 while Redis and the workers run', async () => {
    expect((await t.request('/healthz')).status).toBe(200);
    const res = await t.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
  });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe('readiness without Redis', () => {
  let redis: ChildProcess | undefined;
  afterAll(() => {
    redis?.kill('SIGKILL');
  });

  it('turns 503 with a reason when Redis goes away', async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const files = { ...baseFiles(), 'switchboard.yaml': mainYaml().replace('start_local: false', `start_local: false, url: "redis://127.0.0.1:${port}"`) };
    const dir = writeConfigDir({ files });
    await eventually(async () => {
      const { Redis } = await import('ioredis');
      const r = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      const ok = await r.connect().then(
        () => r.ping(),
        () => undefined,
      );
      r.disconnect();
      return ok === 'PONG' ? true : undefined;
    }, 'redis-server started');
    const sb = await startSwitchboard({
      configDir: dir,
      role: 'all',
      env: { PATH: process.env.PATH, SB_TEST_PREFIX: 'sbt-ready' },
      port: 0,
      logDestination: devNull(),
      watch: false,
    });
    try {
      const url = `http://127.0.0.1:${sb.port}`;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      redis.kill('SIGKILL');
      const res = await eventually(async () => {
        const r = await fetch(`${url}/readyz`);
        return r.status === 503 ? r : undefined;
      }, '/readyz to answer 503');
      expect(await res.json()).toMatchObject({ status: 'unavailable', error: { code: 'unavailable', message: 'redis is not reachable' } });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await Promise.race([sb.stop(), new Promise((r) => setTimeout(r, 10_000))]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a worker-only process', () => {
  it('answers /healthz, /readyz and /metrics on server.port', async () => {
    const dir = writeConfigDir({ files: baseFiles() });
    const sb = await startSwitchboard({
      configDir: dir,
      role: 'worker',
      env: { PATH: process.env.PATH, SB_TEST_PREFIX: `sbt-w${process.pid}` },
      port: 0,
      logDestination: devNull(),
      watch: false,
    });
    try {
      const url = `http://127.0.0.1:${sb.port}`;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await metrics.text()).toMatch(/switchboard_queue_jobs\{queue="executions"/);
      expect((await fetch(`${url}/api/v1/executions`)).status).toBe(404);
    } finally {
      await sb.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function devNull(): NodeJS.WritableStream {
  return new Writable({ write: (_c, _e, cb) => cb() });
}
