/**
 * Reading a config folder's files ahead of the loaders. Thousands of small files cost more in
 * system calls than in parsing's share of a core (open, fstat, read, close: about 15 µs a file on
 * a VM, 0.3 s for 10,000 aliases and their actions), so a large list is read by a thread of its own
 * while the loader parses on the main thread: the two overlap on a second core. A small list (most
 * configs) is read on the main thread, a batch at a time, as a thread costs more to start than
 * such a list costs to read.
 *
 * Either way the loaders take the files one by one in order (diagnostics keep their order), a read
 * error surfaces at its file, as `readFile` would throw it, and the event loop runs between
 * batches, so a reload of a large folder holds it for a few milliseconds at a time. The thread
 * reads at most {@link AHEAD} files past the last one asked for (the texts wait in memory until
 * then), and stops when the loader is done with the list ({@link TextReader.close}). The loader
 * never waits long for it: while the thread starts, or if it falls more than a batch behind, the
 * file asked for is read on the main thread.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ConfigFile } from './files.ts';

/** The reader: `text(i)` is file i's text (once: a text handed out is not held), `close()` ends the reading. */
export interface TextReader {
  (i: number): Promise<string>;
  /** stops the reading thread, if any (a loader calls it when it is done with the list, or gave up on it) */
  close(): void;
  /** whether the texts are read on a thread of their own */
  readonly thread: boolean;
}

export interface ReadAheadOptions {
  /** files read between two turns of the event loop (main-thread reading), or sent at once by the thread */
  batch?: number;
  /** read on a thread of its own: `true`, `false`, or by default from {@link THREAD_MIN} files */
  thread?: boolean;
}

/** From this many files a reading thread pays for its start (about 20 ms of a second core). */
export const THREAD_MIN = 1000;

/** How far the thread may read past the last file asked for. */
const AHEAD = 512;

