/**
 * The progress of one run, for a message edited in place where the command came from (Slack:
 * queued → running → result, docs/contracts.md section 3, "Notify"). What it reports: the
 * run started (step 0, no line), then the last non-empty line the action printed (shell
 * stdout/stderr, a module's `ctx.stdout`/`ctx.stderr`) or the text a module gave
 * `context.progress(text)`, whichever came last. Throttled: a report starts at most every
 * `intervalMs` (2 s, well inside Slack's chat.update limit), never two at once, only when the line
 * changed, the latest line winning; nothing once the run ended (its result follows).
 *
 * Each report has a step number (0, 1, 2…) that, with the execution id and attempt, names it: the
 * delivery it becomes has a deterministic id, so a repeat is a no-op, and the sink refuses a step
 * older than the last one it applied.
 */
import { StringDecoder } from 'node:string_decoder';

/** One report: `step` 0 is the `running` transition (no line yet). */
export interface ProgressUpdate {
  step: number;
  /** the last output line, or the module's progress text; absent at step 0 */
  line?: string;
}

export interface ProgressReporterOptions {
  /** sends one report (errors go to `onError`, never to the run) */
  emit(update: ProgressUpdate): Promise<void>;
  onError?(err: Error): void;
  /** least time between the starts of two reports (default 2000 ms) */
  intervalMs?: number;
}

/** Longest line reported; the rest is cut with `…`. */
export const PROGRESS_LINE_MAX = 300;
/** An unfinished line kept while waiting for its end is bounded too. */
const PARTIAL_MAX = 4096;

/**
 * The last non-empty line of `text` (lines end at `\n`, `\r\n` or `\r`, as progress bars redraw),
 * trimmed and cut at {@link PROGRESS_LINE_MAX}; undefined when every line is blank.
 *
 * @example
 * lastLine('step 1\nstep 2\n\n') // 'step 2'
 */
export function lastLine(text: string): string | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!.trim();
    if (l) return l.length > PROGRESS_LINE_MAX ? `${l.slice(0, PROGRESS_LINE_MAX - 1)}…` : l;
  }
  return undefined;
}

/**
 * @example
 * const progress = new ProgressReporter({ emit: (u) => hooks.onProgress(execution, u) });
 * progress.start();                       // step 0: running
 * child.stdout.on('data', (c) => progress.output('stdout', c));
 * progress.close();                       // the run ended: the result replaces the progress
 */
export class ProgressReporter {
  private readonly intervalMs: number;
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private readonly partial = { stdout: '', stderr: '' };
  private line: string | undefined;
  private sentLine: string | undefined;
  private step = 0;
  private started = false;
  private closed = false;
  private sending = false;
  private timer: NodeJS.Timeout | undefined;
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: ProgressReporterOptions) {
    this.intervalMs = o.intervalMs ?? 2000;
  }

  /** Reports the `running` transition (step 0). */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.send({ step: 0 });
  }

  /** A chunk the action printed: its last complete non-empty line becomes the line to report. */
  output(stream: 'stdout' | 'stderr', chunk: Buffer | string): void {
    if (this.closed) return;
    const text = this.partial[stream] + (typeof chunk === 'string' ? chunk : this.decoders[stream].write(chunk));
    const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    this.partial[stream] = text.slice(cut + 1).slice(-PARTIAL_MAX);
    if (cut < 0) return;
    const line = lastLine(text.slice(0, cut));
    if (line !== undefined) this.set(line);
  }

  /** A module's `context.progress(text)`: its last non-empty line is the line to report. */
  progress(text: string): void {
    if (this.closed) return;
    const line = lastLine(text);
    if (line !== undefined) this.set(line);
  }

  /** The run ended: nothing more is reported (a report already sent may still land; the sink orders them). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private set(line: string): void {
    this.line = line;
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.sending || this.timer || this.line === this.sentLine) return;
    const wait = Math.max(0, this.lastStart + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed || this.line === this.sentLine) return;
      this.sentLine = this.line;
      this.send({ step: ++this.step, ...(this.line !== undefined && { line: this.line }) });
    }, wait);
    this.timer.unref?.();
  }

  private send(update: ProgressUpdate): void {
    this.sending = true;
    this.lastStart = Date.now();
    this.o
      .emit(update)
      .catch((err: Error) => {
        try {
          this.o.onError?.(err);
        } catch {
          // a failing error report changes nothing here
        }
      })
      .finally(() => {
        this.sending = false;
        this.schedule();
      });
  }
}
