import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { runJobOptions } from '../../../src/executions/job-options.ts';
import { executionKeys, QUEUE_NAME } from '../../../src/executions/keys.ts';
import { createRecordStore } from '../../../src/executions/records.ts';
import { startRedisMonitor } from '../../fakes/redis-monitor.ts';
import { harness, type Harness } from './setup.ts';
import { waitForStatus } from './helpers.ts';

let h: Harness;
afterEach(async () => h?.close());

describe('ExecutionService.submit idempotency', () => {
  it('returns the same execution for the same key', async () => {
    h = harness([]);
    const first = await h.service.submit({ action: 'core.echo', params: { a: 1 }, idempotencyKey: 'SM123' });
    const second = await h.service.submit({ action: 'core.echo', params: { a: 2 }, idempotencyKey: 'SM123' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.execution.id).toBe(first.execution.id);
    expect(second.execution.params).toEqual({ a: 1 });
    expect((await h.service.list()).items).toHaveLength(1);
  });

  it('creates exactly one execution under 50 concurrent submits of one key', async () => {
    h = harness([]);
    await h.startWorker();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => h.service.submit({ action: 'core.echo', params: { i }, idempotencyKey: 'race-key' })),
    );
    const ids = new Set(results.map((r) => r.execution.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const id = [...ids][0]!;
    await waitForStatus(h.service, id, ['succeeded']);
    expect((await h.service.list()).items).toHaveLength(1);
  });

  it('creates separate executions for different keys and for no key', async () => {
    h = harness([]);
    const a = await h.service.submit({ action: 'core.noop', params: {}, idempotencyKey: 'k1' });
    const b = await h.service.submit({ action: 'core.noop', params: {}, idempotencyKey: 'k2' });
    const c = await h.service.submit({ action: 'core.noop', params: {} });
    const d = await h.service.submit({ action: 'core.noop', params: {} });
    expect(new Set([a, b, c, d].map((r) => r.execution.id)).size).toBe(4);
  });

  it('writes the record and its job in one script call: no MULTI, one EVAL/EVALSHA a submit', async () => {
    h = harness([]);
    const keys = executionKeys(h.prefix);
    const monitor = await startRedisMonitor('redis://127.0.0.1:6379');
    const seen = monitor.commands;
    const queue = new Queue(QUEUE_NAME, { connection: { url: 'redis://127.0.0.1:6379' }, prefix: keys.prefix });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await h.service.submit({ action: 'core.noop', params: { i } })).execution.id);
      // every job is there, and every record
      expect((await queue.getJobs(['waiting', 'prioritized', 'delayed'])).map((j) => j.id).sort()).toEqual([...ids].sort());
      for (const id of ids) expect(await h.service.get(id)).toMatchObject({ id, status: 'queued' });
      await expect.poll(() => seen.filter((c) => c.args.some((a) => a.includes(keys.record(ids[2]!)))).length).toBeGreaterThan(0);
      // the submits' connection: the one that wrote the first record
      const submitter = seen.find((c) => c.source !== 'lua' && c.args.some((a) => a === keys.record(ids[0]!)))!.source;
      const names = seen.filter((c) => c.source === submitter).map((c) => c.args[0]!.toLowerCase());
      expect(names.filter((n) => n === 'multi' || n === 'exec')).toEqual([]);
      // the first on its connection as EVAL (the script's text), then EVALSHA
      expect(names.filter((n) => n === 'eval' || n === 'evalsha')).toEqual(['eval', 'evalsha', 'evalsha']);
    } finally {
      await queue.close();
      monitor.close();
    }
  });

  it('leaves no job behind for a repeat: the record and its job are written in one script call', async () => {
    h = harness([]);
    const keys = executionKeys(h.prefix);
    const queue = new Queue(QUEUE_NAME, { connection: { url: 'redis://127.0.0.1:6379' }, prefix: keys.prefix });
    try {
      const first = await h.service.submit({ action: 'core.noop', params: {}, idempotencyKey: 'multi-1' });
      const second = await h.service.submit({ action: 'core.noop', params: {}, idempotencyKey: 'multi-1' });
      expect(second).toMatchObject({ created: false, execution: { id: first.execution.id } });
      // one job, the first execution's (the repeat's stray job under its new id was removed)
      expect((await queue.getJobs(['waiting', 'prioritized', 'delayed'])).map((j) => j.id)).toEqual([first.execution.id]);
    } finally {
      await queue.close();
    }
  });

  it("never runs a job against another execution's record (an id found taken inside the submit's script)", async () => {
    h = harness([]);
    const keys = executionKeys(h.prefix);
    const redis = new Redis('redis://127.0.0.1:6379');
    const queue = new Queue(QUEUE_NAME, { connection: { url: 'redis://127.0.0.1:6379' }, prefix: keys.prefix });
    try {
      // a queued record (no job of its own, as an orphan), then a job for its id made for another command
      const store = createRecordStore(redis, keys, 3600);
      const mine = new Date(Date.now() - 1000);
      expect(await store.create('taken234', { action: 'core.noop', params: { mine: 1 } }, mine)).toMatchObject({ created: true });
      const other = {
        id: 'taken234',
        status: 'queued' as const,
        action: 'core.echo',
        params: { other: 1 },
        created_at: new Date().toISOString(),
        attempts: 0,
        deliveries: [],
      };
      await queue.add('run', { execution: other }, runJobOptions('taken234', 0, 3600));
      await h.startWorker();
      await expect
        .poll(
          async () => {
            const c = await queue.getJobCounts('waiting', 'active');
            return (c.waiting ?? 0) + (c.active ?? 0);
          },
          { timeout: 10_000 },
        )
        .toBe(0);
      // the record was not run by the other command's job
      expect(await h.service.get('taken234')).toMatchObject({ status: 'queued', attempts: 0, params: { mine: 1 } });
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it('gives ids of 8 unambiguous characters', async () => {
    h = harness([]);
    const { execution } = await h.service.submit({ action: 'core.noop', params: {} });
    expect(execution.id).toMatch(/^[2-9a-hjkmnp-z]{8}$/);
  });
});
