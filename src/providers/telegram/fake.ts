/**
 * A fake Telegram Bot API (a real HTTP server on 127.0.0.1:0) for tests: `POST /bot<token>/<method>`
 * with JSON bodies, answered in the Bot API's envelope (`{ok: true, result}` or `{ok: false,
 * error_code, description, parameters?}`, with the HTTP status equal to `error_code`), as
 * https://core.telegram.org/bots/api "Making requests" describes. Methods: sendMessage (checks
 * `parse_mode: 'HTML'` text the way Telegram does: only its tags and entities, else 400 "can't
 * parse entities"), setWebhook (checks `secret_token`), getWebhookInfo, deleteWebhook, getMe,
 * answerCallbackQuery. Like Telegram, it can deliver Updates to the registered webhook with the
 * registered secret token (`deliver`). Failure injection: `failNext` (any answer), `telegramError`.
 */
import { startHttpFake, type FakeResponse, type FakeServer, type RecordedRequest } from '../../../test/fakes/http-fake.ts';

export interface TelegramSent {
  message_id: number;
  chat_id: number | string;
  text: string;
  parse_mode?: string;
  /** `reply_parameters.message_id`, or the older `reply_to_message_id` */
  reply_to_message_id?: number;
  message_thread_id?: number;
  reply_markup?: { inline_keyboard?: { text: string; callback_data?: string }[][] };
}

export interface TelegramWebhook {
  url: string;
  secret_token?: string;
  allowed_updates?: string[];
  drop_pending_updates?: boolean;
}

export interface TelegramFake extends FakeServer {
  /** the Bot API root to configure as the channel's `api_url` */
  apiUrl: string;
  messages: TelegramSent[];
  callbackAnswers: { callback_query_id: string; text?: string }[];
  /** what the last setWebhook registered (undefined after deleteWebhook) */
  webhook: TelegramWebhook | undefined;
  /** makes sendMessage to this chat answer 403 "Forbidden: bot was blocked by the user" */
  block(chatId: number | string): void;
  /**
   * POSTs `update` to the registered webhook as Telegram does (JSON, with the registered secret
   * token in X-Telegram-Bot-Api-Secret-Token unless `secret` overrides it; `null` leaves it out)
   */
  deliver(update: unknown, o?: { secret?: string | null }): Promise<Response>;
}

/** A Bot API error answer: HTTP status = error_code, the envelope, `retry_after` when given. */
export function telegramError(
  errorCode: number,
  description: string,
  parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  headers?: Record<string, string>,
): FakeResponse {
  return { status: errorCode, ...(headers && { headers }), body: { ok: false, error_code: errorCode, description, ...(parameters && { parameters }) } };
}

const ok = (result: unknown): FakeResponse => ({ status: 200, body: { ok: true, result } });

const TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji']);

/** Telegram's HTML check: the visible text, or the error Telegram gives. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const stack: string[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '<') {
      const m = /^<(\/?)([a-z-]+)(\s[^<>]*)?>/i.exec(html.slice(i));
      if (!m || !TAGS.has(m[2]!.toLowerCase()))
        return { error: `Bad Request: can't parse entities: Unsupported start tag "${html.slice(i + 1, i + 12).split(/[\s>]/)[0]}" at byte offset ${i}` };
      const tag = m[2]!.toLowerCase();
      if (m[1]) {
        if (stack.pop() !== tag)
          return { error: `Bad Request: can't parse entities: Unmatched end tag at byte offset ${i}, expected "</${stack.at(-1) ?? ''}>", found "</${tag}>"` };
      } else stack.push(tag);
      i += m[0].length;
      continue;
    }
    if (ch === '&') {
      const m = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(html.slice(i));
      if (!m) return { error: `Bad Request: can't parse entities: Unsupported entity at byte offset ${i}` };
      text += m[1] === 'lt' ? '<' : m[1] === 'gt' ? '>' : m[1] === 'amp' ? '&' : m[1] === 'quot' ? '"' : '?';
      i += m[0].length;
      continue;
    }
    if (ch === '>') return { error: `Bad Request: can't parse entities: Unexpected end tag at byte offset ${i}` };
    text += ch;
    i++;
  }
  if (stack.length > 0) return { error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${stack.at(-1)}"` };
  return { text };
}

/**
 * @example
 * const tg = await startTelegramFake({ token: '123456:ABC' });
 * // channels/telegram.yaml: api_url: ${tg.apiUrl}
 */
