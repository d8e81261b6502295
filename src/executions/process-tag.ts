/**
 * What a run spawned, written down so that another worker can stop it when the run's own worker
 * died (SIGKILL, OOM, power): `<host>|<boot id>|<pid>|<start time>` of the process group leader.
 * The boot id and the leader's start time (Linux `/proc`) guard against a pid reused since: a
 * group is killed only on the same host and boot, and only while its leader is the same process.
 * Where `/proc` is missing the tag has no start time and nothing is killed (the log says where the
 * run may still be going on).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from '../log.ts';

let bootIdCache: string | undefined;
function bootId(): string {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootIdCache = '';
    }
  }
  return bootIdCache;
}

/** The start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), '' when unknown. */
function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces or parentheses itself
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? '';
  } catch {
    return '';
  }
}

/**
 * @example
 * processTag(child.pid) // 'worker-1|6f1c...|41235|8812345'
 */
export function processTag(pid: number): string {
  return [hostname(), bootId(), pid, startTime(pid)].join('|');
}

export type ReapOutcome = 'killed' | 'gone' | 'elsewhere' | 'unknown';

/**
 * Stops the process group of a lost run when it is still running here.
 *
 * @example
 * reapLostRun(tag, logger) // 'killed': its group got SIGKILL
 */
export function reapLostRun(tag: string, logger: Logger): ReapOutcome {
  const [host = '', boot = '', pidText = '', start = ''] = tag.split('|');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 1) return 'unknown';
  if (host !== hostname() || boot !== bootId()) {
    logger.warn({ host, pid }, 'the lost run may still be running on another host; stop it there');
    return 'elsewhere';
  }
  if (start === '') {
    logger.warn({ pid }, 'the lost run may still be running (its start time is unknown here, so it is left alone)');
    return 'unknown';
  }
  if (startTime(pid) !== start) return 'gone';
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    return 'gone';
  }
  logger.warn({ pid }, 'stopped the process group the lost run left running');
  return 'killed';
}
