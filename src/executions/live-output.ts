/**
 * The live output of one run: what the action prints (shell stdout/stderr, a module's
 * `ctx.stdout`/`ctx.stderr`) is passed on to the record while it runs, in throttled appends. Each
 * stream keeps its first `limit` bytes (`executions.output_limit`, as the final result does) and
 * counts the rest. A write starts at most every `intervalMs` (250 ms), sooner when `burstBytes`
 * (4 KB) are waiting, never two at once; an action that prints nothing writes nothing.
 *
 * The writer (records.ts `appendOutput`) answers false once the run is no longer the record's
 * current one (it ended, or another worker took it over): publishing stops there.
 */

export type OutputStream = 'stdout' | 'stderr';

/** What is new since the last write: kept bytes per stream, and the bytes dropped so far past the limit. */
export interface OutputDelta {
  stdout: Buffer;
  stderr: Buffer;
  stdoutDropped: number;
  stderrDropped: number;
}

export interface LiveOutputOptions {
  /** bytes kept per stream */
  limit: number;
  /** appends `delta` to the record; false = the run is over, stop */
  write(delta: OutputDelta): Promise<boolean>;
  /** a failed write (its bytes are kept for the next one) */
  onError?(err: Error): void;
  intervalMs?: number;
  burstBytes?: number;
}

class StreamTally {
  kept = 0;
  dropped = 0;
  pending: Buffer[] = [];
  pendingBytes = 0;
  constructor(private readonly limit: number) {}

  /** true when something changed (bytes kept or dropped) */
  push(chunk: Buffer): boolean {
    if (chunk.length === 0) return false;
    const room = this.limit - this.kept;
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.pending.push(part);
      this.pendingBytes += part.length;
      this.kept += part.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(0, room));
    return true;
  }

  take(): Buffer {
    const out = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return out;
  }

  /** puts back bytes a failed write did not deliver, ahead of what came since */
  giveBack(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pending.unshift(bytes);
    this.pendingBytes += bytes.length;
  }
}

/**
 * @example
 * const live = new LiveOutput({ limit: 65_536, write: (d) => store.appendOutput(id, attempt, d) });
 * child.stdout.on('data', (c) => live.push('stdout', c));
 * // when the run ends (the final result replaces the live output):
 * live.close();
 */
export class LiveOutput {
  private readonly streams: Record<OutputStream, StreamTally>;
  private readonly intervalMs: number;
  private readonly burstBytes: number;
  private dirty = false;
  private writing = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: LiveOutputOptions) {
    this.streams = { stdout: new StreamTally(o.limit), stderr: new StreamTally(o.limit) };
    this.intervalMs = o.intervalMs ?? 250;
    this.burstBytes = o.burstBytes ?? 4096;
  }

  push(stream: OutputStream, chunk: Buffer | string): void {
    if (this.closed) return;
    if (!this.streams[stream].push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) return;
    this.dirty = true;
    this.schedule();
  }

  /** Stops publishing (a write already sent may still land; the record refuses it once the run ended). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private waiting(): number {
    return this.streams.stdout.pendingBytes + this.streams.stderr.pendingBytes;
  }

  private schedule(): void {
    if (this.closed || this.writing || !this.dirty) return;
    const burst = this.waiting() >= this.burstBytes;
    if (this.timer && !burst) return;
    if (this.timer) clearTimeout(this.timer);
    const wait = burst ? 0 : Math.max(0, this.lastStart + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
    this.timer.unref?.();
  }

  private flush(): void {
    if (this.closed || this.writing || !this.dirty) return;
    const { stdout, stderr } = this.streams;
    const delta: OutputDelta = { stdout: stdout.take(), stderr: stderr.take(), stdoutDropped: stdout.dropped, stderrDropped: stderr.dropped };
    this.dirty = false;
    this.writing = true;
    this.lastStart = Date.now();
    this.o
      .write(delta)
      .then(
        (more) => {
          if (!more) this.close();
        },
        (err: Error) => {
          stdout.giveBack(delta.stdout);
          stderr.giveBack(delta.stderr);
          this.dirty = true;
          try {
            this.o.onError?.(err);
          } catch {
            // a failing error report changes nothing here
          }
        },
      )
      .finally(() => {
        this.writing = false;
        this.schedule();
      });
  }
}
