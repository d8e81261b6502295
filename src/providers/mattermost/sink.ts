/**
 * `mattermost` sink: one post through the REST API v4 (`POST {api_url}/api/v4/posts`, `Authorization:
 * Bearer <bot token>`), in the reply's channel and thread (`root_id`) for the `origin` channel, else
 * in the target channel id (or `default_target`). StackStorm's `{~}` split becomes a message
 * attachment (Mattermost takes Slack's attachment shape in `props.attachments`). A post longer than
 * Mattermost's 16,383 characters is cut at a line end with a note, so nothing is cut silently.
 *
 * The sinks' HTTP client (src/sinks/http.ts `httpFetch`) rather than `@mattermost/client`: its
 * Client4 keeps no response headers on errors (so no Retry-After / X-Ratelimit-Reset), retries
 * nothing we could steer, and uses the global fetch with no per-request signal; a post is one request.
 *
 * Failures: 429 retryable (Retry-After, else X-Ratelimit-Reset), 5xx retryable, 401/403 auth (not
 * retried: a revoked token or a bot that is not in the channel), 404 unknown channel and other 4xx
 * permanent. Every error text is redacted of the token.
 */
import { redactText } from '../../log.ts';
import { DEFAULT_TIMEOUT_MS, httpStatusError, parseRetryAfter, startDeadline, transportError } from '../../sinks/failure.ts';
import { httpFetch, type HttpAnswer, type SinkRequest } from '../../sinks/http.ts';
import { splitAttachment, targetOf } from '../../sinks/render.ts';
import { defineSink, SinkError } from '../../sinks/sink.ts';
import { escapeMarked } from '../../templates/marks.ts';
import { mattermostChannel } from './manifest.ts';
import { escapeMattermost } from './text.ts';

/** Multi-line output in a code block (unless it has one already), so it reads as printed. */
function foldOutput(text: string): string {
  if (!text.includes('\n') || text.includes('```')) return text;
  return `\`\`\`\n${text}\n\`\`\``;
}

/** Mattermost's limit on a post's message (server v5.0 and later). */
export const POST_LIMIT = 16_383;

export interface MattermostPost {
  channel_id: string;
  message: string;
  root_id?: string;
  props?: { attachments: { fallback: string; pretext?: string; text: string; color: string }[] };
}

function color(status?: string): string {
  if (status === 'succeeded') return '#2eb886';
  if (status === 'failed' || status === 'timeout') return '#d24b4e';
  return '#439FE0';
}

