/**
 * A command's live message in Slack (docs/contracts.md section 3, "Notify"): the ack the bot
 * posted for an execution is remembered (`live:<execution id>` in the channel's SinkState: channel
 * id, ts, the last progress applied; a day), progress edits it (`chat.update`, trigger `progress`,
 * never a new message), and the result replaces it (queued → running → result) instead of
 * posting anew. Without a remembered ack (ack disabled, answered through a response_url, expired)
 * progress is skipped with its reason and the result is posted as any message.
 *
 * Order: the deliveries of one execution may run at once on several workers, and a progress
 * report may be delayed past the result. Every change happens under a per-execution lock
 * (`live-lock:<id>`, 30 s: an ack or a result waits for it up to 5 s, else is retried; a progress
 * report up to 1 s, else is skipped, the next one superseding it); progress carries a sequence
 * (`ProgressRef.seq`) and is refused when not newer than the last applied, or once the result is in
 * (`final`). A result that finds the message already final was sent before (a retried job):
 * nothing is sent again. A progress edit Slack rate-limits (chat.update is tier 3, ~50 a minute)
 * or refuses is skipped, never retried.
 */
import type { OutboundMessage, SendResult, SinkState } from '../../sinks/sink.ts';
import { SinkError } from '../../sinks/sink.ts';

/** Where the live message is: Slack's channel id and the message ts. */
export interface LiveRef {
  channel: string;
  ts: string;
}

/** What a post reports besides the SendResult: where chat.postMessage put the message (absent: a response_url). */
export type Posted = SendResult & { posted?: LiveRef };

/** The stored state of one execution's live message. */
interface LiveEntry {
  channel?: string;
  ts?: string;
  /** the last progress `seq` applied (0: the ack) */
  seq: number;
  /** the result is in: nothing edits the message any more */
  final?: boolean;
}

export interface LiveMessageDeps {
  state: SinkState;
  /** posts `m` as any message (chat.postMessage, the response_url fallback, a long output's file) */
  post(m: OutboundMessage, signal: AbortSignal): Promise<Posted>;
  /** edits the message at `ref` to show `m` (chat.update, a long output's file in its thread) */
  edit(m: OutboundMessage, ref: LiveRef, signal: AbortSignal): Promise<SendResult>;
  /** how long an ack or a result waits for the lock before the delivery is retried (default 5000 ms) */
  lockWaitMs?: number;
  /** how long a progress report waits for the lock before it is skipped (default 1000 ms) */
  progressWaitMs?: number;
}

const DAY = 86_400;
const LOCK_TTL = 30;
const liveKey = (id: string) => `live:${id}`;
const lockKey = (id: string) => `live-lock:${id}`;

/**
 * Sends `m` with the live message rules when it is an execution's ack, progress or result; any other
 * message is posted as it is.
 *
 * @example
 * return { send: (m, signal) => sendLive(m, signal, { state: deps.state, post, edit }) };
 */
export async function sendLive(m: OutboundMessage, signal: AbortSignal, deps: LiveMessageDeps): Promise<SendResult> {
  const id = m.execution?.id;
  const trigger = m.trigger;
  // only the answers to the command where it was typed (`replyTo`): a rule's copy elsewhere is posted as it is
  if (id === undefined || !m.replyTo || (trigger !== 'ack' && trigger !== 'progress' && trigger !== 'result')) return withoutRef(await deps.post(m, signal));
  const { state } = deps;
  const read = async (): Promise<LiveEntry | undefined> => {
    const raw = await state.get(liveKey(id));
    return raw === undefined ? undefined : (JSON.parse(raw) as LiveEntry);
  };
  const write = (e: LiveEntry) => state.set(liveKey(id), JSON.stringify(e), DAY);

  if (trigger === 'progress') {
    // the ack being posted (the run's first report often comes right after it) is waited for, briefly;
    // an edit still in flight after that: the next report supersedes this one
    const release = await lock(state, id, deps.progressWaitMs ?? 1000);
    if (!release) return { skipped: 'the live message is being edited; a later report supersedes this one' };
    try {
      const entry = await read();
      if (!entry?.ts || !entry.channel) return { skipped: 'no live message for this execution (no ack posted by the bot)' };
      if (entry.final) return { skipped: 'the result already replaced the live message' };
      const seq = m.progress?.seq ?? 0;
      if (seq <= entry.seq) return { skipped: `stale progress (${seq} after ${entry.seq})` };
      let r: SendResult;
      try {
        r = await deps.edit(m, { channel: entry.channel, ts: entry.ts }, signal);
      } catch (err) {
        // progress is best effort: a rate limit or a message that cannot be edited is not retried
        if (err instanceof SinkError && (err.reason === 'rate_limited' || !err.retryable)) return { skipped: `progress not shown: ${err.message}` };
        throw err;
      }
      await write({ ...entry, seq });
      return r;
    } finally {
      await release();
    }
  }

  const release = await lock(state, id, deps.lockWaitMs ?? 5000);
  if (!release) throw new SinkError(`slack: the live message of ${id} is being edited; will retry`, 'server_error', true);
  try {
    const entry = await read();
    if (trigger === 'ack') {
      if (entry?.final) return { skipped: 'the result was posted before the ack' };
      const r = await deps.post(m, signal);
      if (r.posted) await state.setIfAbsent(liveKey(id), JSON.stringify({ ...r.posted, seq: 0 } satisfies LiveEntry), DAY);
      return withoutRef(r);
    }
    // the result
    if (entry?.final) return entry.ts ? { externalId: entry.ts } : { skipped: 'the result was already sent' };
    let r: SendResult | undefined;
    if (entry?.ts && entry.channel) {
      try {
        r = await deps.edit(m, { channel: entry.channel, ts: entry.ts }, signal);
      } catch (err) {
        // the ack was deleted or can no longer be edited: post the result as a new message
        if (!(err instanceof SinkError) || err.retryable) throw err;
      }
    }
    if (r) {
      await write({ ...entry, seq: Number.MAX_SAFE_INTEGER, final: true });
      return r;
    }
    const posted = await deps.post(m, signal);
    await write({ ...posted.posted, seq: Number.MAX_SAFE_INTEGER, final: true });
    return withoutRef(posted);
  } finally {
    await release();
  }
}

function withoutRef(r: Posted): SendResult {
  const { posted: _, ...rest } = r;
  return rest;
}

/** Takes the execution's lock, waiting up to `waitMs`; the release, or undefined when it stayed taken. */
async function lock(state: SinkState, id: string, waitMs: number): Promise<(() => Promise<void>) | undefined> {
  const token = `${process.pid}:${Math.random().toString(36).slice(2)}`;
  const until = Date.now() + waitMs;
  for (;;) {
    if (await state.setIfAbsent(lockKey(id), token, LOCK_TTL)) {
      return async () => {
        // only our own lock (it may have expired and been taken by another send)
        if ((await state.get(lockKey(id))) === token) await state.delete(lockKey(id));
      };
    }
    if (Date.now() >= until) return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
}
