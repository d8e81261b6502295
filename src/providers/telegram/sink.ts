/**
 * `telegram` sink: sendMessage (`parse_mode: 'HTML'`, every value escaped, see render.ts) to the
 * target chat (a chat id such as `-1001234567890`, or `@channelusername`), else `default_target`.
 * A reply to a command's origin answers in its chat, as a reply to the command's message
 * (`reply_parameters`, sent even when that message is gone) and in its forum topic.
 *
 * Failures (the Bot API's `{ok: false, error_code, description, parameters}`):
 * - 429 `Too Many Requests: retry after N`: retryable after `parameters.retry_after` seconds;
 * - 5xx and network errors: retryable;
 * - 400 `chat not found`, 403 `bot was blocked by the user` / `bot was kicked` / `user is
 *   deactivated`: the target, for good; 401/404 (a wrong token): auth, for good;
 * - 400 with `parameters.migrate_to_chat_id` (a group became a supergroup): sent once more to the
 *   new id at once, and the delivery records where it went.
 */
import { redactText } from '../../log.ts';
import { DEFAULT_TIMEOUT_MS, startDeadline, transportError } from '../../sinks/failure.ts';
import { referenceId, targetOf } from '../../sinks/render.ts';
import { channelSecrets } from '../../sinks/settings.ts';
import { defineSink, SinkError, type SinkFailureReason } from '../../sinks/sink.ts';
import { callBotApi, DEFAULT_API_URL, TelegramApiError } from './api.ts';
import { telegramChannel } from './manifest.ts';
import { formatTelegramHtml } from './render.ts';

/** The part of a Message the sink reads from sendMessage's result. */
interface SentMessage {
  message_id: number;
  chat: { id: number };
}

/** A chat id as the Bot API takes it: an integer, or `@username` kept as a string. */
export function chatIdParam(target: string): number | string {
  return /^-?\d+$/.test(target) ? Number(target) : target;
}

/** What a Bot API failure means for the delivery. */
export function classifyTelegramError(err: TelegramApiError, secrets: readonly string[]): SinkError {
  const text = redactText(`telegram: ${err.errorCode} ${err.description}`, secrets);
  const code = err.errorCode;
  if (code === 429) return new SinkError(text, 'rate_limited', true, err.retryAfterMs);
  if (code >= 500) return new SinkError(text, 'server_error', true, err.retryAfterMs);
  let reason: SinkFailureReason = 'client_error';
  if (code === 401 || code === 404) reason = 'auth_error';
  else if (code === 403 || /chat not found|user not found|chat_id is empty|peer_id_invalid/i.test(err.description)) reason = 'invalid_target';
  return new SinkError(text, reason, false);
}

/**
 * @example
 * # channels/telegram.yaml
 * name: telegram
 * kind: telegram
 * token: ${TELEGRAM_BOT_TOKEN}
 * secret_token: ${TELEGRAM_SECRET_TOKEN}
 * default_target: "-1001234567890"
 */
export const telegramSink = defineSink({
  kind: 'telegram',
  settings: telegramChannel,
  // the Bot API allows about one message a second per chat (30 a second overall)
  defaultRate: { max: 1, perSeconds: 1, perTarget: true },
  create(settings, deps) {
    const secrets = channelSecrets(settings as never);
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const bot = { apiUrl: settings.api_url ?? DEFAULT_API_URL, token: settings.token };
    return {
      async send(m, signal) {
        const chat = m.replyTo?.chat_id ?? targetOf(m, settings.default_target);
        if (!chat) throw new SinkError('telegram: no target chat and no default_target', 'invalid_target', false);
        const text = formatTelegramHtml(m.text, referenceId(m));
        const replyTo = m.replyTo?.message_id;
        const topic = m.replyTo?.message_thread_id;
        const params = (chatId: number | string) => ({
          chat_id: chatId,
          text,
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(replyTo !== undefined && /^\d+$/.test(replyTo) && { reply_parameters: { message_id: Number(replyTo), allow_sending_without_reply: true } }),
          ...(topic !== undefined && /^\d+$/.test(topic) && { message_thread_id: Number(topic) }),
        });
        const deadline = startDeadline(signal, timeoutMs);
        try {
          if (signal.aborted) throw new SinkError('telegram: aborted', 'timeout', true);
          let target = chatIdParam(chat);
          let sent: SentMessage;
          try {
            sent = await callBotApi<SentMessage>(bot, 'sendMessage', params(target), deadline.signal);
          } catch (err) {
            // a group upgraded to a supergroup: its new id, once
            if (!(err instanceof TelegramApiError) || err.migrateToChatId === undefined) throw err;
            target = err.migrateToChatId;
            sent = await callBotApi<SentMessage>(bot, 'sendMessage', params(target), deadline.signal);
          }
          return { externalId: `${sent.chat.id}:${sent.message_id}`, sent: { text, target: String(target) } };
        } catch (err) {
          if (err instanceof TelegramApiError) throw classifyTelegramError(err, secrets);
          throw transportError('telegram', err, deadline, secrets);
        } finally {
          deadline.done();
        }
      },
    };
  },
});
