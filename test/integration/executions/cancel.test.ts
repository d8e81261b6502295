import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/errors.ts';
import { action, pidAlive, readPid, REDIS_URL, tempDir, waitFor, waitForStatus } from './helpers.ts';
import { harness, type Harness } from './setup.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
let h: Harness;
afterEach(async () => h?.close());

describe('ExecutionService.cancel', () => {
  it('removes a queued job; the execution ends canceled and never runs', async () => {
    const out = join(tempDir(), 'ran');
    h = harness([action('t.touch', { runner: 'shell', command: ['touch', out] })]);
    const { execution } = await h.service.submit({ action: 't.touch', params: {} });
    const canceled = await h.service.cancel(execution.id);
    expect(canceled.status).toBe('canceled');
    expect(canceled.finished_at).toBeTruthy();
    const queue = new Queue('executions', { connection: { url: REDIS_URL }, prefix: `{${h.prefix}}` });
    expect(await queue.getJob(execution.id)).toBeUndefined();
    await queue.close();
    await h.startWorker();
    await waitFor(() => h.terminal.length === 1, 'the terminal hook');
    expect(h.terminal[0]).toMatchObject({ id: execution.id, status: 'canceled' });
    expect(existsSync(out)).toBe(false);
    expect((await h.service.get(execution.id))!.status).toBe('canceled');
  });

  it('stops a running shell action and its whole process group', async () => {
    const pidFile = join(tempDir(), 'pid');
    h = harness([action('t.sleep', { runner: 'shell', command: ['sh', '-c', 'sleep 300 & echo $! > "$1"; wait', 'sh', pidFile] })]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.sleep', params: {} });
    const child = await readPid(pidFile);
    await waitForStatus(h.service, execution.id, ['running']);
    await h.service.cancel(execution.id);
    const done = await waitForStatus(h.service, execution.id, ['canceled', 'failed', 'succeeded', 'timeout']);
    expect(done.status).toBe('canceled');
    await waitFor(() => !pidAlive(child), 'the sleeping child to be gone');
    await waitFor(() => h.terminal.length === 1, 'the terminal hook');
  });

  it("fires a running module action's AbortSignal", async () => {
    const out = join(tempDir(), 'reason');
    h = harness([action('t.wait', { runner: 'module', module: 'actions.ts' })], { dir: FIXTURES });
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.wait', params: { out } });
    await waitForStatus(h.service, execution.id, ['running']);
    const rec = await h.service.cancel(execution.id);
    expect(rec.status).toBe('canceled');
    await waitFor(() => existsSync(out), 'the module to see its abort');
    expect(readFileSync(out, 'utf8')).toBe('canceled');
  });

  it('returns a terminal execution unchanged', async () => {
    h = harness([]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 'core.ping', params: {} });
    const done = await waitForStatus(h.service, execution.id, ['succeeded']);
    expect(await h.service.cancel(execution.id)).toEqual(done);
  });

  it('throws NotFoundError for an unknown id', async () => {
    h = harness([]);
    await expect(h.service.cancel('zzzzzzzz')).rejects.toBeInstanceOf(NotFoundError);
  });
});
