/**
 * Fault: a worker process SIGKILLed while a shell action runs takes the action's whole process group
 * with it (src/executions/runners/group-watchdog.ts): the command does not go on to finish after its
 * worker died, none of its processes stays alive, and the watchdog itself exits. A cancel before
 * (which kills a run's group) leaves the watchdog in place for the runs after it.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createExecutionService } from '../../src/executions/service.ts';
import type { ExecutionService } from '../../src/executions/types.ts';
import { silentLogger } from '../../src/log.ts';
import {
  action,
  cleanupPrefix,
  makeConfig,
  pidAlive,
  readPid,
  spawnWorker,
  stopProcess,
  tempDir,
  uniquePrefix,
  waitFor,
  waitForStatus,
} from '../integration/executions/helpers.ts';

interface Proc {
  pid: number;
  ppid: number;
  pgrp: number;
  sid: number;
  state: string;
  cmdline: string;
}

/** every live process (zombies left out), from /proc/<pid>/stat */
function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state = '', ppid = '', pgrp = '', sid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      out.push({ pid: Number(name), ppid: Number(ppid), pgrp: Number(pgrp), sid: Number(sid), state, cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
const inGroup = (pgid: number) => processes().filter((p) => p.pgrp === pgid);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

describe('a worker SIGKILLed during a shell run', () => {
  it('kills the run’s process group at once: the command never finishes, nothing of it stays alive', async () => {
    const dir = tempDir();
    // leader pid (= pgid) and a background child in the same group, then the "work" that would end it
    const script = 'sleep 60 & echo $! > "$2"; echo $$ > "$1"; sleep 2; echo done > "$3"';
    prefix = uniquePrefix();
    const config = makeConfig({
      prefix,
      actions: [
        action('t.long', {
          runner: 'shell',
          command: ['sh', '-c', script, 'sh', join(dir, '{{ n }}.pid'), join(dir, '{{ n }}.bg'), join(dir, '{{ n }}.done')],
        }),
      ],
    });
    service = createExecutionService({ config, logger: silentLogger });
    const worker = await spawnWorker(config);
    children.push(worker);
    const workerPid = worker.pid!;

    // a first run, canceled: its group is killed, the watchdog is not
    const first = await service.submit({ action: 't.long', params: { n: 'a' } });
    const firstLeader = await readPid(join(dir, 'a.pid'));
    pids.push(firstLeader, await readPid(join(dir, 'a.bg')));
    const watchdogs = () => processes().filter((p) => p.ppid === workerPid && p.sid === p.pid && p.cmdline.includes('while read -r op pg'));
    const [watchdog] = await waitFor(() => {
      const w = watchdogs();
      return w.length === 1 ? w : undefined;
    }, 'the worker’s watchdog (its own session, a child of the worker)');
    await waitForStatus(service, first.execution.id, ['running']);
    await service.cancel(first.execution.id);
    await waitFor(() => inGroup(firstLeader).length === 0, 'the canceled run’s group to be gone');
    expect(pidAlive(watchdog!.pid)).toBe(true);

    // the second run: the worker dies in the middle of it
    const second = await service.submit({ action: 't.long', params: { n: 'b' } });
    const leader = await readPid(join(dir, 'b.pid'));
    const background = await readPid(join(dir, 'b.bg'));
    pids.push(leader, background);
    await waitForStatus(service, second.execution.id, ['running']);
    const group = inGroup(leader);
    expect(group.map((p) => p.pid)).toEqual(expect.arrayContaining([leader, background]));
    expect(watchdogs().map((p) => p.pid)).toEqual([watchdog!.pid]); // one per worker, not one per run
    const killedAt = Date.now();
    await stopProcess(worker, 'SIGKILL');

    await waitFor(() => inGroup(leader).length === 0, 'every process of the run’s group to be gone', 5000);
    await waitFor(() => !pidAlive(watchdog!.pid), 'the watchdog to exit with its worker', 5000);
    // past the moment the action would have finished: it never did
    await sleep(Math.max(0, killedAt + 3000 - Date.now()));
    expect(existsSync(join(dir, 'b.done'))).toBe(false);
    expect(existsSync(join(dir, 'a.done'))).toBe(false);
    expect(group.filter((p) => pidAlive(p.pid))).toEqual([]);
  });
});
