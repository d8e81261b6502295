/**
 * What one Telegram Update (https://core.telegram.org/bots/api#update) asks of Switchboard. Pure.
 *
 * - `message` with text, written by a person: a command. In a private chat any text is one; in a
 *   group only a message addressed to the bot: `/sb ...` or `/sb@BotName ...`, `@BotName ...`, or a
 *   reply to one of the bot's messages (how a `YES 482113` answers a prompt there). The bot address
 *   is removed; `/start` and `/help` become `help`.
 * - `callback_query` whose data is ours (`sb:y:<execution>:<code>`, `sb:n:<execution>:<code>`):
 *   a Confirm / Cancel button of a confirmation prompt.
 * - Anything else (edits, channel posts, joins, other bots' commands): ignored, answered 200 so
 *   Telegram does not re-send it.
 */

/** The fields of a Telegram User read here. */
export interface TelegramUser {
  id: number;
  is_bot?: boolean;
  username?: string;
}

/** The fields of a Telegram Message read here. */
export interface TelegramMessage {
  message_id: number;
  message_thread_id?: number;
  is_topic_message?: boolean;
  from?: TelegramUser;
  chat: { id: number; type: 'private' | 'group' | 'supergroup' | 'channel' };
  text?: string;
  reply_to_message?: { from?: TelegramUser };
}

export interface TelegramCallbackQuery {
  id: string;
  from: TelegramUser;
  message?: { message_id: number; chat: { id: number } };
  data?: string;
}

export interface TelegramUpdate {
  update_id: number;
  message?: TelegramMessage;
  callback_query?: TelegramCallbackQuery;
}

export type TelegramRequest =
  | { kind: 'command'; updateId: number; text: string; sender: string; chatId: string; messageId: string; threadId?: string }
  | { kind: 'button'; updateId: number; queryId: string; sender: string; confirm: boolean; executionId: string; code: string }
  | { kind: 'ignored'; updateId?: number; reason: string };

/** callback_data of the prompt's buttons (at most 64 bytes: `sb:y:` + an execution id + `:` + the code). */
export function buttonData(confirm: boolean, executionId: string, code: string): string {
  return `sb:${confirm ? 'y' : 'n'}:${executionId}:${code}`;
}

const BUTTON = /^sb:([yn]):([A-Za-z0-9_-]{1,40}):(\d{4,10})$/;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export interface AddressOptions {
  /** the bot's username without `@` (absent: `/sb@anything` is taken as ours) */
  botUsername?: string;
  /** the bot's user id (the token's first part): replies to its messages count as addressed to it */
  botId?: string;
  /** the command words that address the bot (`ingress.bot_names`: sb, switchboard) */
  botNames: readonly string[];
}

/**
 * The command in a message's text with the bot address removed, or undefined when a group message
 * is not addressed to the bot.
 *
 * @example
 * commandText('/sb@OpsBot restart web', 'group', false, { botUsername: 'OpsBot', botNames: ['sb'] }) // 'restart web'
 * commandText('restart web', 'private', false, { botNames: ['sb'] }) // 'restart web'
 * commandText('hello all', 'group', false, { botNames: ['sb'] }) // undefined
 */
export function commandText(text: string, chatType: string, replyToBot: boolean, o: AddressOptions): string | undefined {
  const t = text.trim();
  const me = o.botUsername?.replace(/^@/, '');
  const at = me ? `@${escapeRe(me)}` : '@[A-Za-z0-9_]+';
  const names = o.botNames.filter(Boolean).map(escapeRe).join('|') || 'sb';
  // 1. `/sb`, `/sb@Bot` (ours only when the name is known), then the rest
  const cmd = new RegExp(`^/(${names})(?:${at})?(?=\\s|$)`, 'i').exec(t);
  if (cmd) return t.slice(cmd[0].length).trim();
  // 2. `/start`, `/help` (Telegram's standard commands), to us
  const std = new RegExp(`^/(start|help)(${at})?(?=\\s|$)`, 'i').exec(t);
  if (std && (chatType === 'private' || std[2] !== undefined)) return `help${t.slice(std[0].length)}`.trim();
  // 3. `@Bot ...` when the name is known
  if (me) {
    const mention = new RegExp(`^@${escapeRe(me)}[:,]?(?=\\s|$)`, 'i').exec(t);
    if (mention) return t.slice(mention[0].length).trim();
  }
  // 4. a private chat, or a reply to the bot's own message: the whole text
  if (chatType === 'private' || replyToBot) return t;
  return undefined;
}

/**
 * @example
 * parseUpdate({ update_id: 7, message: { message_id: 3, from: { id: 42 }, chat: { id: 42, type: 'private' }, text: '/sb status' } }, { botNames: ['sb'] })
 * // { kind: 'command', updateId: 7, text: 'status', sender: '42', chatId: '42', messageId: '3' }
 */
export function parseUpdate(body: unknown, o: AddressOptions): TelegramRequest {
  const u = body as Partial<TelegramUpdate> | null;
  if (!u || typeof u !== 'object' || !Number.isSafeInteger(u.update_id)) return { kind: 'ignored', reason: 'not an Update (no update_id)' };
  const updateId = u.update_id as number;
  const q = u.callback_query;
  if (q) {
    const m = BUTTON.exec(q.data ?? '');
    if (!m || typeof q.id !== 'string' || !Number.isSafeInteger(q.from?.id)) return { kind: 'ignored', updateId, reason: 'callback_query not ours' };
    return { kind: 'button', updateId, queryId: q.id, sender: String(q.from.id), confirm: m[1] === 'y', executionId: m[2]!, code: m[3]! };
  }
  const msg = u.message;
  if (!msg)
    return {
      kind: 'ignored',
      updateId,
      reason: `update without message (${
        Object.keys(u)
          .filter((k) => k !== 'update_id')
          .join(', ') || 'empty'
      })`,
    };
  if (!msg.from || !Number.isSafeInteger(msg.from.id) || msg.from.is_bot) return { kind: 'ignored', updateId, reason: 'not written by a person' };
  if (typeof msg.text !== 'string' || msg.text.trim() === '') return { kind: 'ignored', updateId, reason: 'no text' };
  if (!msg.chat || !Number.isSafeInteger(msg.chat.id) || !Number.isSafeInteger(msg.message_id))
    return { kind: 'ignored', updateId, reason: 'no chat or message_id' };
  const replied = msg.reply_to_message?.from;
  const replyToBot = replied?.is_bot === true && (o.botId === undefined || String(replied.id) === o.botId);
  const text = commandText(msg.text, msg.chat.type, replyToBot, o);
  if (text === undefined) return { kind: 'ignored', updateId, reason: 'group message not addressed to the bot' };
  return {
    kind: 'command',
    updateId,
    text,
    sender: String(msg.from.id),
    chatId: String(msg.chat.id),
    messageId: String(msg.message_id),
    ...(msg.is_topic_message && msg.message_thread_id !== undefined && { threadId: String(msg.message_thread_id) }),
  };
}
