/**
 * One job of the deliveries queue, start to end:
 * 1. the channel's rate bucket: empty → the job goes back to `delayed` (no attempt used); a
 *    `progress` report (an edit, superseded by the next) takes nothing from it;
 * 2. the send, under a deadline;
 * 3. sent / skipped → recorded on the execution and counted;
 * 4. a retryable failure with attempts left → recorded (`pending`, attempts, last_error) and thrown,
 *    BullMQ retries it after `deliveryBackoff` (Retry-After honoured, and the bucket paused);
 * 5. a permanent failure, or the last attempt → recorded `failed`, counted, the rule's fallbacks
 *    enqueued (their own deterministic ids), and UnrecoverableError thrown.
 * A digest (quiet hours, digest.ts) also records its outcome on each held delivery it carries.
 * A re-run of the same job (stalled after a crash) sends again: sinks are idempotent by delivery id
 * where the provider allows; the ledger and fallback ids make the rest a no-op.
 */
import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { RenderedMessage } from '../executions/types.ts';
import { redactText, type Logger } from '../log.ts';
import { SinkError, type OutboundMessage, type SendResult } from '../sinks/sink.ts';
import type { ChannelSinks } from './channel-sinks.ts';
import { recordDigestOutcome } from './digest.ts';
import { deliveryJobOptions, fallbackJobData, ledgerRecordOf, type DeliveryJobData } from './job.ts';
import type { Ledger, LedgerEntry } from './ledger.ts';
import type { RateLimiter } from './rate-limit.ts';

export interface ProcessDeps {
  sinks: ChannelSinks;
  ledger: Ledger;
  limiter: RateLimiter;
  /** where fallback deliveries are added */
  queue: Queue<DeliveryJobData>;
  logger: Logger;
  secrets: readonly string[];
  /** outer deadline of one send, ms (the sinks keep their own, shorter, one) */
  sendTimeoutMs: number;
  /** aborted when the worker is forced to stop */
  stopping: AbortSignal;
}

/** Any failure as a SinkError with a redacted message; unknown errors are retryable. */
export function asSinkError(err: unknown, secrets: readonly string[]): SinkError {
  if (err instanceof SinkError) return err;
  const message = redactText(err instanceof Error ? err.message : String(err), secrets);
  return new SinkError(`internal: ${message}`, 'server_error', true);
}

/** Longest message text kept on a delivery record; the rest is cut with a note. */
export const RENDERED_TEXT_MAX = 8000;

/**
 * The message a delivery sent (or tried to), for its record: what the sink reports it sent, else
 * the rendered subject and text; config secrets redacted, the text bounded.
 */
export function renderedMessage(m: OutboundMessage, sent: SendResult['sent'], secrets: readonly string[]): RenderedMessage {
  // lone surrogates as U+FFFD: the ledger script's cjson refuses their escapes
  const text = (redactText(sent?.text ?? (m.text || m.subject), secrets) as string & { toWellFormed(): string }).toWellFormed();
  // a sink that reports what it sent names the subject when its medium has one (email)
  const subject = sent ? sent.subject : m.subject || undefined;
  const target = sent?.target ?? m.target;
  return {
    text: text.length > RENDERED_TEXT_MAX ? `${text.slice(0, RENDERED_TEXT_MAX)}\n… (${text.length - RENDERED_TEXT_MAX} more characters not kept)` : text,
    ...(subject !== undefined && { subject: redactText(subject, secrets) }),
    ...(target !== undefined && { target: redactText(target, secrets) }),
  };
}

const entryOf = (data: DeliveryJobData, status: LedgerEntry['status'], attempts: number, lastError?: string, message?: RenderedMessage): LedgerEntry => ({
  id: data.message.id,
  channel: data.message.channel,
  ...(data.message.target !== undefined && { target: data.message.target }),
  ...(data.message.user !== undefined && { user: data.message.user }),
  status,
  attempts,
  ...(lastError !== undefined && { last_error: lastError }),
  ...(message !== undefined && { message }),
});

/**
 * The sends in flight per `stopping` signal, aborted together when it fires: one listener per
 * signal, not one added and removed per send (removing a listener scans the signal's whole list: a
 * measurable share of the worker's CPU at a concurrency of 20, bench e2e).
 */
const inFlight = new WeakMap<AbortSignal, Set<AbortController>>();
function sendsOf(stopping: AbortSignal): Set<AbortController> {
  let sends = inFlight.get(stopping);
  if (!sends) {
    const set = new Set<AbortController>();
    stopping.addEventListener('abort', () => {
      for (const c of set) c.abort('shutdown');
    });
    inFlight.set(stopping, set);
    sends = set;
  }
  return sends;
}

