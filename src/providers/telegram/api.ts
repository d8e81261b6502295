/**
 * The few Bot API calls Switchboard makes (sendMessage, setWebhook, getMe, answerCallbackQuery),
 * as plain JSON over HTTPS to `${api_url}/bot<token>/<method>` (https://core.telegram.org/bots/api
 * "Making requests"). Every answer is the envelope `{ok: true, result}` or `{ok: false,
 * error_code, description, parameters?: {retry_after, migrate_to_chat_id}}`; a failure becomes a
 * {@link TelegramApiError} carrying those fields. The token is part of the URL: no error text
 * here ever contains the URL.
 */
import { parseRetryAfter } from '../../sinks/failure.ts';
import { httpFetch } from '../../sinks/http.ts';

/** Bot API root when a channel names none. */
export const DEFAULT_API_URL = 'https://api.telegram.org';

/** What a failed call answered (the envelope's fields, or the HTTP status when there was no envelope). */
export class TelegramApiError extends Error {
  constructor(
    readonly method: string,
    /** `error_code` (an HTTP status: 400, 403, 429...) */
    readonly errorCode: number,
    /** `description`, e.g. `Bad Request: chat not found` */
    readonly description: string,
    /** `parameters.retry_after` (seconds), else a Retry-After header, in ms */
    readonly retryAfterMs?: number,
    /** `parameters.migrate_to_chat_id`: the group became a supergroup with this id */
    readonly migrateToChatId?: number,
  ) {
    super(`telegram ${method}: ${errorCode} ${description}`);
    this.name = 'TelegramApiError';
  }
}

interface Envelope {
  ok?: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** The URL of one method (`api_url` may end in `/` or not). */
export function methodUrl(apiUrl: string, token: string, method: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/bot${token}/${method}`;
}

/**
 * One Bot API call, over the sinks' HTTP client (src/sinks/http.ts `httpFetch`). Network errors and
 * aborts propagate as they are thrown; an answer that is not `{ok: true}` throws a
 * {@link TelegramApiError}.
 *
 * @example
 * const me = await callBotApi<{ username: string }>({ apiUrl: DEFAULT_API_URL, token }, 'getMe', {});
 */
export async function callBotApi<T>(bot: { apiUrl: string; token: string }, method: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  const res = await httpFetch(methodUrl(bot.apiUrl, bot.token, method), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
    ...(signal && { signal }),
  });
  const text = await res.text();
  let body: Envelope | undefined;
  try {
    body = JSON.parse(text) as Envelope;
  } catch {
    body = undefined;
  }
  if (res.ok && body?.ok === true) return body.result as T;
  const seconds = body?.parameters?.retry_after;
  const retryAfterMs = typeof seconds === 'number' ? seconds * 1000 : parseRetryAfter(res.headers.get('retry-after'));
  throw new TelegramApiError(
    method,
    body?.error_code ?? res.status,
    body?.description ?? `HTTP ${res.status}`,
    retryAfterMs,
    body?.parameters?.migrate_to_chat_id,
  );
}
