/**
 * The run lease (src/executions/README.md, "Crash safety"): a job handed out a second time while its
 * first run goes on (what a Redis failover does when the dying master acknowledged the hand-out but
 * never replicated it) must neither run the action again nor take the live run for lost. Reproduced
 * without a failover: a second BullMQ job with the same data, added while the first one runs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionJobData } from '../../../src/executions/job-options.ts';
import { runJobOptions } from '../../../src/executions/job-options.ts';
import { executionKeys, QUEUE_NAME } from '../../../src/executions/keys.ts';
import { createRecordStore } from '../../../src/executions/records.ts';
import { startScript } from '../../../src/executions/scripts.ts';
import { startRedisProxy, type RedisProxy } from '../../fakes/redis-proxy.ts';
import { harness, type Harness } from './setup.ts';
import { action, REDIS_URL, tempDir, waitFor, waitForStatus } from './helpers.ts';

let h: Harness | undefined;
let queue: Queue<ExecutionJobData> | undefined;
let redis: Redis | undefined;
afterEach(async () => {
  await queue?.close();
  redis?.disconnect();
  await h?.close();
  queue = redis = h = undefined;
});

/**
 * A shell action that appends one line per run to `file`, then runs until `${file}.release` exists
 * (at most 30 s): each test ends the first run only after it has seen the job handed out again, so
 * a loaded host (a late stalled check) cannot let the run end first.
 */
const slow = (file: string) =>
  action('t.slow', {
    runner: 'shell',
    command: ['sh', '-c', 'echo ran >> "$1"; i=0; while [ ! -e "$1.release" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done', 'sh', file],
  });
const release = (file: string) => writeFileSync(`${file}.release`, '');
const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

async function handOutTwice(concurrency: number) {
  const file = join(tempDir(), 'runs.log');
  h = harness([slow(file)]);
  const first = await h.startWorker({ concurrency });
  const second = concurrency === 1 ? await h.startWorker({ concurrency: 1 }) : first;
  expect(second).toBeDefined();
  queue = new Queue<ExecutionJobData>(QUEUE_NAME, { connection: { url: REDIS_URL }, prefix: executionKeys(h.prefix).prefix });
  const { execution } = await h.service.submit({ action: 't.slow', params: {} });
  const id = execution.id;
  await waitForStatus(h.service, id, ['running']);
  await waitFor(() => lines(file).length === 1 || undefined, 'the first run to start');
  // the same job again, as a failover re-delivers it (its own id: the queue keeps one job per id)
  const original = await queue.getJob(id);
  expect(original?.data.execution.id).toBe(id);
  const dupId = `${id}-again`;
  await queue.add('run', original!.data, runJobOptions(dupId, 0, 3600));

  // the duplicate is handed back (delayed) while the first run goes on, with no retry used
  const delayed = await waitFor(async () => {
    const j = await queue!.getJob(dupId);
    return j && (await j.getState()) === 'delayed' ? j : undefined;
  }, 'the duplicate job to be delayed');
  expect(delayed.attemptsMade).toBe(0);
  expect((await h.service.get(id))?.status).toBe('running');
  release(file);

  const done = await waitForStatus(h.service, id, ['succeeded', 'failed', 'timeout', 'canceled'], 20_000);
  expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
  // tried again after the run ended: the record is terminal, it ends without running (removed on completion)
  await waitFor(async () => !(await queue!.getJob(dupId)) || undefined, 'the duplicate job to end', 20_000);
  expect(lines(file)).toEqual(['ran']);
  expect(h.terminal.filter((r) => r.id === id).map((r) => r.status)).toEqual(['succeeded']);
}

describe('run lease: a job handed out twice while its run goes on', () => {
  it('runs the action once when the duplicate goes to another worker', async () => {
    await handOutTwice(1);
  }, 40_000);

  it('runs the action once when the duplicate goes to the same worker', async () => {
    await handOutTwice(4);
  }, 40_000);
});

