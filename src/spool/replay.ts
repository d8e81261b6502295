/**
 * Replaying the spool (docs/contracts.md section 7, "When Redis is away"), from any gateway that
 * shares the folder:
 *
 * 1. Take the folder's lease, `replay.lock`, created with O_EXCL and refreshed (its mtime) while
 *    held; one left unrefreshed for `staleMs` is a dead replayer's and is taken over.
 * 2. Seal the `.open` segments of dead writers (not refreshed for `staleMs`).
 * 3. Each sealed segment, oldest first: each entry not yet in its `.done` file, in order, is run,
 *    then its id appended to `.done` and fsynced. A torn or damaged tail is reported, its bytes
 *    kept in `.tail`, and never run. Then the segment and its `.done` are deleted.
 *
 * Exactly once does not rest on the lease: every entry runs with its idempotency key, so an entry
 * run again (a crash before its `.done` line, two replayers after a lease taken over) finds the
 * execution it made the first time. The lease keeps the order and saves the work.
 */
import { hostname } from 'node:os';
import { open, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { decodeFrames, encodeFrame } from './frame.ts';
import { DONE_EXT, listSegments, LOCK_FILE, SEALED_EXT, syncDir, TAIL_EXT } from './segments.ts';
import type { SpoolEntry } from './types.ts';

export interface ReplayOptions {
  dir: string;
  logger: Logger;
  /** runs one entry exactly once through its idempotency key; a throw stops the replay (kept for the next) */
  run(entry: SpoolEntry): Promise<void>;
  /** told after each entry is marked done */
  replayed?(entry: SpoolEntry): void;
  /** told after a segment was replayed and deleted (its damaged tail, if any, cut off) */
  segmentDone?(base: string): void;
  /** aborted: the replay stops before the next entry (the gateway is stopping); the rest is kept for the next */
  signal?: AbortSignal;
  /** a lease or an open segment not refreshed for this long is a dead process's (default 15 s) */
  staleMs?: number;
  now?: () => number;
}

export interface ReplayReport {
  /** false: another gateway holds the lease */
  leased: boolean;
  replayed: number;
  /** segments whose tail was cut off */
  tails: number;
}

const DEFAULT_STALE_MS = 15_000;

/**
 * @example
 * const report = await replaySpool({ dir, logger, run: (e) => replayEntry(e) });
 */
export async function replaySpool(opts: ReplayOptions): Promise<ReplayReport> {
  const { dir, logger } = opts;
  const now = opts.now ?? Date.now;
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const lease = await takeLease(dir, staleMs, now, logger);
  if (!lease) return { leased: false, replayed: 0, tails: 0 };
  const report: ReplayReport = { leased: true, replayed: 0, tails: 0 };
  try {
    for (const seg of await listSegments(dir)) {
      if (seg.sealed) continue;
      if (now() - seg.mtimeMs < staleMs) continue;
      // 2. a writer that stopped refreshing its segment is gone: nobody appends to it any more
      logger.warn({ segment: seg.base }, 'spool: sealing the segment of a gateway that stopped');
      await rename(seg.path, join(dir, seg.base + SEALED_EXT)).catch(() => undefined);
    }
    for (const seg of await listSegments(dir)) {
      if (!seg.sealed) continue;
      if (opts.signal?.aborted) break;
      await lease.refresh();
      const buf = await readFile(seg.path).catch(() => undefined);
      if (!buf) continue; // replayed and deleted by a replayer that held the lease before us
      const decoded = decodeFrames<SpoolEntry>(buf);
      const donePath = join(dir, seg.base + DONE_EXT);
      const done = new Set(decodeFrames<{ id: string }>(await readFile(donePath).catch(() => Buffer.alloc(0))).records.map((r) => r.id));
      const doneFile = await open(donePath, 'a', 0o600);
      let stopped = false;
      try {
        for (const entry of decoded.records) {
          if (done.has(entry.id)) continue;
          if (opts.signal?.aborted) {
            stopped = true;
            break;
          }
          await opts.run(entry);
          await doneFile.write(encodeFrame({ id: entry.id }));
          await doneFile.sync();
          report.replayed += 1;
          opts.replayed?.(entry);
          await lease.refresh();
        }
      } finally {
        await doneFile.close();
      }
      // the segment and its `.done` stay: the next replayer goes on after the entries marked done
      if (stopped) break;
      if (decoded.stopped !== undefined) {
        // a torn or damaged tail: never run half a record; its bytes are kept for a look
        report.tails += 1;
        await writeFile(join(dir, seg.base + TAIL_EXT), buf.subarray(decoded.goodEnd), { mode: 0o600 });
        logger.warn(
          { segment: seg.base, records: decoded.records.length, tail_bytes: buf.length - decoded.goodEnd, kept: seg.base + TAIL_EXT },
          `spool: ${decoded.stopped}; the records before it were replayed, the tail was cut off`,
        );
      }
      await unlink(seg.path).catch(() => undefined);
      await unlink(donePath).catch(() => undefined);
      await syncDir(dir);
      opts.segmentDone?.(seg.base);
    }
  } finally {
    await lease.release();
  }
  return report;
}

interface Lease {
  refresh(): Promise<void>;
  release(): Promise<void>;
}

/** 1. The folder's lease: O_EXCL create; a stale one (a dead replayer's) is moved away and taken. */
async function takeLease(dir: string, staleMs: number, now: () => number, logger: Logger): Promise<Lease | undefined> {
  const path = join(dir, LOCK_FILE);
  const me = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = await open(path, 'wx', 0o600);
      await fd.writeFile(JSON.stringify({ owner: me, at: new Date(now()).toISOString() }));
      await fd.sync();
      await fd.close();
      let refreshedAt = now();
      return {
        async refresh() {
          if (now() - refreshedAt < staleMs / 4) return;
          refreshedAt = now();
          const t = new Date(refreshedAt);
          await utimes(path, t, t).catch(() => undefined);
        },
        async release() {
          // only our own lease: one taken over from us (we were too slow) is the other's now
          const held = await readFile(path, 'utf8').catch(() => '');
          if (held.includes(me)) await unlink(path).catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = await stat(path).catch(() => undefined);
      if (st && now() - st.mtimeMs < staleMs) return undefined;
      // stale (or gone meanwhile): moved aside under a name of our own, then created afresh; two contenders
      // racing here may both replay for a while, which the idempotency keys make harmless
      const aside = `${path}.stale-${me.replace(/[^a-z0-9]/gi, '')}`;
      if (
        st &&
        (await rename(path, aside)
          .then(() => true)
          .catch(() => false))
      ) {
        logger.warn({ dir }, 'spool: took over the replay lease of a gateway that stopped');
        await unlink(aside).catch(() => undefined);
      }
    }
  }
  return undefined;
}
