import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { executionKeys } from '../../../src/executions/keys.ts';
import { createRecordStore } from '../../../src/executions/records.ts';
import { createExecutionService } from '../../../src/executions/service.ts';
import { startExecutionWorker, type ExecutionWorker } from '../../../src/executions/worker.ts';
import type { ExecutionRecord } from '../../../src/executions/types.ts';
import { cleanupPrefix, makeConfig, REDIS_URL, uniquePrefix, waitFor, waitForStatus } from './helpers.ts';
import { startRedisMonitor } from '../../fakes/redis-monitor.ts';

describe('the terminal hook outbox', () => {
  const prefixes: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
    for (const p of prefixes.splice(0)) await cleanupPrefix(p);
  });

  it('runs a hook owed by a worker that died after recording the end', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const config = makeConfig({ prefix });
    const service = createExecutionService({ config, logger: silentLogger });
    closers.push(() => service.close());
    const { execution } = await service.submit({ action: 'core.noop', params: {} });

    // a "dead worker": it records the end (which claims the hook) and never runs the hook
    const redis = new Redis(REDIS_URL);
    closers.push(async () => void redis.disconnect());
    const keys = executionKeys(prefix);
    const store = createRecordStore(redis, keys, 3600);
    expect((await store.start(execution.id, 1)).kind).toBe('run');
    expect(await store.finish(execution.id, 'succeeded', { result: {} })).toBe(true);
    expect(await redis.zscore(keys.hookPending, execution.id)).not.toBeNull();
    await redis.del(`${keys.prefix}:executions:wait`); // the job itself is gone with the dead worker's queue entry

    const hooked: ExecutionRecord[] = [];
    const worker: ExecutionWorker = await startExecutionWorker({
      config,
      logger: silentLogger,
      hooks: { onTerminal: async (rec) => void hooked.push(rec) },
    });
    closers.push(() => worker.close(1));

    const rec = await waitFor(() => hooked.find((r) => r.id === execution.id), 'the owed hook to run', 20_000);
    expect(rec.status).toBe('succeeded');
    await waitFor(async () => (await redis.zscore(keys.hookPending, execution.id)) === null, 'the outbox entry to go');
    expect(hooked.filter((r) => r.id === execution.id)).toHaveLength(1);
  });

  it('drops the ids of hooks that ran with the next complete, or alone once no complete comes', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const keys = executionKeys(prefix);
    const redis = new Redis(REDIS_URL);
    const monitor = await startRedisMonitor(REDIS_URL);
    closers.push(async () => {
      redis.disconnect();
      monitor.close();
    });
    // ZREMs sent by a client on the outbox (a script's own commands are seen as `lua`)
    const zrems: string[][] = [];
    monitor.on(({ source, args }) => {
      if (source !== 'lua' && args[0]?.toLowerCase() === 'zrem' && args[1] === keys.hookPending) zrems.push(args.slice(2));
    });
    const store = createRecordStore(redis, keys, 3600);
    const now = new Date();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const r = await store.create(`hook-batch-${n}`, { action: 'core.echo', params: {} }, now);
      if ('collision' in r) throw new Error('id collision');
      ids.push(r.id);
    }
    const [a, b, c] = ids as [string, string, string];
    const at = now.toISOString();
    expect((await store.complete(a, 'succeeded', { result: {} }, at, at)).kind).toBe('done');
    expect(await redis.zscore(keys.hookPending, a)).not.toBeNull();

    const gone = store.hookDone(a);
    expect((await store.complete(b, 'succeeded', { result: {} }, at, at)).kind).toBe('done');
    await gone;
    expect(await redis.zscore(keys.hookPending, a)).toBeNull();
    expect(await redis.zscore(keys.hookPending, b)).not.toBeNull();

    // no complete follows: b leaves in a ZREM of its own
    await store.hookDone(b);
    expect(await redis.zscore(keys.hookPending, b)).toBeNull();
    // a flush sends at once what is held
    expect((await store.complete(c, 'succeeded', { result: {} }, at, at)).kind).toBe('done');
    const held = store.hookDone(c);
    await store.flushHookDone();
    await held;
    expect(await redis.zcard(keys.hookPending)).toBe(0);
    await waitFor(() => zrems.length >= 2, 'the monitor to see both ZREMs');
    expect(zrems).toEqual([[b], [c]]);
  });

  it('leaves nothing owed after a normal run', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const config = makeConfig({ prefix });
    const service = createExecutionService({ config, logger: silentLogger });
    closers.push(() => service.close());
    let calls = 0;
    const worker = await startExecutionWorker({ config, logger: silentLogger, hooks: { onTerminal: async () => void calls++ } });
    closers.push(() => worker.close(1));
    const { execution } = await service.submit({ action: 'core.echo', params: { a: 1 } });
    await waitForStatus(service, execution.id, ['succeeded']);
    await waitFor(() => calls === 1, 'the hook');
    const redis = new Redis(REDIS_URL);
    closers.push(async () => void redis.disconnect());
    await waitFor(async () => (await redis.zcard(executionKeys(prefix).hookPending)) === 0, 'an empty outbox');
  });
});