/** `text` within `limit` characters, cut at a line end (an open code fence closed), with a note saying how long it was. */
export function fitPost(text: string, limit = POST_LIMIT): string {
  if (text.length <= limit) return text;
  const note = `\n_(cut: ${text.length.toLocaleString('en-US')} characters in all)_`;
  let head = text.slice(0, limit - note.length - 4);
  const nl = head.lastIndexOf('\n');
  if (nl > head.length / 2) head = head.slice(0, nl);
  const open = (head.match(/```/g)?.length ?? 0) % 2 === 1;
  return `${head}${open ? '\n```' : ''}${note}`;
}

/**
 * The post for one message (pure).
 *
 * @example
 * formatMattermostPost({ text: 'Failed{~}exit 1', channelId: 'c1', status: 'failed' })
 * // { channel_id: 'c1', message: 'Failed', props: { attachments: [{ text: 'exit 1', color: '#d24b4e', ... }] } }
 */
export function formatMattermostPost(input: { text: string; subject?: string; channelId: string; rootId?: string; status?: string }): MattermostPost {
  const { pretext, body } = splitAttachment(input.text);
  const base = { channel_id: input.channelId, ...(input.rootId ? { root_id: input.rootId } : {}) };
  if (body === undefined) return { ...base, message: fitPost(foldOutput(pretext) || input.subject || ' ') };
  const room = POST_LIMIT - pretext.length;
  const attachment = {
    fallback: (pretext || input.subject || body).slice(0, 300),
    ...(pretext ? { pretext } : {}),
    text: fitPost(foldOutput(body), Math.max(1000, room)),
    color: color(input.status),
  };
  return { ...base, message: '', props: { attachments: [attachment] } };
}

/** Milliseconds to wait after a 429: Retry-After, else X-Ratelimit-Reset (seconds until the limit resets; an epoch second when large). */
export function rateLimitWait(headers: Pick<Headers, 'get'>, now = Date.now()): number | undefined {
  const after = parseRetryAfter(headers.get('retry-after'), now);
  if (after !== undefined) return after;
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return reset > 1e9 ? Math.max(0, reset * 1000 - now) : Math.round(reset * 1000);
}

/**
 * @example
 * # channels/mattermost.yaml
 * name: mattermost
 * kind: mattermost
 * api_url: https://chat.example.com
 * token: ${MATTERMOST_BOT_TOKEN}
 * default_target: 9ghtx1cnyfr3tgmhz5kfr5gw7r
 */
export const mattermostSink = defineSink({
  kind: 'mattermost',
  settings: mattermostChannel,
  // the server's default API limit is 10 requests a second per user (burst 100)
  defaultRate: { max: 10, perSeconds: 1 },
  create(settings, deps) {
    const secrets = [settings.token, settings.command_token, settings.outgoing_token].filter((s): s is string => s !== undefined && s.length >= 4);
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const api = `${settings.api_url.replace(/\/+$/, '')}/api/v4`;
    return {
      async send(m, signal) {
        const reply = m.replyTo;
        const channelId = reply?.channel ?? targetOf(m, settings.default_target);
        if (!channelId) throw new SinkError('mattermost: no target channel id and no default_target', 'invalid_target', false);
        // values a sender typed (and outputs, errors) made inert for Mattermost; the template's Markdown as written
        const text = m.marked !== undefined ? escapeMarked(m.marked, escapeMattermost) : m.text;
        const post = formatMattermostPost({
          text,
          subject: m.subject,
          channelId,
          status: m.execution?.status,
          ...(reply?.root_id ? { rootId: reply.root_id } : {}),
        });
        if (signal.aborted) throw new SinkError('mattermost: aborted', 'timeout', true);
        const deadline = startDeadline(signal, timeoutMs);
        const call = async (path: string, init: SinkRequest = {}): Promise<{ res: HttpAnswer; body: string }> => {
          try {
            const res = await httpFetch(`${api}${path}`, {
              ...init,
              signal: deadline.signal,
              headers: { authorization: `Bearer ${settings.token}`, 'content-type': 'application/json', accept: 'application/json' },
            });
            return { res, body: await res.text() };
          } catch (err) {
            throw transportError('mattermost', err, deadline, secrets);
          }
        };
        try {
          let { res, body } = await call('/posts', { method: 'POST', body: JSON.stringify(post) });
          // a reply to a post that is itself in a thread: Mattermost wants the thread's root (an
          // outgoing webhook names only the post), so it is looked up once and the post sent again
          if (res.status === 400 && post.root_id && errorId(body) === 'api.post.create_post.root_id.app_error') {
            const parent = await call(`/posts/${encodeURIComponent(post.root_id)}`);
            const root = parent.res.ok ? (parseJson(parent.body) as { root_id?: string } | undefined)?.root_id : undefined;
            if (root) ({ res, body } = await call('/posts', { method: 'POST', body: JSON.stringify({ ...post, root_id: root }) }));
          }
          if (!res.ok) throw classify(res, body, secrets);
          const id = (parseJson(body) as { id?: string } | undefined)?.id;
          return { externalId: id ?? 'posted', sent: { text: post.message || (post.props?.attachments[0]?.text ?? ''), target: channelId } };
        } catch (err) {
          throw transportError('mattermost', err, deadline, secrets);
        } finally {
          deadline.done();
        }
      },
    };
  },
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The `id` of Mattermost's error body (`api.post.create_post.root_id.app_error`...). */
const errorId = (body: string): string | undefined => (parseJson(body) as { id?: string } | undefined)?.id;

/** A non-2xx answer as a SinkError; Mattermost's error body is `{id, message, status_code}`. */
function classify(res: HttpAnswer, body: string, secrets: readonly string[]): SinkError {
  let detail = body;
  try {
    const e = JSON.parse(body) as { id?: string; message?: string };
    detail = [e.id, e.message].filter(Boolean).join(': ') || body;
  } catch {
    // not JSON: the text as it came
  }
  if (res.status === 429) return new SinkError(redactText(`mattermost: rate limited (HTTP 429)`, secrets), 'rate_limited', true, rateLimitWait(res.headers));
  if (res.status === 404) return new SinkError(redactText(`mattermost: HTTP 404 ${detail.slice(0, 300)}`, secrets), 'invalid_target', false);
  return httpStatusError('mattermost', res.status, detail, secrets, parseRetryAfter(res.headers.get('retry-after')));
}
