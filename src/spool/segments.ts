/**
 * The spool folder's files (docs/contracts.md section 7, "When Redis is away"). Names sort in the
 * order the segments were opened:
 *
 * ```
 * 001765000000123-k2m9x4-0001.open   the segment a live gateway appends to (its mtime: a heartbeat)
 * 001765000000123-k2m9x4-0001.log    sealed: nobody appends to it any more; replayed, then deleted
 * 001765000000123-k2m9x4-0001.done   the ids of its entries already replayed (framed, fsynced)
 * 001765000000123-k2m9x4-0001.tail   the bytes of a torn or damaged tail cut off at replay
 * replay.lock                        the replayer's lease (O_EXCL; stale when not refreshed)
 * ```
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const OPEN_EXT = '.open';
export const SEALED_EXT = '.log';
export const DONE_EXT = '.done';
export const TAIL_EXT = '.tail';
export const LOCK_FILE = 'replay.lock';

/** `001765000000123-k2m9x4-0001`: the opening time (ms, 15 digits), the writer, its sequence. */
export function segmentBase(openedAt: number, writer: string, seq: number): string {
  return `${String(openedAt).padStart(15, '0')}-${writer}-${String(seq).padStart(4, '0')}`;
}

export interface SegmentFile {
  base: string;
  path: string;
  sealed: boolean;
  size: number;
  mtimeMs: number;
}

/** The segments of `dir` (open and sealed), oldest first. */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  const out: SegmentFile[] = [];
  for (const name of names.sort()) {
    const sealed = name.endsWith(SEALED_EXT);
    if (!sealed && !name.endsWith(OPEN_EXT)) continue;
    const path = join(dir, name);
    // a segment replayed and deleted by another gateway between readdir and stat
    const st = await stat(path).catch(() => undefined);
    if (!st) continue;
    out.push({ base: name.slice(0, -(sealed ? SEALED_EXT : OPEN_EXT).length), path, sealed, size: st.size, mtimeMs: st.mtimeMs });
  }
  return out;
}

/** Makes the folder's own entry changes (a file created, renamed, deleted) durable. */
export async function syncDir(dir: string): Promise<void> {
  const fd = await open(dir, 'r');
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}
