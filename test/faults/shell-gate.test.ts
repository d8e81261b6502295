/**
 * The shell runner's gate (src/executions/runners/shell.ts): a run's leader waits, before it becomes
 * the action, for the line the worker writes once the group watchdog has the run's group in its pipe.
 * A worker killed in between (issue 16: an orphan completion in about 1 of 25 process-loss runs, a
 * run spawned in the instant of the kill) closes its end: the gate reads end-of-file and the action
 * never starts. Real processes; the worker's death is its end of the gate pipe closing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GATE } from '../../src/executions/runners/shell.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-gate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `touch <marker> <args...>` behind the gate; resolves with its exit code once `open` decided */
function gatedTouch(marker: string, open: (gate: Writable) => void, ...args: string[]): Promise<number | null> {
  const child = spawn('/bin/sh', ['-c', GATE, 'touch', marker, ...args], { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const gate = child.stdio[3] as Writable;
  gate.on('error', () => undefined);
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  open(gate);
  return exited;
}

describe('the shell runner gate', () => {
  it('runs the action, with its argv unchanged, once the line arrives', async () => {
    const marker = join(dir, 'ran');
    const odd = join(dir, "a b; 'c' $(id)");
    expect(await gatedTouch(marker, (g) => g.end('go\n'), odd)).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(existsSync(odd)).toBe(true);
  });

  it('never starts the action when the worker is gone before it opened the gate', async () => {
    const marker = join(dir, 'ran');
    // the worker's end closes without the line, as when the kernel closes a SIGKILLed worker's fds
    expect(await gatedTouch(marker, (g) => g.destroy())).toBe(125);
    expect(existsSync(marker)).toBe(false);
  });
});