/** A read error as the thread sends it: what an `fs` error carries, and the file's index. */
interface ReadError {
  i: number;
  message: string;
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

/** The error `fs.readFileSync` threw in the thread, rebuilt (same message, code, errno, syscall, path). */
function rebuild(e: ReadError): Error {
  return Object.assign(new Error(e.message), e.code === undefined ? {} : { code: e.code }, e.errno === undefined ? {} : { errno: e.errno }, {
    ...(e.syscall === undefined ? {} : { syscall: e.syscall }),
    ...(e.path === undefined ? {} : { path: e.path }),
  });
}

/**
 * The reading thread (plain JavaScript, evaluated: it needs no loader and no module of ours). It
 * reads the paths in order and sends them `batch` at a time; `control[0]` is the index of the last
 * file asked for, `control[1]` set means stop, `control[2]` is the file the thread waits to be
 * allowed to read (-1: it is not waiting).
 */
const threadCode = `
const { workerData, parentPort } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { paths, batch, ahead, control } = workerData;
(function run() {
  for (let from = 0; from < paths.length; from += batch) {
    while (from > Atomics.load(control, 0) + ahead) {
      if (Atomics.load(control, 1) === 1) return;
      // say what it waits for (room for half the window: woken for several batches, not one), then
      // look again: the loader wakes it only when that is reached
      const resume = from + (ahead >> 1);
      Atomics.store(control, 2, resume);
      const asked = Atomics.load(control, 0);
      if (resume > asked + ahead) Atomics.wait(control, 0, asked, 1000);
      Atomics.store(control, 2, -1);
    }
    if (Atomics.load(control, 1) === 1) return;
    const parts = [];
    const errors = [];
    let size = 0;
    for (let i = from; i < Math.min(paths.length, from + batch); i++) {
      try {
        const b = readFileSync(paths[i]);
        parts.push(b);
        size += b.length;
      } catch (e) {
        parts.push(undefined);
        errors.push({ i, message: String(e && e.message), code: e && e.code, errno: e && e.errno, syscall: e && e.syscall, path: e && e.path });
      }
    }
    // one buffer for the batch, handed over (not copied): the main thread decodes each file when it is asked
    const bytes = new ArrayBuffer(size);
    const view = new Uint8Array(bytes);
    const ends = [];
    let at = 0;
    for (const b of parts) {
      if (b) {
        view.set(b, at);
        at += b.length;
      }
      ends.push(at);
    }
    parentPort.postMessage({ from, bytes, ends, errors }, [bytes]);
  }
})();
`;

/**
 * Reads the texts of `files` ahead: on a thread of its own for a large list, else on the main
 * thread `batch` files at a time (`fs.readFileSync`: one call per file instead of the four
 * thread-pool round trips of `fs.readFile`, about half the cost for thousands of small files).
 *
 * @example
 * const text = readAhead(files.aliases);
 * try {
 *   for (const [i, file] of files.aliases.entries()) parse(file, await text(i));
 * } finally {
 *   text.close();
 * }
 */
export function readAhead(files: ConfigFile[], opts: ReadAheadOptions = {}): TextReader {
  const { batch = 64, thread = files.length >= THREAD_MIN } = opts;
  return thread && files.length > 0 ? threadReader(files, batch) : mainReader(files, batch);
}

/** Reading on the main thread, a batch before each turn of the event loop. */
function mainReader(files: ConfigFile[], batch: number): TextReader {
  const texts: (string | Error | undefined)[] = [];
  const text = async (i: number) => {
    while (texts.length <= i && texts.length < files.length) {
      await new Promise((resolve) => setImmediate(resolve));
      const end = Math.min(files.length, texts.length + batch);
      for (let j = texts.length; j < end; j++) {
        try {
          texts.push(readFileSync(files[j]!.abs, 'utf8'));
        } catch (e) {
          texts.push(e as Error);
        }
      }
    }
    const t = texts[i] ?? readFileSync(files[i]!.abs, 'utf8');
    // handed out: not held to the end of the load (thousands of texts; asked again, it is read again)
    texts[i] = undefined;
    if (t instanceof Error) throw t;
    return t;
  };
  return Object.assign(text, { close: () => {}, thread: false });
}

/** Reading on a thread: texts arrive in batches; a file the thread could not give is read here. */
function threadReader(files: ConfigFile[], batch: number): TextReader {
  const control = new Int32Array(new SharedArrayBuffer(12));
  control[2] = -1;
  /** batch k's bytes and where each of its files ends, until all its files are handed out */
  const batches: ({ bytes: Buffer; ends: number[]; left: number } | undefined)[] = [];
  const errors = new Map<number, ReadError>();
  /** 1: file i was handed out (asked again, it is read again) */
  const handed = new Uint8Array(files.length);
  /** files [0, received) have arrived */
  let received = 0;
  /** the thread ended (done, failed or closed): what has not arrived is read here */
  let ended = false;
  let wake: (() => void) | undefined;
  let asked = -1;
  let worker: Worker | undefined;
  const end = () => {
    ended = true;
    wake?.();
  };
  try {
    worker = new Worker(threadCode, {
      eval: true,
      workerData: { paths: files.map((f) => f.abs), batch, ahead: AHEAD, control },
      // a thread's default young generation is sized for long-lived work; this one only reads
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    // never what keeps the process alive (a load that throws halfway leaves it to close())
    worker.unref();
    worker.on('message', (m: { from: number; bytes: ArrayBuffer; ends: number[]; errors: ReadError[] }) => {
      // files read here while the thread started are not handed out again (nor waited for)
      let left = 0;
      for (let j = m.from; j < m.from + m.ends.length; j++) if (handed[j] === 0) left++;
      if (left > 0) batches[m.from / batch] = { bytes: Buffer.from(m.bytes), ends: m.ends, left };
      for (const e of m.errors) errors.set(e.i, e);
      received = m.from + m.ends.length;
      wake?.();
    });
    worker.on('error', end);
    worker.on('exit', end);
  } catch {
    ended = true;
  }
  const text = async (i: number) => {
    if (i > asked) {
      asked = i;
      Atomics.store(control, 0, i);
      // woken only when it waits for a file it may now read: a wake-up is a system call, and one
      // per file cost more than the reading saved
      const waiting = Atomics.load(control, 2);
      if (waiting >= 0 && waiting <= i + AHEAD) Atomics.notify(control, 0);
    }
    // a turn of the event loop per batch, as the main-thread reader gives
    if (i % batch === 0) await new Promise((resolve) => setImmediate(resolve));
    // a file the thread is far from (it takes some tens of milliseconds to start, and could be
    // slower than the loader) is read here rather than waited for: the thread soon gets ahead
    if (!ended && (received === 0 || i >= received + batch)) {
      handed[i] = 1;
      return readFileSync(files[i]!.abs, 'utf8');
    }
    while (i >= received && !ended) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    const k = Math.floor(i / batch);
    const b = i < received && handed[i] === 0 ? batches[k] : undefined;
    if (b === undefined) return readFileSync(files[i]!.abs, 'utf8');
    handed[i] = 1;
    if (--b.left === 0) batches[k] = undefined;
    const error = errors.get(i);
    if (error) throw rebuild(error);
    const j = i - k * batch;
    // as readFileSync(path, 'utf8') decodes (a byte-order mark kept, malformed bytes as U+FFFD)
    return b.bytes.toString('utf8', j === 0 ? 0 : b.ends[j - 1], b.ends[j]);
  };
  const close = () => {
    Atomics.store(control, 1, 1);
    Atomics.notify(control, 0);
    if (!ended) void worker?.terminate();
    ended = true;
  };
  return Object.assign(text, { close, thread: true });
}

/**
 * The files of `read` from `offset` on, as a reader of their own (a loader of the second list of
 * one reader); closing it closes nothing: the whole reader is its creator's to close.
 */
export function offsetReader(read: TextReader, offset: number): TextReader {
  return Object.assign((i: number) => read(i + offset), { close: () => {}, thread: read.thread });
}
