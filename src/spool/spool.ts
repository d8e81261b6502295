/**
 * The local spool of one gateway process (docs/contracts.md section 7, "When Redis is away"): an
 * append-only log of the commands accepted while Redis could not be reached, each record framed
 * (frame.ts) and fsynced before the command is answered 202.
 *
 * - One writer per process, in segments of its own (segments.ts): two gateways sharing a folder
 *   never append to one file. Appends arriving together share one write and one fsync.
 * - A segment is sealed (`.open` → `.log`) when it reaches its size, before this gateway replays,
 *   and on close; the replayer (replay.ts) reads sealed segments only.
 * - The folder holds at most `max_mb` of segments (every gateway's): past it an append is refused
 *   with {@link SpoolFullError} (`spool full (max_mb 64)`).
 * - What this gateway spooled and was not yet replayed is indexed by provisional id and by
 *   idempotency key: the same message re-sent while Redis is away gets the same provisional id.
 */
import { readFile, mkdir, open, rename, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { newExecutionId } from '../executions/ids.ts';
import type { Logger } from '../log.ts';
import { decodeFrames, encodeFrame } from './frame.ts';
import { DONE_EXT, listSegments, OPEN_EXT, SEALED_EXT, segmentBase, syncDir } from './segments.ts';
import { SpoolFullError, type SpooledCommand, type SpoolEntry } from './types.ts';

export interface SpoolOptions {
  dir: string;
  /** the folder's bound, in MiB (`spool.max_mb`) */
  maxMb: number;
  logger: Logger;
  /** a segment is sealed past this many bytes (default: max_mb / 8, at least 64 KiB) */
  segmentBytes?: number;
  now?: () => number;
}

export interface CommandSpool {
  readonly dir: string;
  /**
   * Keeps `command` (fsynced) and returns its entry; the same idempotency key again returns the
   * entry already kept. Throws {@link SpoolFullError} when the folder holds `max_mb`.
   */
  append(command: Omit<SpooledCommand, 'idempotencyKey'> & { idempotencyKey?: string }): Promise<SpoolEntry>;
  /** an entry this gateway kept and has not seen replayed */
  pending(id: string): SpoolEntry | undefined;
  /** how many entries this gateway holds */
  size(): number;
  /** the entry was replayed (by this gateway or another): forget it */
  forget(id: string): void;
  /**
   * a segment was replayed and deleted: what this gateway still held of it was in its damaged tail,
   * never run; forgotten (and named in a warning)
   */
  segmentDone(base: string): void;
  /** the folder holds no segment any more (all replayed, by whichever gateway): forget everything */
  forgetAll(): void;
  /**
   * What the folder holds against its bound (read again at most every second: other gateways append,
   * replayers delete); `accepting`: open and not full, so an append may be kept (`/readyz`).
   */
  usage(): Promise<SpoolUsage>;
  /** seals the segment being written, when it holds anything, so a replayer takes it */
  seal(): Promise<void>;
  /** refreshes the open segment's heartbeat (its mtime): a segment left unrefreshed is a dead writer's */
  heartbeat(): Promise<void>;
  /** seals, and takes no more appends */
  close(): Promise<void>;
}

export interface SpoolUsage {
  usedBytes: number;
  maxBytes: number;
  accepting: boolean;
}

/** room kept for one more command when the spool is said to be accepting (a frame is rarely over 4 KiB) */
const ROOM_BYTES = 4096;

interface Waiting {
  frame: Buffer;
  entry: SpoolEntry;
  resolve(e: SpoolEntry): void;
  reject(err: unknown): void;
}

const MIB = 1024 * 1024;
/** how often the folder's size is read again (other gateways append, replayers delete) */
const RESCAN_MS = 1000;

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** A provisional id: `sp-` and 12 characters of the execution ids' alphabet. */
export const newSpoolId = (): string => `sp-${newExecutionId()}${newExecutionId().slice(0, 4)}`;

/**
 * Opens (creates) the folder and indexes the entries not yet replayed that it already holds.
 *
 * @example
 * const spool = await openSpool({ dir: '.switchboard/spool', maxMb: 64, logger });
 * const entry = await spool.append({ text: 'restart web', source: 'api', user: 'alice', origin, rerun });
 * entry.id // 'sp-k2m9x4q7abcd'
 */
export async function openSpool(opts: SpoolOptions): Promise<CommandSpool> {
  const { dir, logger } = opts;
  const now = opts.now ?? Date.now;
  const maxBytes = Math.floor(opts.maxMb * MIB);
  const segmentBytes = opts.segmentBytes ?? Math.max(64 * 1024, Math.floor(maxBytes / 8));
  // the commands kept name people (numbers, addresses) and say what they run: this process's user only
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const writer = newExecutionId().slice(0, 6);
  const byId = new Map<string, SpoolEntry>();
  const byKey = new Map<string, string>();
  /** the entries held, by segment */
  const bySegment = new Map<string, Set<string>>();
  const index = (e: SpoolEntry, segment: string) => {
    byId.set(e.id, e);
    byKey.set(e.command.idempotencyKey, e.id);
    const ids = bySegment.get(segment) ?? new Set<string>();
    bySegment.set(segment, ids.add(e.id));
  };

  // what the folder already holds and was not replayed: answered `spooled` by GET until replayed
  let used = 0;
  for (const seg of await listSegments(dir)) {
    used += seg.size;
    const decoded = decodeFrames<SpoolEntry>(await readFile(seg.path).catch(() => Buffer.alloc(0)));
    const done = new Set(decodeFrames<{ id: string }>(await readFile(join(dir, seg.base + DONE_EXT)).catch(() => Buffer.alloc(0))).records.map((r) => r.id));
    for (const e of decoded.records) if (!done.has(e.id)) index(e, seg.base);
  }
  let scannedAt = now();

  let seq = 0;
  let fd: FileHandle | undefined;
  let base = '';
  let written = 0;
  let closed = false;
  const queue: Waiting[] = [];
  /** appends not yet fsynced, by idempotency key: a repeat arriving meanwhile waits for the same entry */
  const inflight = new Map<string, Promise<SpoolEntry>>();
  let flushing: Promise<void> | undefined;

  async function sealCurrent(): Promise<void> {
    if (!fd) return;
    const handle = fd;
    fd = undefined;
    await handle.close();
    if (written === 0) {
      await unlink(join(dir, base + OPEN_EXT)).catch(() => undefined);
      return;
    }
    // ENOENT: a replayer took it for a stopped writer's and sealed it already
    await rename(join(dir, base + OPEN_EXT), join(dir, base + SEALED_EXT)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await syncDir(dir);
  }

  async function openNext(): Promise<FileHandle> {
    seq += 1;
    base = segmentBase(now(), writer, seq);
    written = 0;
    const handle = await open(join(dir, base + OPEN_EXT), 'wx', 0o600);
    await syncDir(dir);
    fd = handle;
    return handle;
  }

  async function rescan(): Promise<void> {
    if (now() - scannedAt < RESCAN_MS) return;
    scannedAt = now();
    const segs = await listSegments(dir);
    used = segs.reduce((n, s) => n + s.size, 0);
  }

  /** One write and one fsync for every append waiting, in arrival order. */
  async function flush(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, queue.length);
      try {
        await rescan();
        const accepted: Waiting[] = [];
        for (const w of batch) {
          if (used + w.frame.length > maxBytes) {
            w.reject(new SpoolFullError(`spool full (max_mb ${opts.maxMb}): Redis is unreachable and ${dir} holds all it may; nothing was run`));
            continue;
          }
          used += w.frame.length;
          accepted.push(w);
        }
        if (accepted.length === 0) continue;
        if (fd && written > 0 && written + accepted.reduce((n, w) => n + w.frame.length, 0) > segmentBytes) await sealCurrent();
        const bytes = Buffer.concat(accepted.map((w) => w.frame));
        await writeSynced(fd ?? (await openNext()), bytes);
        if (!(await exists(join(dir, base + OPEN_EXT)))) {
          // a replayer sealed this segment meanwhile (it took this process for a stopped one): the
          // batch may have landed after it read the file; written again to a new segment (a repeat
          // is harmless: the same entries, the same idempotency keys)
          logger.warn({ segment: base }, 'spool: segment sealed by a replayer while in use; the last entries are written again');
          await fd?.close();
          fd = undefined;
          await writeSynced(await openNext(), bytes);
        }
        written += bytes.length;
        for (const w of accepted) {
          index(w.entry, base);
          w.resolve(w.entry);
        }
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
  }

  async function writeSynced(handle: FileHandle, bytes: Buffer): Promise<void> {
    await handle.write(bytes, 0, bytes.length, null);
    await handle.sync();
  }

  function forget(id: string): void {
    const e = byId.get(id);
    if (!e) return;
    byId.delete(id);
    if (byKey.get(e.command.idempotencyKey) === id) byKey.delete(e.command.idempotencyKey);
  }

  function kick(): void {
    if (flushing) return;
    flushing = flush().finally(() => {
      flushing = undefined;
      // an append that arrived after the loop saw an empty queue
      if (queue.length > 0) kick();
    });
  }

  return {
    dir,
    async append(command) {
      if (closed) throw new SpoolFullError('the spool is closed (the gateway is stopping); nothing was run');
      if (command.idempotencyKey !== undefined) {
        const known = byId.get(byKey.get(command.idempotencyKey) ?? '');
        if (known) return known;
        const waiting = inflight.get(command.idempotencyKey);
        if (waiting) return waiting;
      }
      const id = newSpoolId();
      const entry: SpoolEntry = {
        v: 1,
        id,
        at: new Date(now()).toISOString(),
        command: { ...command, idempotencyKey: command.idempotencyKey ?? `spool:${id}` },
      };
      const result = new Promise<SpoolEntry>((resolve, reject) => queue.push({ frame: encodeFrame(entry), entry, resolve, reject }));
      const key = entry.command.idempotencyKey;
      inflight.set(key, result);
      result.then(
        () => inflight.delete(key),
        () => inflight.delete(key),
      );
      kick();
      return result;
    },
    pending: (id) => byId.get(id),
    size: () => byId.size,
    forget,
    segmentDone(segment) {
      const left = [...(bySegment.get(segment) ?? [])].filter((id) => byId.has(id));
      bySegment.delete(segment);
      if (left.length === 0) return;
      logger.warn({ segment, spool_ids: left }, 'spool: these commands were in a damaged tail and were not run');
      for (const id of left) forget(id);
    },
    forgetAll() {
      byId.clear();
      byKey.clear();
      bySegment.clear();
    },
    async usage() {
      await rescan().catch((err: Error) => logger.warn({ err: err.message }, 'spool folder not read'));
      return { usedBytes: used, maxBytes, accepting: !closed && used + ROOM_BYTES <= maxBytes };
    },
    async seal() {
      await flushing;
      await sealCurrent();
    },
    async heartbeat() {
      if (!fd) return;
      const t = new Date(now());
      await utimes(join(dir, base + OPEN_EXT), t, t).catch((err: Error) => logger.warn({ err: err.message }, 'spool heartbeat not written'));
    },
    async close() {
      closed = true;
      await flushing;
      await sealCurrent();
    },
  };
}
