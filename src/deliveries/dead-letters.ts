/**
 * Deliveries that did not go out, across executions: `dead` (BullMQ `failed`: a permanent error or
 * every attempt used; the rule's fallbacks were queued) and `retrying` (failed at least once, waiting
 * in `delayed` for their backoff). Newest first, a page at a time, read from both delivery queues
 * (`deliveries` and `replies`).
 *
 * A retry puts a dead delivery back to `wait` with a fresh attempt budget (BullMQ `job.retry`,
 * same job id, so it is still one delivery) and lists it `pending` on its execution again; a
 * retrying one is sent now instead of after its backoff (`job.promote`). Who may do either is the
 * caller's business (the dashboard asks for the `queues` permission).
 */
import type { Job, Queue } from 'bullmq';
import { NotFoundError, SwitchboardError } from '../errors.ts';
import type { RenderedMessage } from '../executions/types.ts';
import type { DeliveryJobData } from './job.ts';
import type { Ledger } from './ledger.ts';
import { renderedMessage } from './process-delivery.ts';

export const deadLetterStates = ['dead', 'retrying'] as const;
export type DeadLetterState = (typeof deadLetterStates)[number];

export interface DeadLetter {
  /** the delivery id (= BullMQ job id) */
  id: string;
  state: DeadLetterState;
  channel: string;
  target?: string;
  rule: string;
  executionId?: string;
  attempts: number;
  error: string;
  /** when it failed for good (dead) or last failed (retrying), ISO */
  at?: string;
  message: RenderedMessage;
}

/** The delivery is in no state a retry applies to (sent, being sent, waiting its turn). */
export class NotRetryableError extends SwitchboardError {
  readonly code = 'not_retryable';
}

const BULL_STATE: Record<DeadLetterState, 'failed' | 'delayed'> = { dead: 'failed', retrying: 'delayed' };

function letterOf(job: Job<DeliveryJobData>, state: DeadLetterState, secrets: readonly string[]): DeadLetter {
  const m = job.data.message;
  const at = job.finishedOn ?? job.processedOn;
  return {
    id: String(job.id),
    state,
    channel: m.channel,
    ...(m.target !== undefined && { target: m.target }),
    rule: job.data.rule,
    ...(job.data.executionId !== undefined && { executionId: job.data.executionId }),
    attempts: job.attemptsMade,
    error: job.failedReason ?? '',
    ...(at !== undefined && { at: new Date(at).toISOString() }),
    message: renderedMessage(m, undefined, secrets),
  };
}

/** When a job last changed state, for the newest-first order across queues. */
const lastTouched = (j: Job) => j.finishedOn ?? j.processedOn ?? j.timestamp;

/**
 * One page of dead or retrying deliveries of one or more queues, newest first: `offset` into the
 * state's merged list, at most `limit` jobs kept. `next` is the offset of the next page, when there
 * is one. A `retrying` page leaves out jobs that only wait for a rate limit (no attempt made).
 *
 * @example
 * const { items, next } = await listDeadLetters([deliveries, replies], 'dead', 0, 50, config.secrets);
 */
export async function listDeadLetters(
  queues: Queue<DeliveryJobData> | readonly Queue<DeliveryJobData>[],
  state: DeadLetterState,
  offset: number,
  limit: number,
  secrets: readonly string[],
): Promise<{ items: DeadLetter[]; next?: number; total: number }> {
  const bull = BULL_STATE[state];
  const qs = Array.isArray(queues) ? (queues as readonly Queue<DeliveryJobData>[]) : [queues as Queue<DeliveryJobData>];
  // each queue's first offset + limit, merged: the page is within them whatever the interleaving
  const read = await Promise.all(qs.map((q) => Promise.all([q.getJobs([bull], 0, offset + limit - 1, false), q.getJobCountByTypes(bull)])));
  const total = read.reduce((n, [, count]) => n + count, 0);
  const jobs = read
    .flatMap(([js]) => js)
    .filter((j): j is Job<DeliveryJobData> => !!j)
    .sort((a, b) => lastTouched(b) - lastTouched(a))
    .slice(offset, offset + limit);
  const items = jobs.filter((j) => state === 'dead' || j.attemptsMade > 0).map((j) => letterOf(j, state, secrets));
  return { items, total, ...(offset + limit < total && { next: offset + limit }) };
}

/**
 * Sends a dead delivery again (or a retrying one now). NotFoundError for an unknown id,
 * NotRetryableError when it is neither dead nor retrying (already sent, or running).
 */
export async function retryDeadLetter(
  queues: Queue<DeliveryJobData> | readonly Queue<DeliveryJobData>[],
  ledger: Ledger,
  id: string,
  secrets: readonly string[],
): Promise<DeadLetter> {
  const qs = Array.isArray(queues) ? (queues as readonly Queue<DeliveryJobData>[]) : [queues as Queue<DeliveryJobData>];
  const found = await Promise.all(qs.map((q) => q.getJob(id)));
  const job = found.find((j) => j !== undefined) as Job<DeliveryJobData> | undefined;
  if (!job) throw new NotFoundError(`no delivery ${id}`);
  const state = await job.getState();
  if (state === 'delayed') {
    await job.promote();
    return letterOf(job, 'retrying', secrets);
  }
  if (state !== 'failed') throw new NotRetryableError(`delivery ${id} is ${state}, not failed: nothing to retry`);
  const letter = letterOf(job, 'dead', secrets);
  await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  if (job.data.executionId !== undefined) {
    await ledger.update(job.data.executionId, {
      id: letter.id,
      channel: letter.channel,
      ...(letter.target !== undefined && { target: letter.target }),
      status: 'pending',
      attempts: letter.attempts,
      last_error: `${letter.error} (retried by hand)`,
      message: letter.message,
    });
  }
  return letter;
}
