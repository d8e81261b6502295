/**
 * The process groups of this process's shell runs die with it, even on SIGKILL (Linux has no
 * "kill my children when I die" that Node can set): one small `/bin/sh` per process, started when
 * the shell runner is created (before any run: a watchdog started by the first run was forked after
 * that run's process, and a worker killed in between left the run behind), reads `+ <pgid>` / `- <pgid>` lines from a pipe whose other end only this
 * process holds. When this process dies, however it dies, the kernel closes that end, `read` sees
 * end-of-file, and the watchdog sends SIGKILL to every group still listed, then exits.
 *
 * - It runs in its own session and process group (`detached`), so neither a group kill of a run
 *   (cancel, timeout) nor a Ctrl-C to this process's group reaches it; it ignores SIGINT, SIGTERM,
 *   SIGHUP and SIGQUIT, and lives exactly as long as the pipe: it cannot outlive this process.
 * - It and its pipe are unref'd: it never keeps this process from exiting.
 * - A group is listed right after its leader is spawned and delisted once the run has ended (and
 *   its group was killed by the runner), so a pgid reused later is never targeted. The leader waits
 *   at a gate until its line is in the pipe (shell.ts), so no run acts before it is guarded.
 * - One per process, not one per run: a run costs two short pipe writes, not a second fork/exec
 *   (measured: a per-run watchdog halved shell runs per second; `npm run bench -- shell`).
 * - If the watchdog dies (someone killed it), the next run starts a new one with every live group
 *   listed again; when it cannot start (no /bin/sh), runs go on unguarded and a lost run's group is
 *   still stopped later by the worker that finds the run lost (src/executions/process-tag.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

// a pgid is listed as " <n> " inside $g; removal cuts it out with two expansions (no fork)
const SCRIPT = `trap '' INT TERM HUP QUIT
g=' '
while read -r op pg; do
  case $op in
    +) g="$g$pg " ;;
    -) case $g in *" $pg "*) g="\${g%% $pg *} \${g#* $pg }" ;; esac ;;
  esac
done
for pg in $g; do kill -s KILL -- "-$pg" 2>/dev/null; done
`;

/** a watchdog that dies this soon after its start is not started again (a broken environment) */
const MIN_LIFE_MS = 1000;

const groups = new Set<number>();
let child: ChildProcess | undefined;
let broken = false;

/** `written`: called once the line is in the pipe (the watchdog reads it even if this process dies next), or could not be */
function send(line: string, written?: () => void): void {
  const stdin = child?.stdin;
  if (!stdin) return written?.();
  stdin.write(line, () => written?.());
}

function start(written?: () => void): void {
  if (child || broken || process.platform === 'win32') return written?.();
  const startedAt = Date.now();
  const c = spawn('/bin/sh', ['-c', SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child = c;
  c.unref();
  (c.stdin as unknown as Socket).unref();
  c.stdin!.on('error', () => undefined); // EPIPE once it is gone: 'exit' below replaces it
  const gone = () => {
    if (child !== c) return;
    child = undefined;
    if (Date.now() - startedAt < MIN_LIFE_MS) broken = true;
    else if (groups.size) start();
  };
  c.on('error', () => {
    broken = true;
    gone();
  });
  c.on('exit', gone);
  const listed = [...groups];
  if (listed.length === 0) return written?.();
  // write callbacks run in order: the last one means every line is in the pipe
  listed.forEach((pg, i) => send(`+ ${pg}\n`, i === listed.length - 1 ? written : undefined));
}

/** Starts the watchdog now, with no group yet, so a run only writes its line (shell runner creation). */
export function startGroupWatchdog(): void {
  start();
}

/**
 * Kill group `pgid` (SIGKILL) should this process die before {@link releaseGroup}. `listed` is called
 * once the watchdog is sure to see the group even if this process is killed next (its line is in
 * the pipe), or at once when there is no watchdog (it could not start): the shell runner holds the
 * run's process until then, so no run can do anything unguarded.
 */
export function guardGroup(pgid: number, listed?: () => void): void {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) return listed?.();
  groups.add(pgid);
  if (child) send(`+ ${pgid}\n`, listed);
  else start(listed);
}

/** The run of group `pgid` has ended and its group was killed: forget it. */
export function releaseGroup(pgid: number): void {
  if (!groups.delete(pgid)) return;
  send(`- ${pgid}\n`);
}

/** For tests: the watchdog's pid (undefined before the first shell run) and the groups it guards. */
export function watchdogState(): { pid: number | undefined; groups: number[] } {
  return { pid: child?.pid, groups: [...groups] };
}