export async function startTelegramFake(opts: { token: string; username?: string; chats?: (number | string)[] }): Promise<TelegramFake> {
  const messages: TelegramSent[] = [];
  const callbackAnswers: TelegramFake['callbackAnswers'] = [];
  const blocked = new Set<string>();
  const botId = Number(opts.token.split(':', 1)[0]) || 1;
  let webhook: TelegramWebhook | undefined;
  let nextId = 1;

  const route = (req: RecordedRequest): FakeResponse => {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.path);
    if (!m) return telegramError(404, 'Not Found');
    if (m[1] !== opts.token) return telegramError(401, 'Unauthorized');
    const p = (req.parsed ?? Object.fromEntries(req.query)) as Record<string, unknown>;
    switch (m[2]) {
      case 'getMe':
        return ok({
          id: botId,
          is_bot: true,
          first_name: 'Switchboard',
          username: opts.username ?? 'SwitchboardTestBot',
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        });
      case 'setWebhook': {
        const url = typeof p.url === 'string' ? p.url : '';
        const secret = p.secret_token;
        if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret)))
          return telegramError(400, 'Bad Request: secret token contains unallowed characters');
        if (url === '') {
          webhook = undefined;
          return ok(true);
        }
        if (!/^https:\/\//.test(url) && !/^http:\/\/127\.0\.0\.1[:/]/.test(url))
          return telegramError(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        webhook = {
          url,
          ...(typeof secret === 'string' && { secret_token: secret }),
          ...(Array.isArray(p.allowed_updates) && { allowed_updates: p.allowed_updates as string[] }),
          ...(p.drop_pending_updates === true && { drop_pending_updates: true }),
        };
        return { status: 200, body: { ok: true, result: true, description: 'Webhook was set' } };
      }
      case 'deleteWebhook':
        webhook = undefined;
        return { status: 200, body: { ok: true, result: true, description: 'Webhook was deleted' } };
      case 'getWebhookInfo':
        return ok({
          url: webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: 0,
          ...(webhook?.allowed_updates && { allowed_updates: webhook.allowed_updates }),
        });
      case 'answerCallbackQuery':
        if (typeof p.callback_query_id !== 'string')
          return telegramError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        callbackAnswers.push({ callback_query_id: p.callback_query_id, ...(typeof p.text === 'string' && { text: p.text }) });
        return ok(true);
      case 'sendMessage': {
        const chat = p.chat_id;
        if (chat === undefined || chat === '') return telegramError(400, 'Bad Request: chat_id is empty');
        if (opts.chats && !opts.chats.map(String).includes(String(chat))) return telegramError(400, 'Bad Request: chat not found');
        if (blocked.has(String(chat))) return telegramError(403, 'Forbidden: bot was blocked by the user');
        const text = typeof p.text === 'string' ? p.text : '';
        let visible = text;
        if (p.parse_mode === 'HTML') {
          const parsed = parseTelegramHtml(text);
          if ('error' in parsed) return telegramError(400, parsed.error);
          visible = parsed.text;
        }
        if (visible.trim() === '') return telegramError(400, 'Bad Request: message text is empty');
        if ([...visible].length > 4096) return telegramError(400, 'Bad Request: message is too long');
        const rp = p.reply_parameters as { message_id?: number } | undefined;
        const replyTo = rp?.message_id ?? (p.reply_to_message_id as number | undefined);
        const sent: TelegramSent = {
          message_id: nextId++,
          chat_id: chat as number | string,
          text,
          ...(typeof p.parse_mode === 'string' && { parse_mode: p.parse_mode }),
          ...(replyTo !== undefined && { reply_to_message_id: replyTo }),
          ...(typeof p.message_thread_id === 'number' && { message_thread_id: p.message_thread_id }),
          ...(p.reply_markup !== undefined && { reply_markup: p.reply_markup as TelegramSent['reply_markup'] }),
        };
        messages.push(sent);
        const chatId = typeof chat === 'number' ? chat : Number(chat) || -1000000000001;
        return ok({
          message_id: sent.message_id,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: chatId > 0 ? 'private' : 'supergroup' },
          from: { id: botId, is_bot: true, first_name: 'Switchboard' },
          text: visible,
        });
      }
      default:
        return telegramError(404, 'Not Found: method not found');
    }
  };

  const fake = await startHttpFake(route);
  const extra = {
    apiUrl: fake.url,
    messages,
    callbackAnswers,
    block: (chatId: number | string) => void blocked.add(String(chatId)),
    async deliver(update: unknown, o: { secret?: string | null } = {}) {
      if (!webhook) throw new Error('telegram fake: no webhook set (call setWebhook first)');
      const secret = o.secret === undefined ? webhook.secret_token : o.secret;
      return fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret != null && { 'x-telegram-bot-api-secret-token': secret }) },
        body: JSON.stringify(update),
      });
    },
  };
  // `webhook` is read live (a getter; Object.assign would copy its value once)
  return Object.defineProperty(Object.assign(fake, extra), 'webhook', { get: () => webhook, enumerable: true }) as TelegramFake;
}
