/**
 * process-tag.ts on real processes: a lost run's process group is killed only on the same host
 * and boot, and only while its leader is the very process the tag names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { processTag, reapLostRun } from '../../../src/executions/process-tag.ts';
import { silentLogger } from '../../../src/log.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

let children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) if (c.pid && alive(c.pid)) process.kill(-c.pid, 'SIGKILL');
  children = [];
});

/** A detached group: a shell leader and a sleeping child of its own. */
function group(): ChildProcess {
  const c = spawn('sh', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore' });
  children.push(c);
  return c;
}

describe.runIf(process.platform === 'linux')('reapLostRun', () => {
  it('kills the whole group named by a tag made here', async () => {
    const c = group();
    const tag = processTag(c.pid!);
    expect(tag.split('|')).toHaveLength(4);
    expect(tag.startsWith(`${hostname()}|`)).toBe(true);
    expect(reapLostRun(tag, silentLogger)).toBe('killed');
    await exited(c);
    expect(alive(c.pid!)).toBe(false);
  });

  it('leaves alone a pid whose start time differs (reused since), and a tag from another host', () => {
    const c = group();
    const [host, boot, pid, start] = processTag(c.pid!).split('|');
    expect(reapLostRun([host, boot, pid, String(Number(start) + 1)].join('|'), silentLogger)).toBe('gone');
    expect(reapLostRun(['another-host', boot, pid, start].join('|'), silentLogger)).toBe('elsewhere');
    expect(reapLostRun([host, 'another-boot', pid, start].join('|'), silentLogger)).toBe('elsewhere');
    expect(reapLostRun([host, boot, pid, ''].join('|'), silentLogger)).toBe('unknown');
    expect(reapLostRun('garbage', silentLogger)).toBe('unknown');
    expect(alive(c.pid!)).toBe(true);
  });
});
