/**
 * The worker's `onProgress` hook (src/executions/progress.ts): `running` first (step 0), then a
 * module's `context.progress(text)` or a shell action's last output line; a failing hook never
 * fails the run. The actions wait for files the test writes, so nothing depends on timing.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressUpdate } from '../../../src/executions/progress.ts';
import type { ExecutionRecord } from '../../../src/executions/types.ts';
import { action, tempDir, waitFor, waitForStatus } from './helpers.ts';
import { harness, type Harness } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Seen = { exec: ExecutionRecord; update: ProgressUpdate };

describe('the onProgress hook', () => {
  it('reports running, then each context.progress text of a module action, in step order', async () => {
    const dir = tempDir();
    const go = join(dir, 'go');
    writeFileSync(
      join(dir, 'steps.mjs'),
      `import { existsSync } from 'node:fs';
export default async function (params, ctx) {
  ctx.progress('phase one');
  while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 25));
  ctx.progress(42);
  while (!existsSync(${JSON.stringify(`${go}2`)})) await new Promise((r) => setTimeout(r, 25));
  return 'ok';
}
`,
    );
    const seen: Seen[] = [];
    h = harness([action('t.steps', { runner: 'module', module: 'steps.mjs' })], { dir });
    await h.startWorker({ hooks: { onTerminal: async () => {}, onProgress: async (exec, update) => void seen.push({ exec, update }) } });
    const { execution } = await h.service.submit({ action: 't.steps', params: {} });
    await waitFor(() => seen.find((s) => s.update.line === 'phase one'), 'the first progress');
    writeFileSync(go, '');
    await waitFor(() => seen.find((s) => s.update.line === '42'), 'the second progress (not a string: shown as text)');
    writeFileSync(`${go}2`, '');
    expect((await waitForStatus(h.service, execution.id, ['succeeded', 'failed'])).status).toBe('succeeded');
    expect(seen.map((s) => s.update)).toEqual([{ step: 0 }, { step: 1, line: 'phase one' }, { step: 2, line: '42' }]);
    expect(seen[0]!.exec).toMatchObject({ id: execution.id, status: 'running', attempts: 1 });
  });

  it("reports a shell action's last non-empty output line, and a failing hook does not fail the run", async () => {
    const dir = tempDir();
    const go = join(dir, 'go');
    const seen: Seen[] = [];
    h = harness([action('t.sh', { runner: 'shell', command: ['sh', '-c', `echo one; echo two; echo; while [ ! -f '${go}' ]; do sleep 0.05; done`] })], { dir });
    await h.startWorker({
      hooks: {
        onTerminal: async () => {},
        onProgress: async (exec, update) => {
          seen.push({ exec, update });
          if (update.step === 0) throw new Error('the delivery queue is down');
        },
      },
    });
    const { execution } = await h.service.submit({ action: 't.sh', params: {} });
    await waitFor(() => seen.find((s) => s.update.line === 'two'), 'the last line');
    writeFileSync(go, '');
    expect((await waitForStatus(h.service, execution.id, ['succeeded', 'failed'])).status).toBe('succeeded');
    expect(seen.map((s) => s.update.line)).not.toContain('one');
    expect(existsSync(go)).toBe(true);
  });

  it('reports nothing for an instant builtin (it never is `running`)', async () => {
    const seen: Seen[] = [];
    h = harness([]);
    await h.startWorker({ hooks: { onTerminal: async (e) => void h!.terminal.push(e), onProgress: async (exec, update) => void seen.push({ exec, update }) } });
    const { execution } = await h.service.submit({ action: 'core.echo', params: { message: 'hi' } });
    await waitFor(() => h!.terminal.find((e) => e.id === execution.id), 'the terminal hook');
    expect(seen).toEqual([]);
  });
});
