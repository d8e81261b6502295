import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../../src/errors.ts';
import { silentLogger } from '../../../src/log.ts';
import { createExecutionService } from '../../../src/executions/service.ts';
import { startExecutionWorker } from '../../../src/executions/worker.ts';
import { action, makeConfig, pidAlive, readPid, tempDir, waitFor, waitForStatus } from './helpers.ts';
import { harness, type Harness } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('ExecutionWorker.close', () => {
  it('lets a running execution finish within the grace', async () => {
    h = harness([action('t.short', { runner: 'shell', command: ['sh', '-c', 'sleep 0.5; echo done'] })]);
    const worker = await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.short', params: {} });
    await waitForStatus(h.service, execution.id, ['running']);
    await worker.close(10);
    const rec = await h.service.get(execution.id);
    expect(rec).toMatchObject({ status: 'succeeded', result: { stdout: 'done\n' } });
  });

  it('stops what still runs after the grace; another worker then ends it "worker lost"', async () => {
    const pidFile = join(tempDir(), 'pid');
    h = harness([action('t.long', { runner: 'shell', command: ['sh', '-c', 'echo $$ > "$1"; exec sleep 300', 'sh', pidFile] })]);
    const worker = await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.long', params: {} });
    const pid = await readPid(pidFile);
    await waitForStatus(h.service, execution.id, ['running']);
    await worker.close(0.3);
    await waitFor(() => !pidAlive(pid), 'the action to be stopped');
    await h.startWorker();
    const done = await waitForStatus(h.service, execution.id, ['failed', 'succeeded', 'canceled', 'timeout'], 30_000);
    expect(done).toMatchObject({ status: 'failed', error: 'worker lost' });
  });
});

describe('a worker whose config lacks the action', () => {
  it('ends the execution failed instead of leaving it queued or running', async () => {
    h = harness([action('t.gone', { runner: 'shell', command: ['true'] })]);
    const stale = makeConfig({ prefix: h.prefix });
    const worker = await startExecutionWorker({ config: stale, logger: silentLogger });
    try {
      const { execution } = await h.service.submit({ action: 't.gone', params: {} });
      const done = await waitForStatus(h.service, execution.id, ['failed', 'succeeded']);
      expect(done).toMatchObject({ status: 'failed', error: 'unknown action t.gone' });
    } finally {
      await worker.close(1);
    }
  });
});

describe('ExecutionService with Redis down', () => {
  it('fails fast with UnavailableError and ping answers false', async () => {
    const config = makeConfig({ prefix: 'down' });
    config.main.redis.url = 'redis://127.0.0.1:1';
    const service = createExecutionService({ config, logger: silentLogger });
    const started = Date.now();
    await expect(service.submit({ action: 'core.noop', params: {} })).rejects.toBeInstanceOf(UnavailableError);
    await expect(service.get('abcdefgh')).rejects.toBeInstanceOf(UnavailableError);
    expect(await service.ping()).toBe(false);
    expect(Date.now() - started).toBeLessThan(15_000);
    await service.close();
  });
});