async function send(data: DeliveryJobData, deps: ProcessDeps): Promise<SendResult> {
  const sink = deps.sinks.get(data.message.channel);
  if (!sink) throw new SinkError(deps.sinks.problem(data.message.channel), 'client_error', false);
  const ctl = new AbortController();
  const sends = sendsOf(deps.stopping);
  if (deps.stopping.aborted) ctl.abort('shutdown');
  else sends.add(ctl);
  const timer = setTimeout(() => ctl.abort('timeout'), deps.sendTimeoutMs);
  try {
    return await sink.send(data.message, ctl.signal);
  } finally {
    clearTimeout(timer);
    sends.delete(ctl);
  }
}

export async function processDelivery(job: Job<DeliveryJobData>, token: string | undefined, deps: ProcessDeps): Promise<SendResult> {
  const data = job.data;
  const { message } = data;
  const attempt = job.attemptsMade + 1;
  // made only when something is logged: a child logger per job costs a storm's sends real CPU
  let child: Logger | undefined;
  const log = () =>
    (child ??= deps.logger.child({
      delivery: message.id,
      channel: message.channel,
      execution: data.executionId,
      ...(data.alertId !== undefined && { alert: data.alertId }),
      attempt,
    }));

  // a progress report edits a message (Slack's chat.update has its own limit) and is superseded by the
  // next: it never takes from the channel's posting bucket, so it can never hold up an answer
  const wait = data.trigger === 'progress' ? 0 : await deps.limiter.take(message.channel, message.target);
  if (wait > 0) {
    await job.moveToDelayed(Date.now() + wait, token);
    throw new DelayedError();
  }

  const tried = renderedMessage(message, undefined, deps.secrets);
  try {
    const { sent, ...res } = await send(data, deps);
    if (res.skipped !== undefined) {
      log().info({ reason: res.skipped }, 'delivery skipped');
      await deps.ledger.update(ledgerRecordOf(data), entryOf(data, 'skipped', attempt, `skipped: ${res.skipped}`), 'skipped');
      await recordDigestOutcome(deps.ledger, data, 'skipped', `skipped: ${res.skipped}`);
    } else {
      if (deps.logger.isLevelEnabled('debug')) log().debug({ external_id: res.externalId }, 'delivery sent');
      await deps.ledger.update(
        ledgerRecordOf(data),
        entryOf(data, 'sent', attempt, undefined, sent ? renderedMessage(message, sent, deps.secrets) : tried),
        'sent',
      );
      await recordDigestOutcome(deps.ledger, data, 'sent');
    }
    return res;
  } catch (err) {
    const e = asSinkError(err, deps.secrets);
    if (e.reason === 'opted_out') {
      log().info('recipient opted out; delivery skipped');
      await deps.ledger.update(ledgerRecordOf(data), entryOf(data, 'skipped', attempt, e.message), 'skipped');
      await recordDigestOutcome(deps.ledger, data, 'skipped', e.message);
      return { skipped: 'opted out' };
    }
    if (e.retryAfterMs !== undefined) await deps.limiter.pause(message.channel, message.target, e.retryAfterMs);
    const final = !e.retryable || attempt >= (job.opts.attempts ?? 1);
    if (!final) {
      log().info({ reason: e.reason, err: e.message, retry_after_ms: e.retryAfterMs }, 'delivery failed; will retry');
      await deps.ledger.update(ledgerRecordOf(data), entryOf(data, 'pending', attempt, e.message, tried), 'retried');
      throw e;
    }
    log().warn({ reason: e.reason, err: e.message }, 'delivery failed for good');
    await deps.ledger.update(ledgerRecordOf(data), entryOf(data, 'failed', attempt, e.message, tried), 'failed');
    await recordDigestOutcome(deps.ledger, data, 'failed', e.message);
    await enqueueFallbacks(data, e.message, deps);
    throw new UnrecoverableError(e.message);
  }
}

async function enqueueFallbacks(data: DeliveryJobData, error: string, deps: ProcessDeps): Promise<void> {
  if (data.fallback.length === 0) return;
  const jobs = data.fallback.map((f) => {
    const fb = fallbackJobData(data, f, error);
    return { name: fb.kind, data: fb, opts: deliveryJobOptions(fb.message.id) };
  });
  for (const j of jobs) {
    const record = ledgerRecordOf(j.data);
    if (record !== undefined) await deps.ledger.pending(record, entryOf(j.data, 'pending', 0));
    await deps.ledger.count('fallback');
  }
  await deps.queue.addBulk(jobs);
  deps.logger.info({ delivery: data.message.id, fallbacks: jobs.map((j) => j.data.message.channel) }, 'fallback deliveries queued');
}