describe('run lease: the same job handed out again after its lock was lost', () => {
  it('keeps the live run, which records its end although BullMQ lost its lock; the job then ends without running', async () => {
    const file = join(tempDir(), 'runs.log');
    h = harness([slow(file)]);
    await h.startWorker({ concurrency: 4 });
    await h.startWorker({ concurrency: 4 });
    redis = new Redis(REDIS_URL);
    queue = new Queue<ExecutionJobData>(QUEUE_NAME, { connection: { url: REDIS_URL }, prefix: executionKeys(h.prefix).prefix });
    const { execution } = await h.service.submit({ action: 't.slow', params: {} });
    const id = execution.id;
    await waitFor(() => lines(file).length === 1 || undefined, 'the first run to start');
    // what a failover that lost the hand-out leaves: the job active without its lock; the stalled
    // check (every stalled_interval, 1 s here) puts it back and a worker takes it again
    expect(await redis.del(`${executionKeys(h.prefix).prefix}:${QUEUE_NAME}:${id}:lock`)).toBe(1);
    await waitFor(async () => (await queue!.getJob(id))?.getState().then((s) => s === 'delayed') || undefined, 'the job handed out again to be delayed');
    expect((await h.service.get(id))?.status).toBe('running');
    release(file);
    const done = await waitForStatus(h.service, id, ['succeeded', 'failed', 'timeout', 'canceled'], 20_000);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
    await waitFor(async () => !(await queue!.getJob(id)) || undefined, 'the job to end', 20_000);
    expect(lines(file)).toEqual(['ran']);
    expect(h.terminal.filter((r) => r.id === id).map((r) => r.status)).toEqual(['succeeded']);
  }, 40_000);
});

describe('run lease in the start script', () => {
  it('answers busy under a live lease; once it expires (its worker gone) the run is lost, as before', async () => {
    h = harness([]);
    redis = new Redis(REDIS_URL);
    const store = createRecordStore(redis, executionKeys(h.prefix), 3600);
    const created = new Date();
    expect(await store.create('lease234', { action: 'core.noop', params: {} }, created)).toMatchObject({ created: true });
    const at = created.toISOString();
    expect(await store.start('lease234', 2, at, { token: 'a', ms: 60_000 })).toMatchObject({ kind: 'run', attempts: 1, lost: false });

    const busy = await store.start('lease234', 2, at, { token: 'b', ms: 60_000 });
    expect(busy.kind).toBe('busy');
    expect(busy.kind === 'busy' && busy.retryInMs > 0 && busy.retryInMs <= 60_000).toBe(true);
    // nothing changed: still the first run
    expect(await store.get('lease234')).toMatchObject({ status: 'running', attempts: 1 });

    // renewed only by its own run; let go (as at shutdown) or expired, the next start takes it for lost
    expect(await store.renewLeases([{ id: 'lease234', token: 'a' }], 60_000)).toEqual([]);
    expect(await store.renewLeases([{ id: 'lease234', token: 'b' }], 60_000)).toEqual(['lease234']);
    expect((await store.start('lease234', 2, at, { token: 'b', ms: 60_000 })).kind).toBe('busy');
    expect(await store.renewLeases([{ id: 'lease234', token: 'a' }], 0)).toEqual([]);
    expect(await store.start('lease234', 2, at, { token: 'b', ms: 60_000 })).toMatchObject({ kind: 'run', attempts: 2, lost: true });

    // the second run's lease lapses without renewal (a SIGKILLed worker): out of runs, `worker lost`
    expect(await store.renewLeases([{ id: 'lease234', token: 'b' }], 1)).toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
    const lost = await store.start('lease234', 2, at, { token: 'c', ms: 60_000 });
    expect(lost).toMatchObject({ kind: 'lost', record: { status: 'failed', error: 'worker lost' } });
  });

  it('answers run, the same attempt, to its own start sent again (ioredis re-sends a command whose reply a failover lost)', async () => {
    h = harness([]);
    redis = new Redis(REDIS_URL);
    const store = createRecordStore(redis, executionKeys(h.prefix), 3600);
    const created = new Date();
    await store.create('resent23', { action: 'core.noop', params: {} }, created);
    const at = created.toISOString();
    expect(await store.start('resent23', 1, at, { token: 'a', ms: 60_000 })).toMatchObject({ kind: 'run', attempts: 1, lost: false });
    // out of runs (max 1): before, this second delivery of the same start ended the run `worker lost`
    expect(await store.start('resent23', 1, at, { token: 'a', ms: 60_000 })).toEqual({ kind: 'run', attempts: 1, lost: false });
    expect(await store.get('resent23')).toMatchObject({ status: 'running', attempts: 1 });
    // another run's start is still busy, and the run's lease is still its own
    expect((await store.start('resent23', 1, at, { token: 'b', ms: 60_000 })).kind).toBe('busy');
    expect(await store.renewLeases([{ id: 'resent23', token: 'a' }], 60_000)).toEqual([]);
  });

  it('leaves a record running without a lease (written before leases) to the lost-run rule', async () => {
    h = harness([]);
    redis = new Redis(REDIS_URL);
    const store = createRecordStore(redis, executionKeys(h.prefix), 3600);
    const created = new Date();
    await store.create('nolease2', { action: 'core.noop', params: {} }, created);
    expect((await store.start('nolease2', 2, created.toISOString())).kind).toBe('run');
    expect(await store.start('nolease2', 2, created.toISOString(), { token: 'b', ms: 60_000 })).toMatchObject({ kind: 'run', lost: true });
  });
});

