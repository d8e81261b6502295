import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopProcess, tempDir } from '../executions/helpers.ts';
import { failedExecution, startWorld, waitFor, type World } from './harness.ts';

async function spawnDeliveryWorker(env: Record<string, string>): Promise<ChildProcess> {
  const file = join(tempDir(), 'env.json');
  writeFileSync(file, JSON.stringify(env));
  const script = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`delivery worker exited ${code}: ${err}`)));
  });
  return child;
}

describe('delivery worker crash', () => {
  let w: World;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(async () => {
    if (child) await stopProcess(child, 'SIGKILL');
    await w.close();
  });

  it('does not lose a delivery whose worker process is killed mid-send', async () => {
    child = await spawnDeliveryWorker(w.env);
    w.hook.plan.push({ status: 200, hang: true });
    const exec = failedExecution('crash001');
    const res = await w.deliveries.notify({ channels: ['hooks'], message: `crash test ${exec.id}` });
    await w.hook.waitForRequests(1);
    await stopProcess(child, 'SIGKILL');
    expect(w.hook.delivered()).toBe(0);
    await w.startDeliveryWorker();
    await waitFor(() => w.hook.delivered() === 1, 'the re-run delivery', 20_000);
    const [hung, redone] = w.hook.requests;
    expect(redone!.parsed).toMatchObject({ id: res.deliveries[0]!.id, text: `crash test ${exec.id}` });
    expect(hung!.headers['x-switchboard-delivery']).toBe(res.deliveries[0]!.id);
  });
});
