/**
 * The live output in the record store (real Redis): written only while that very run is the
 * record's current one, dropped by whatever ends the run, read by `get` and not by listings; and a
 * module action's `ctx.stdout` / `ctx.stderr` reaching it like a shell action's output.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { retentionSecondsOf } from '../../../src/executions/job-options.ts';
import { executionKeys } from '../../../src/executions/keys.ts';
import { createRecordStore } from '../../../src/executions/records.ts';
import { action, cleanupPrefix, REDIS_URL, tempDir, uniquePrefix, waitFor, waitForStatus } from './helpers.ts';
import { harness, type Harness } from './setup.ts';

const delta = (stdout: string, stderr = '', stdoutDropped = 0, stderrDropped = 0) => ({
  stdout: Buffer.from(stdout),
  stderr: Buffer.from(stderr),
  stdoutDropped,
  stderrDropped,
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('live output in the record store', () => {
  it('appends while the run is current, is dropped when it ends, and refuses late writes', async () => {
    const prefix = uniquePrefix();
    const redis = new Redis(REDIS_URL);
    const keys = executionKeys(prefix);
    const store = createRecordStore(redis, keys, retentionSecondsOf(1));
    try {
      await store.create('live0001', { action: 't.x', params: {} }, new Date());
      // not running yet: nothing is written
      expect(await store.appendOutput('live0001', 1, delta('early'))).toBe(false);
      expect(await store.start('live0001', 1)).toMatchObject({ kind: 'run', attempts: 1 });

      expect(await store.appendOutput('live0001', 1, delta('héllo ', 'warn\n'))).toBe(true);
      // a multi-byte character split across two writes comes out whole
      const euro = Buffer.from('€');
      expect(await store.appendOutput('live0001', 1, { ...delta('world '), stdout: Buffer.concat([Buffer.from('world '), euro.subarray(0, 1)]) })).toBe(true);
      expect((await store.get('live0001'))?.output?.stdout).toBe('héllo world ');
      expect(await store.appendOutput('live0001', 1, { ...delta(''), stdout: euro.subarray(1), stdoutDropped: 7 })).toBe(true);
      const running = await store.get('live0001');
      expect(running?.output).toMatchObject({ stdout: 'héllo world €\n…[truncated 7 bytes]', stderr: 'warn\n' });
      expect(Date.parse(running!.output!.updated_at)).not.toBeNaN();
      // a lost run's writer (another attempt) changes nothing
      expect(await store.appendOutput('live0001', 2, delta('stale'))).toBe(false);
      // listings read records without their output
      expect((await store.getMany(['live0001']))[0]?.output).toBeUndefined();

      expect(await store.finish('live0001', 'succeeded', { result: { stdout: 'final' } })).toBe(true);
      expect(await redis.exists(keys.liveOutput('live0001'))).toBe(0);
      expect(await store.appendOutput('live0001', 1, delta('late'))).toBe(false);
      expect(await redis.exists(keys.liveOutput('live0001'))).toBe(0);
      const done = await store.get('live0001');
      expect(done?.output).toBeUndefined();
      expect(done?.result).toEqual({ stdout: 'final' });

      // a run lost with its worker and started again starts with no output; the lost run cannot add any
      await store.create('live0002', { action: 't.x', params: {} }, new Date());
      await store.start('live0002', 2);
      expect(await store.appendOutput('live0002', 1, delta('from the lost run\n'))).toBe(true);
      expect(await store.start('live0002', 2)).toEqual({ kind: 'run', attempts: 2, lost: true });
      expect((await store.get('live0002'))?.output).toBeUndefined();
      expect(await store.appendOutput('live0002', 1, delta('still the lost run\n'))).toBe(false);
      expect(await store.appendOutput('live0002', 2, delta('second run\n'))).toBe(true);
      expect((await store.get('live0002'))?.output?.stdout).toBe('second run\n');
      // sent back to queued for a retry: its output goes too
      await store.retry('live0002', 'exit code 1');
      expect((await store.get('live0002'))?.status).toBe('queued');
      expect(await redis.exists(keys.liveOutput('live0002'))).toBe(0);
    } finally {
      redis.disconnect();
      await cleanupPrefix(prefix);
    }
  });

  it('shows what a module action prints through ctx.stdout and ctx.stderr while it runs', async () => {
    const dir = tempDir();
    const go = join(dir, 'go');
    writeFileSync(
      join(dir, 'progress.mjs'),
      `import { existsSync } from 'node:fs';
export default async function (params, ctx) {
  ctx.stdout('step 1 of 2\\n');
  ctx.stderr('careful\\n');
  while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 50));
  ctx.stdout('step 2 of 2\\n');
  while (!existsSync(${JSON.stringify(`${go}2`)})) await new Promise((r) => setTimeout(r, 50));
  return { steps: 2 };
}
`,
    );
    h = harness([action('t.progress', { runner: 'module', module: 'progress.mjs' })], { dir });
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.progress', params: {} });
    const service = h.service;
    const first = await waitFor(async () => {
      const r = await service.get(execution.id);
      return r?.output?.stderr === 'careful\n' ? r : undefined;
    }, 'the first step');
    expect(first.output?.stdout).toBe('step 1 of 2\n');
    writeFileSync(go, '');
    const second = await waitFor(async () => {
      const r = await service.get(execution.id);
      return r?.output?.stdout === 'step 1 of 2\nstep 2 of 2\n' ? r : undefined;
    }, 'the second step');
    expect(second.status).toBe('running');
    writeFileSync(`${go}2`, '');
    const done = await waitForStatus(service, execution.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.result).toEqual({ steps: 2 });
    expect(done.output).toBeUndefined();
    expect(existsSync(go)).toBe(true);
  });
});