describe('run lease: a start Redis applied whose answer was lost', () => {
  let proxy: RedisProxy | undefined;
  afterEach(async () => {
    // the worker first: it talks to Redis through the proxy
    await h?.close();
    h = undefined;
    await proxy?.close();
    proxy = undefined;
  });

  it('sends the start again under its own token and runs the action once (no orphaned lease, no `worker lost`)', async () => {
    const file = join(tempDir(), 'runs.log');
    proxy = await startRedisProxy(6379);
    // the worker talks to Redis through the proxy; the service (the submit) directly
    h = harness([action('t.once', { runner: 'shell', command: ['sh', '-c', 'echo ran >> "$1"', 'sh', file] })]);
    const workerConfig = { ...h.config, main: { ...h.config.main, redis: { ...h.config.main.redis, url: `redis://127.0.0.1:${proxy.port}` } } };
    const startSha = createHash('sha1').update(startScript).digest('hex');
    const isStart = (args: string[]) => (args[0] === 'evalsha' && args[1] === startSha) || (args[0] === 'eval' && args[1] === startScript);
    // Redis runs the start; the worker is told the cluster is down, as a failover's old master would leave it
    const replaced = proxy.replaceReply(isStart, '-CLUSTERDOWN The cluster is down');
    await h.startWorker({ config: workerConfig });
    const { execution } = await h.service.submit({ action: 't.once', params: {} });
    const sent = await replaced;
    expect(sent[3]).toContain(execution.id);

    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed', 'timeout', 'canceled'], 20_000);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(lines(file)).toEqual(['ran']);
    // the start went twice: the one whose answer was replaced, then the same run token again
    const starts = proxy.commands.filter(isStart);
    expect(starts).toHaveLength(2);
    const tokenOf = (args: string[]) => args.at(-2);
    expect(tokenOf(starts[1]!)).toBe(tokenOf(starts[0]!));
    // the terminal hook runs once the record says succeeded
    await waitFor(() => h!.terminal.some((r) => r.id === execution.id) || undefined, 'the terminal hook');
    expect(h.terminal.filter((r) => r.id === execution.id).map((r) => r.status)).toEqual(['succeeded']);
  }, 40_000);
});
