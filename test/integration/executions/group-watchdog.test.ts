/**
 * The per-process watchdog of shell runs' process groups (src/executions/runners/group-watchdog.ts),
 * in real child processes (fixtures/watchdog-child.ts): it never keeps its process from exiting and
 * exits with it; killed, it is replaced and the new one guards the groups the old one did. (A worker
 * SIGKILLed mid-run: test/faults/shell-group-on-worker-kill.test.ts.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { pidAlive, stopProcess, tempDir, waitFor } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/watchdog-child.ts', import.meta.url));
let children: ChildProcess[] = [];
let pids: number[] = [];
afterEach(async () => {
  for (const c of children) await stopProcess(c, 'SIGKILL');
  for (const p of pids) if (pidAlive(p)) process.kill(p, 'SIGKILL');
  children = [];
  pids = [];
});

function start(mode: string): { child: ChildProcess; out: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode, tempDir()], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, out: () => out };
}
const numbers = (text: string, label: string) => [...text.matchAll(new RegExp(`^${label} (\\d+)$`, 'gm'))].map((m) => Number(m[1]));

describe('the shell runs’ group watchdog', () => {
  it('never keeps its process from exiting, and exits with it', async () => {
    const { child, out } = start('exit');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(out()).toContain('outcome succeeded');
    expect(code).toBe(0);
    const [watchdog] = numbers(out(), 'watchdog');
    expect(watchdog).toBeGreaterThan(1);
    await waitFor(() => !pidAlive(watchdog!), 'the watchdog to exit with its process', 5000);
  });

  it('is replaced when killed, and the new one kills the groups at its process’s death', async () => {
    const { child, out } = start('replace');
    const [first] = await waitFor(() => {
      const w = numbers(out(), 'watchdog');
      return w.length >= 1 ? w : undefined;
    }, 'the first watchdog');
    pids.push(first!);
    // a watchdog that dies within a second of its start is taken for a broken environment: wait past it
    await new Promise((r) => setTimeout(r, 1200));
    process.kill(first!, 'SIGKILL');
    const [, second] = await waitFor(() => {
      const w = numbers(out(), 'watchdog');
      return w.length >= 2 ? w : undefined;
    }, 'a new watchdog');
    const [group] = numbers(out(), 'group');
    pids.push(second!, group!);
    expect(second).not.toBe(first);
    expect(pidAlive(group!)).toBe(true);
    await stopProcess(child, 'SIGKILL');
    await waitFor(() => !pidAlive(group!), 'the guarded group to be killed by the new watchdog', 5000);
    await waitFor(() => !pidAlive(second!), 'the new watchdog to exit', 5000);
  });
});
