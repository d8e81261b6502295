/**
 * Reply addresses: where and how to answer a command in the medium it came from. Pure.
 *
 * An execution stores its address as `Origin.reply` (plain string fields, the same shape as ever,
 * so records written before read unchanged); {@link replyAddress} gives the typed view, a union by
 * medium (the origin's source), and each provider's manifest says how its medium is answered
 * ({@link ReplyRules}): where in the medium (`target`), which channels/*.yaml channel the command
 * arrived on (`arrivedOn`), and whether a confirmation prompt may be answered there. Routing
 * (src/routing/route-origin.ts) and confirmations read these rules: no switch on the source.
 */
import type { Origin } from '../executions/types.ts';

/** SMS (and WhatsApp) through Twilio: `to` the sender, `from` our number, `channel` the channel it arrived on. */
export interface SmsReply {
  medium: 'sms';
  to: string;
  from?: string;
  channel?: string;
  /** 'whatsapp' for a WhatsApp sender (`whatsapp:+1…`) */
  via?: string;
}

/** Email: `to` the sender, threading (`message_id`, `references`, `subject`), `channel` the channel it arrived on. */
export interface EmailReply {
  medium: 'email';
  to: string;
  subject?: string;
  message_id?: string;
  references?: string;
  channel?: string;
}

/** Slack: the conversation (`channel`, a Slack id) and thread, `channel_name` the channels/*.yaml channel it arrived on. */
export interface SlackReply {
  medium: 'slack';
  channel?: string;
  thread_ts?: string;
  response_url?: string;
  channel_name?: string;
}

/** Any other medium (a provider's own fields: chat, thread, interaction token...; StackStorm's `st2_*` for api origins). */
export interface OtherReply {
  medium: Exclude<Origin['source'], 'sms' | 'email' | 'slack'>;
  fields: Record<string, string>;
}

/** The typed reply address of an origin, by medium. */
export type ReplyAddress = SmsReply | EmailReply | SlackReply | OtherReply;

/**
 * The typed view of an origin's reply address; records of any age (the stored fields never changed).
 *
 * @example
 * replyAddress({ source: 'slack', sender: 'U1', reply: { channel: 'C1', thread_ts: '1.2' } }) // { medium: 'slack', channel: 'C1', thread_ts: '1.2' }
 */
export function replyAddress(origin: Origin): ReplyAddress | undefined {
  const r = origin.reply;
  if (!r) return undefined;
  switch (origin.source) {
    case 'sms':
      return { ...pick(r, ['from', 'channel']), medium: 'sms', to: r.to ?? origin.sender, ...(r.medium !== undefined && { via: r.medium }) };
    case 'email':
      return { ...pick(r, ['subject', 'message_id', 'references', 'channel']), medium: 'email', to: r.to ?? origin.sender };
    case 'slack':
      return { ...pick(r, ['channel', 'thread_ts', 'response_url', 'channel_name']), medium: 'slack' };
    default:
      return { medium: origin.source, fields: { ...r } };
  }
}

function pick<K extends string>(r: Record<string, string>, keys: readonly K[]): { [P in K]?: string } {
  const out: { [P in K]?: string } = {};
  for (const k of keys) if (r[k] !== undefined) out[k] = r[k];
  return out;
}

/** How a provider's medium is answered (its manifest's `reply`). */
export interface ReplyRules {
  /** where in the medium to answer, from the stored reply fields (a conversation, a chat); absent or undefined: the sender */
  target?(reply: Record<string, string>): string | undefined;
  /** the reply field naming the channels/*.yaml channel the command arrived on (default `channel`) */
  arrivedOn?: string;
  /**
   * confirmation prompts and results go: `owner` to the user's own configured address (the medium's
   * users.NAME key: a forged sender never gets the code), `origin` to the conversation as it is (the
   * provider, not the sender, named the user); absent: not answered in this medium
   */
  confirm?: 'owner' | 'origin';
  /**
   * true when the medium's sink edits a command's ack in place (Slack's chat.update): a long
   * execution's progress (trigger `progress`) is then sent there, and the result replaces the ack;
   * absent: the medium gets only the ack and the result
   */
  edits?: boolean;
}
