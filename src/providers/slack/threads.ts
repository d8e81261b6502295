/**
 * Conversations on Slack (OutboundMessage.thread): the first message of a thread key to a target is
 * posted normally and remembered in the channel's SinkState; later messages with the same key reply
 * in its thread (`thread_ts`), and a resolved alert edits it (chat.update) to drop its buttons.
 * The message is also findable by its channel id and ts (`message:<channel id>:<ts>`), so an edit
 * made from a button click (`Acknowledged by alice`) is kept when the resolve edits it again.
 */
import type { SinkState } from '../../sinks/sink.ts';

/** The first message of a thread, as posted. */
export interface SlackThread {
  /** the channel id Slack answered with */
  channel: string;
  ts: string;
  /** the fallback text and blocks it was posted with (what an edit starts from) */
  text: string;
  blocks?: Record<string, unknown>[];
}

/** Alerts resolve within days; a thread older than this starts again. */
const THREAD_TTL_S = 30 * 24 * 3600;

/**
 * SinkState key of a thread's first message to a target (the target as the rule names it: `#ops` or `C0123`).
 *
 * @example
 * threadKey('alert:01JA…', '#ops') // 'thread:alert:01JA…:#ops'
 */
export const threadKey = (thread: string, target: string) => `thread:${thread}:${target}`;

export async function readThread(state: SinkState, thread: string, target: string): Promise<SlackThread | undefined> {
  const raw = await state.get(threadKey(thread, target));
  if (!raw) return undefined;
  try {
    const t = JSON.parse(raw) as SlackThread;
    return typeof t.channel === 'string' && typeof t.ts === 'string' ? t : undefined;
  } catch {
    return undefined;
  }
}

const messageKey = (channel: string, ts: string) => `message:${channel}:${ts}`;

/** Remembers the first message; a message already remembered (two deliveries at once) stays the first. */
export async function rememberThread(state: SinkState, thread: string, target: string, t: SlackThread): Promise<void> {
  if (await state.setIfAbsent(threadKey(thread, target), JSON.stringify(t), THREAD_TTL_S)) {
    await state.set(messageKey(t.channel, t.ts), threadKey(thread, target), THREAD_TTL_S);
  }
}

/**
 * Records that the first message of a thread now shows `blocks` (edited after a button click), so
 * a later edit starts from them. A message that is not a thread's first is left alone.
 *
 * @example
 * await rememberEdit(channelState(redis, prefix, 'slack-ops'), 'C0123', '1503435956.000247', blocks);
 */
export async function rememberEdit(state: SinkState, channel: string, ts: string, blocks: Record<string, unknown>[]): Promise<void> {
  const key = await state.get(messageKey(channel, ts));
  const raw = key ? await state.get(key) : undefined;
  if (!key || !raw) return;
  const t = JSON.parse(raw) as SlackThread;
  await state.set(key, JSON.stringify({ ...t, blocks }), THREAD_TTL_S);
}
