/**
 * Failure classification shared by the sinks (alertmanager's notify/util.go `Retrier.Check`):
 * 2xx ok, 429 and 5xx retry (honouring Retry-After), 408 retry, 401/403 auth, other 4xx permanent.
 * Every message passes through `redactText` with the channel's secret values.
 */
import { redactText } from '../log.ts';
import { SinkError, type SinkFailureReason } from './sink.ts';

/**
 * Reads a Retry-After value (delta seconds or an HTTP date) as milliseconds from `now`.
 *
 * @example
 * parseRetryAfter('2') // 2000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:30 GMT')) // 30000
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Classifies an HTTP status that is not 2xx. `detail` is redacted and cut to 300 characters. */
export function httpStatusError(what: string, status: number, detail: string, secrets: readonly string[], retryAfterMs?: number): SinkError {
  const text = `${what}: HTTP ${status}${detail ? ` ${clip(detail)}` : ''}`;
  const [reason, retryable] = statusReason(status);
  return new SinkError(redactText(text, secrets), reason, retryable, retryable ? retryAfterMs : undefined);
}

function statusReason(status: number): [SinkFailureReason, boolean] {
  if (status === 429) return ['rate_limited', true];
  if (status === 408) return ['timeout', true];
  if (status >= 500) return ['server_error', true];
  if (status === 401 || status === 403) return ['auth_error', false];
  return ['client_error', false];
}

/**
 * Turns a thrown network error (or an abort) into a retryable SinkError: `aborted` when the
 * caller's signal fired, `timed out` when the deadline passed, else a network error.
 */
export function transportError(what: string, err: unknown, deadline: Pick<Deadline, 'caller' | 'signal' | 'timeoutMs'>, secrets: readonly string[]): SinkError {
  if (err instanceof SinkError) return err;
  if (deadline.caller.aborted) return new SinkError(`${what}: aborted`, 'timeout', true);
  const name = err instanceof Error ? err.name : '';
  if (deadline.signal.aborted || name === 'TimeoutError' || name === 'AbortError') {
    return new SinkError(`${what}: timed out after ${deadline.timeoutMs} ms`, 'timeout', true);
  }
  const message = err instanceof Error ? describeCause(err) : String(err);
  return new SinkError(redactText(`${what}: ${clip(message)}`, secrets), 'network', true);
}

function describeCause(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  const code = (cause as { code?: string } | undefined)?.code ?? (err as { code?: string }).code;
  return code ? `${err.message} (${code})` : err.message;
}

/** Throws a retryable SinkError when the caller's signal already fired. */
export function throwIfAborted(what: string, signal: AbortSignal): void {
  if (signal.aborted) throw new SinkError(`${what}: aborted`, 'timeout', true);
}

/** The caller's signal combined with a deadline; `done()` clears the timer once the send is over. */
export interface Deadline {
  /** aborts when the caller aborts or the deadline passes: give this one to the I/O */
  signal: AbortSignal;
  /** the caller's own signal: tells an abort from a timeout */
  caller: AbortSignal;
  timeoutMs: number;
  done(): void;
}

/**
 * Starts a deadline of `timeoutMs` for one send. (A plain controller and timer rather than
 * `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: on Node 20 the timeout signal inside `any`
 * may be garbage-collected before it fires, so a hung request would never time out.)
 *
 * @example
 * const deadline = startDeadline(signal, 15_000);
 * try { await fetch(url, { signal: deadline.signal }); } finally { deadline.done(); }
 */
export function startDeadline(caller: AbortSignal, timeoutMs: number): Deadline {
  const ctl = new AbortController();
  const onAbort = () => ctl.abort(caller.reason);
  if (caller.aborted) ctl.abort(caller.reason);
  else caller.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => ctl.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  timer.unref();
  return {
    signal: ctl.signal,
    caller,
    timeoutMs,
    done() {
      clearTimeout(timer);
      caller.removeEventListener('abort', onAbort);
    },
  };
}

/** Default time one provider call may take. */
export const DEFAULT_TIMEOUT_MS = 15_000;

function clip(s: string, max = 300): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}
