/**
 * Real separate worker processes (worker-process.ts): a worker SIGKILLed mid-run, and two workers
 * sharing one queue.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { createExecutionService } from '../../../src/executions/service.ts';
import type { ExecutionService } from '../../../src/executions/types.ts';
import type { Config } from '../../../src/config/types.ts';
import { action, cleanupPrefix, makeConfig, pidAlive, readPid, spawnWorker, stopProcess, tempDir, uniquePrefix, waitFor, waitForStatus } from './helpers.ts';

let children: ChildProcess[] = [];
let pids: number[] = [];
let service: ExecutionService | undefined;
let prefix = '';
afterEach(async () => {
  for (const c of children) await stopProcess(c, 'SIGKILL');
  for (const p of pids) if (pidAlive(p)) process.kill(p, 'SIGKILL');
  await service?.close();
  await cleanupPrefix(prefix);
  children = [];
  pids = [];
});

function setup(actions: Parameters<typeof makeConfig>[0]['actions']): Config {
  prefix = uniquePrefix();
  const config = makeConfig({ prefix, actions, executions: { stalled_interval: 1 } });
  service = createExecutionService({ config, logger: silentLogger });
  return config;
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

describe('a worker killed with SIGKILL mid-run', () => {
  it('leaves an execution that ends failed ("worker lost") when it has no retries', async () => {
    const dir = tempDir();
    const config = setup([action('t.sleep', { runner: 'shell', command: ['sh', '-c', 'echo $$ > "$1"; exec sleep 300', 'sh', join(dir, 'pid')] })]);
    const hookFile = join(dir, 'hooks');
    const a = await spawnWorker(config, { hookFile });
    children.push(a);
    const { execution } = await service!.submit({ action: 't.sleep', params: {} });
    const orphan = await readPid(join(dir, 'pid'));
    pids.push(orphan);
    await waitForStatus(service!, execution.id, ['running']);
    await stopProcess(a, 'SIGKILL');
    // the dead worker's watchdog stops its run's process group (src/executions/runners/group-watchdog.ts)
    await waitFor(() => !pidAlive(orphan), "the lost run's process to be stopped", 5000);
    children.push(await spawnWorker(config, { hookFile }));
    const done = await waitForStatus(service!, execution.id, ['failed', 'succeeded', 'canceled', 'timeout'], 30_000);
    expect(done).toMatchObject({ status: 'failed', error: 'worker lost' });
    await waitFor(() => lines(hookFile).length === 1, 'the terminal hook');
    expect(JSON.parse(lines(hookFile)[0]!)).toMatchObject({ id: execution.id, status: 'failed' });
  });

  it('runs the execution again when it has retries', async () => {
    const dir = tempDir();
    const runs = join(dir, 'runs');
    const script = 'echo $$ >> "$1"; if [ "$(wc -l < "$1")" -lt 2 ]; then exec sleep 300; fi; echo second run';
    const config = setup([action('t.once', { runner: 'shell', retries: 1, command: ['sh', '-c', script, 'sh', runs] })]);
    const a = await spawnWorker(config);
    children.push(a);
    const { execution } = await service!.submit({ action: 't.once', params: {} });
    pids.push(await readPid(runs));
    await waitForStatus(service!, execution.id, ['running']);
    await stopProcess(a, 'SIGKILL');
    children.push(await spawnWorker(config));
    const done = await waitForStatus(service!, execution.id, ['failed', 'succeeded', 'canceled', 'timeout'], 30_000);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect((done.result as { stdout: string }).stdout).toBe('second run\n');
    expect(lines(runs)).toHaveLength(2);
    // the first run (sleeping, its worker dead) was stopped before the second started: never two at once
    expect(pidAlive(Number(lines(runs)[0]))).toBe(false);
  });
});

describe('cancel across processes', () => {
  it('stops a run in another worker process and kills its process group', async () => {
    const dir = tempDir();
    const config = setup([action('t.sleep', { runner: 'shell', command: ['sh', '-c', 'sleep 300 & echo $! > "$1"; wait', 'sh', join(dir, 'pid')] })]);
    children.push(await spawnWorker(config));
    const { execution } = await service!.submit({ action: 't.sleep', params: {} });
    const child = await readPid(join(dir, 'pid'));
    pids.push(child);
    await waitForStatus(service!, execution.id, ['running']);
    const rec = await service!.cancel(execution.id);
    expect(rec.status).toBe('canceled');
    await waitFor(() => !pidAlive(child), 'the child in the other process to be gone');
  });
});

describe('two worker processes on one queue', () => {
  it('run each of N executions exactly once', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const hookFile = join(dir, 'hooks');
    const config = setup([action('t.append', { runner: 'shell', command: ['sh', '-c', 'sleep 0.05; echo "$1" >> "$2"', 'sh', '{{ n }}', out] })]);
    children.push(await spawnWorker(config, { hookFile, concurrency: 4 }), await spawnWorker(config, { hookFile, concurrency: 4 }));
    const N = 60;
    const ids = await Promise.all(Array.from({ length: N }, (_, n) => service!.submit({ action: 't.append', params: { n } }).then((r) => r.execution.id)));
    await waitFor(
      async () => {
        const recs = await Promise.all(ids.map((id) => service!.get(id)));
        return recs.every((r) => r?.status === 'succeeded');
      },
      'every execution to succeed',
      60_000,
    );
    const got = lines(out)
      .map(Number)
      .sort((x, y) => x - y);
    expect(got).toEqual(Array.from({ length: N }, (_, n) => n));
    await waitFor(() => lines(hookFile).length >= N, 'every terminal hook');
    const hooks = lines(hookFile).map((l) => JSON.parse(l) as { id: string; pid: number });
    expect(hooks).toHaveLength(N);
    expect(new Set(hooks.map((x) => x.id)).size).toBe(N);
    // both processes took work
    expect(new Set(hooks.map((x) => x.pid)).size).toBe(2);
  });
});
