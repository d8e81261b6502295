/**
 * Fault: a worker process killed with SIGKILL in the middle of a batch, once during executions and
 * once during deliveries (the existing worker-process scripts of the integration tests, as real
 * separate processes). Nothing accepted is lost: every execution ends, every delivery arrives.
 * Nothing runs twice beyond the design's allowance:
 * - an execution with `retries: 0` runs at most once: the ones cut off end `failed` ("worker lost");
 * - its terminal hook (which queues the notifications) is at-least-once, made safe by deterministic
 *   delivery ids, so it is counted per id, not per call;
 * - a delivery may be sent again only if the worker died after the send and before recording it:
 *   at most the deliveries in flight at the kill, each repeat carrying the same delivery id.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createExecutionService } from '../../src/executions/service.ts';
import type { ExecutionService } from '../../src/executions/types.ts';
import { silentLogger } from '../../src/log.ts';
import { startWorld, type World } from '../integration/deliveries/harness.ts';
import { action, cleanupPrefix, makeConfig, spawnWorker, stopProcess, tempDir, uniquePrefix, waitFor } from '../integration/executions/helpers.ts';

let children: ChildProcess[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of children) await stopProcess(c, 'SIGKILL');
  children = [];
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const countBy = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());

describe('a worker process killed with SIGKILL', () => {
  it('during executions: every execution ends, none runs twice, the cut-off ones end "worker lost"', async () => {
    const dir = tempDir();
    const started = join(dir, 'started');
    const finished = join(dir, 'finished');
    const hookFile = join(dir, 'hooks');
    const prefix = uniquePrefix();
    const script = 'echo "$1" >> "$2"; sleep 0.4; echo "$1" >> "$3"';
    const config = makeConfig({
      prefix,
      actions: [action('t.work', { runner: 'shell', command: ['sh', '-c', script, 'sh', '{{ n }}', started, finished] })],
      executions: { stalled_interval: 1 },
    });
    const service: ExecutionService = createExecutionService({ config, logger: silentLogger });
    closers.push(async () => {
      await service.close();
      await cleanupPrefix(prefix);
    });
    const first = await spawnWorker(config, { hookFile, concurrency: 4 });
    children.push(first);
    const N = 16;
    const ids = await Promise.all(Array.from({ length: N }, (_, n) => service.submit({ action: 't.work', params: { n } }).then((r) => r.execution.id)));
    // kill it once some have finished and others are mid-run
    await waitFor(() => lines(finished).length >= 2 && lines(started).length > lines(finished).length, 'runs in progress', 30_000);
    await stopProcess(first, 'SIGKILL');
    children.push(await spawnWorker(config, { hookFile, concurrency: 4 }));

    const records = await waitFor(
      async () => {
        const recs = await Promise.all(ids.map((id) => service.get(id)));
        return recs.every((r) => r && ['succeeded', 'failed'].includes(r.status)) ? recs : undefined;
      },
      'every execution to end',
      60_000,
    );
    const startedBy = countBy(lines(started));
    const finishedBy = countBy(lines(finished));
    for (const [n, rec] of records.entries()) {
      // at most once: never started twice (no retries)
      expect(startedBy.get(String(n)) ?? 0).toBeLessThanOrEqual(1);
      if (rec!.status === 'succeeded') expect(finishedBy.get(String(n))).toBe(1);
      else expect(rec).toMatchObject({ status: 'failed', error: 'worker lost' });
    }
    expect(records.filter((r) => r!.status === 'failed').length).toBeGreaterThanOrEqual(1);
    // every terminal execution reached its hook (which queues its notifications)
    await waitFor(() => new Set(lines(hookFile).map((l) => (JSON.parse(l) as { id: string }).id)).size === N, 'every terminal hook', 30_000);
    const hooks = countBy(lines(hookFile).map((l) => (JSON.parse(l) as { id: string }).id));
    expect([...hooks.keys()].sort()).toEqual([...ids].sort());
  });

  it('during deliveries: every delivery arrives; repeats are only of those in flight, with the same id', async () => {
    const w: World = await startWorld();
    closers.push(() => w.close());
    const file = join(tempDir(), 'env.json');
    writeFileSync(file, JSON.stringify(w.env));
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../integration/deliveries/worker-process.ts', import.meta.url)), file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`delivery worker exited ${code}`)));
    });
    // the first few requests never answer: those sends are in flight when the worker dies
    w.hook.plan.push(...Array.from({ length: 5 }, () => ({ status: 200, hang: true })));
    const N = 40;
    const results = await Promise.all(Array.from({ length: N }, (_, i) => w.deliveries.notify({ channels: ['hooks'], message: `kill ${i}` })));
    const ids = results.map((r) => r.deliveries[0]!.id);
    await w.hook.waitForRequests(10);
    await stopProcess(child, 'SIGKILL');
    await w.startDeliveryWorker();

    const ok = () =>
      countBy(w.hook.requests.filter((r) => r.answeredWith !== undefined && r.answeredWith < 300).map((r) => String(r.headers['x-switchboard-delivery'])));
    await waitFor(() => ids.every((id) => (ok().get(id) ?? 0) >= 1), 'every delivery', 60_000);
    const delivered = ok();
    expect(new Set(delivered.keys())).toEqual(new Set(ids));
    const repeated = [...delivered].filter(([, c]) => c > 1);
    // repeats: only deliveries that were in flight at the kill (worker concurrency 20), each at most twice
    expect(repeated.length).toBeLessThanOrEqual(20);
    for (const [, c] of repeated) expect(c).toBe(2);
    // every request for a delivery carries its one id in the body too (receivers deduplicate on it)
    for (const r of w.hook.requests) expect(r.parsed?.id).toBe(r.headers['x-switchboard-delivery']);
  });
});
