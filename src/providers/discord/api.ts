/**
 * The Discord REST calls Switchboard makes (discord.com/developers/docs/reference), over the sinks'
 * HTTP client (src/sinks/http.ts `httpFetch`; a 3xx is a permanent failure, never followed):
 * `Authorization: Bot <token>` where the route needs it, JSON in and out, and every failure a
 * classified, redacted {@link SinkError}:
 *
 * - 429: `retry_after` (seconds, a float) of the JSON body, else the `Retry-After` header;
 *   retryable. A bucket emptied by a success (`X-RateLimit-Remaining: 0`) makes the next call on
 *   the same route wait `X-RateLimit-Reset-After` first (when that fits the deadline), instead of
 *   drawing a 429 (discord.com/developers/docs/topics/rate-limits).
 * - 5xx, 408, network, timeout: retryable. 401/403: auth, permanent. 404 `Unknown Channel` (10003),
 *   `Unknown Webhook` (10015), `Unknown Message` (10008), other 4xx: permanent.
 */
import { createHash } from 'node:crypto';
import { redactText } from '../../log.ts';
import { httpStatusError, parseRetryAfter, transportError, type Deadline } from '../../sinks/failure.ts';
import { httpFetch, type HttpAnswer } from '../../sinks/http.ts';
import { SinkError } from '../../sinks/sink.ts';

export interface DiscordCall {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** the API root, e.g. https://discord.com/api/v10 */
  apiUrl: string;
  /** the route below it, e.g. `/channels/123/messages` */
  path: string;
  body?: unknown;
  /** the bot token: sent as `Bot <token>` (interaction webhooks need none) */
  token?: string;
  /** names the call in errors, e.g. `discord channel message` */
  what: string;
  deadline: Deadline;
  secrets: readonly string[];
}

/** Discord's JSON error codes that name a target that is gone or was never there. */
const unknownTarget = new Set([10003, 10008, 10015]);

/** Route keys whose bucket is exhausted, with the time (ms) it resets; shared per process. */
const exhausted = new Map<string, number>();

/** The rate-limit route of a call: per API host and bot (buckets are per token), major parameters (channel, webhook) kept, other ids folded. */
function routeKey(call: Pick<DiscordCall, 'apiUrl' | 'token' | 'method' | 'path'>): string {
  const bot = call.token === undefined ? '-' : createHash('sha256').update(call.token).digest('hex').slice(0, 12);
  return `${call.apiUrl} ${bot} ${call.method} ${call.path.replace(/\/messages\/\d+/, '/messages/:id')}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One call; resolves with the parsed JSON body (or `{}` for 204), throws a SinkError otherwise.
 *
 * @example
 * const msg = await discordCall<{ id: string }>({ method: 'POST', apiUrl, path: `/channels/${id}/messages`,
 *   body: { content: 'hi', allowed_mentions: { parse: [] } }, token, what: 'discord channel message', deadline, secrets });
 */
export async function discordCall<T>(call: DiscordCall): Promise<T> {
  const { deadline, what, secrets } = call;
  const key = routeKey(call);
  const url = `${call.apiUrl.replace(/\/+$/, '')}${call.path}`;
  let res: HttpAnswer;
  try {
    // 1. a bucket emptied by the previous call: wait for its reset when the deadline allows
    const resetAt = exhausted.get(key);
    if (resetAt !== undefined) {
      const wait = resetAt - Date.now();
      if (wait > 0 && wait < deadline.timeoutMs) await sleep(wait, deadline.signal);
      exhausted.delete(key);
    }
    if (deadline.signal.aborted) throw deadline.signal.reason;
    // 2. the request
    res = await httpFetch(url, {
      method: call.method,
      headers: {
        ...(call.body !== undefined && { 'content-type': 'application/json' }),
        ...(call.token !== undefined && { authorization: `Bot ${call.token}` }),
        'user-agent': 'DiscordBot (https://github.com/switchboard, 1) Switchboard',
      },
      ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
      signal: deadline.signal,
    });
  } catch (err) {
    throw transportError(what, err, deadline, secrets);
  }
  // 3. remember an emptied bucket
  const remaining = res.headers.get('x-ratelimit-remaining');
  const resetAfter = Number(res.headers.get('x-ratelimit-reset-after'));
  if (remaining === '0' && Number.isFinite(resetAfter) && resetAfter > 0) exhausted.set(key, Date.now() + resetAfter * 1000);

  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw transportError(what, err, deadline, secrets);
  }
  if (res.ok) {
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch {
      throw new SinkError(`${what}: the answer is not JSON`, 'server_error', true);
    }
  }
  throw discordError(what, res, text, secrets);
}

/** Classifies a non-2xx answer (see the module comment). */
function discordError(what: string, res: HttpAnswer, text: string, secrets: readonly string[]): SinkError {
  let body: { code?: unknown; message?: unknown; retry_after?: unknown; global?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: an HTML error page from a proxy, say
  }
  const message = typeof body.message === 'string' ? body.message : '';
  if (res.status === 429) {
    const fromBody = typeof body.retry_after === 'number' && body.retry_after >= 0 ? Math.ceil(body.retry_after * 1000) : undefined;
    const retryAfterMs = fromBody ?? parseRetryAfter(res.headers.get('retry-after'));
    const scope = body.global === true ? 'global' : (res.headers.get('x-ratelimit-scope') ?? 'route');
    return new SinkError(`${what}: rate limited (HTTP 429, ${scope})`, 'rate_limited', true, retryAfterMs);
  }
  const code = typeof body.code === 'number' ? body.code : undefined;
  if (code !== undefined && unknownTarget.has(code)) {
    return new SinkError(redactText(`${what}: ${message || 'unknown target'} (code ${code})`, secrets), 'invalid_target', false);
  }
  const detail = message ? `${message}${code !== undefined ? ` (code ${code})` : ''}` : text;
  return httpStatusError(what, res.status, detail, secrets, parseRetryAfter(res.headers.get('retry-after')));
}
