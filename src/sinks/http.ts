/**
 * The outbound HTTP of sinks and providers: `sinkFetch` for the sinks that speak plain HTTP
 * (webhook, Teams, GitLab, Jira, Slack's response_url: the caller's AbortSignal plus a timeout,
 * network errors and non-2xx statuses turned into classified, redacted SinkErrors), `httpRequest`
 * for twilio-node's `httpClient`, `httpFetch` for the providers that classify answers themselves
 * (Discord, Telegram, Mattermost, Slack's button answers).
 *
 * Requests go through `node:http`/`node:https` with one keep-alive agent per scheme, not `fetch`:
 * a webhook POST costs 0.44 of fetch's CPU and runs at twice its rate (`npm run bench -- sink-http`:
 * 143 vs 321 µs per request; fetch's web streams, its WASM parser and the abort its body cancel
 * raises were a tenth of the worker's CPU in the e2e bench's profile). What fetch did that matters
 * here is kept: redirects are not followed (`sinkFetch` makes a 3xx a permanent failure naming the
 * Location), bodies are read up to a cap, an idle connection the server closed as it was reused is
 * retried once on a new one (Node's documented `reusedSocket` case: the request never reached the
 * server).
 */
import http from 'node:http';
import https from 'node:https';
import { redactText } from '../log.ts';
import { httpStatusError, parseRetryAfter, transportError, type Deadline } from './failure.ts';
import { SinkError } from './sink.ts';

export interface SinkFetchContext {
  /** names the call in error messages, e.g. `gitlab create issue` */
  what: string;
  deadline: Deadline;
  secrets: readonly string[];
}

/** What a sink sends: a method (GET by default), headers, and a text body. */
export interface SinkRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What a caller reads of an answer: `fetch`'s Response in small. */
export interface HttpAnswer {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  /** the body as UTF-8, at most {@link MAX_BODY_BYTES} */
  text(): Promise<string>;
}

/** A 2xx answer of {@link sinkFetch}, its body not read yet: read it with `text()` (a larger one is a SinkError), or `discard()` it. */
export interface SinkResponse extends HttpAnswer {
  /** drops the body: a short one is drained so the connection is kept; a long one closes it */
  discard(): void;
}

/** The largest response body a sink reads (an issue search, a response with an error text). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** A body up to this is drained rather than the connection closed, when discarded. */
const DRAIN_BYTES = 64 * 1024;
/** Of an error's body, this much is read for the message (it is cut to 300 characters anyway). */
const ERROR_DETAIL_BYTES = 16 * 1024;

/**
 * Idle connections are closed after 4 s: under the 5 s keep-alive most servers (Node's included)
 * give, so a connection is rarely reused just as the server closes it.
 */
const agentOptions = { keepAlive: true, timeout: 4_000, scheduling: 'lifo' as const };
const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

/** Performs one request; resolves with a 2xx response, otherwise throws a SinkError. */
export async function sinkFetch(url: string, init: SinkRequest, ctx: SinkFetchContext): Promise<SinkResponse> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new SinkError(redactText(`${ctx.what}: not a URL: ${url}`, ctx.secrets), 'client_error', false);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new SinkError(redactText(`${ctx.what}: ${target.protocol} URLs are not supported (http: or https:)`, ctx.secrets), 'client_error', false);
  }
  let res: http.IncomingMessage;
  try {
    res = await request(target, init, ctx.deadline.signal);
  } catch (err) {
    throw transportError(ctx.what, err, ctx.deadline, ctx.secrets);
  }
  const status = res.statusCode ?? 0;
  const headers = { get: (name: string) => header(res, name) };
  if (status >= 200 && status < 300) {
    return {
      status,
      ok: true,
      headers,
      text: () => readBody(res, MAX_BODY_BYTES, ctx),
      discard: () => discard(res),
    };
  }
  if (status >= 300 && status < 400) {
    discard(res);
    const location = header(res, 'location');
    throw new SinkError(
      redactText(`${ctx.what}: HTTP ${status}: redirects are not followed${location ? ` (Location: ${location})` : ''}; configure the final URL`, ctx.secrets),
      'client_error',
      false,
    );
  }
  const detail = await readBody(res, ERROR_DETAIL_BYTES, ctx, true).catch(() => '');
  throw httpStatusError(ctx.what, status, detail, ctx.secrets, parseRetryAfter(header(res, 'retry-after')));
}

/** {@link sinkFetch} and the parsed JSON body. */
export async function sinkFetchJson<T>(url: string, init: SinkRequest, ctx: SinkFetchContext): Promise<T> {
  const res = await sinkFetch(url, init, ctx);
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

/** Joins an API root and a relative path (`api_url` may or may not end in `/`). */
export function joinUrl(root: string, path: string): string {
  return new URL(path.replace(/^\//, ''), root.endsWith('/') ? root : `${root}/`).href;
}

function header(res: http.IncomingMessage, name: string): string | null {
  const v = res.headers[name.toLowerCase()];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

/** Sends the request, once more on a fresh connection when a reused one turns out closed. */
async function request(target: URL, init: SinkRequest, signal?: AbortSignal): Promise<http.IncomingMessage> {
  try {
    return await send(target, init, signal);
  } catch (err) {
    if (!(err as { reused?: boolean }).reused || signal?.aborted) throw err;
    return send(target, init, signal);
  }
}

function send(target: URL, init: SinkRequest, signal?: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    const headers: Record<string, string | number> = { 'User-Agent': 'switchboard', ...init.headers };
    if (body) headers['Content-Length'] = body.length;
    const mod = target.protocol === 'https:' ? https : http;
    const req = mod.request(
      target,
      { method: init.method ?? 'GET', headers, agent: agents[target.protocol as 'http:' | 'https:'], ...(signal && { signal }) },
      resolve,
    );
    req.on('error', (err) => {
      // the server closed an idle keep-alive connection as it was handed to this request: nothing was
      // answered, and (no byte of a response having come) the server dropped the request unread
      const code = (err as NodeJS.ErrnoException).code;
      if (req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) Object.assign(err, { reused: true });
      reject(err);
    });
    req.end(body);
  });
}

/** A body longer than its reader takes. */
class BodyTooLarge extends Error {
  constructor(readonly max: number) {
    super(`response body larger than ${max} bytes`);
  }
}

/** The body as UTF-8, at most `max` bytes: past that, the first `max` bytes when `cut`, else a {@link BodyTooLarge}. */
function collect(res: http.IncomingMessage, max: number, cut = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        res.destroy();
        if (!cut) return reject(new BodyTooLarge(max));
        chunks.push(chunk.subarray(0, chunk.length - (size - max)));
        return resolve(Buffer.concat(chunks).toString('utf8'));
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // the deadline or the caller aborted, or the connection broke, while the body was arriving
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new Error('connection closed before the response ended'));
    });
  });
}

function readBody(res: http.IncomingMessage, max: number, ctx: SinkFetchContext, cut = false): Promise<string> {
  return collect(res, max, cut).catch((err: unknown) => {
    if (err instanceof BodyTooLarge) throw new SinkError(redactText(`${ctx.what}: ${err.message}`, ctx.secrets), 'server_error', true);
    throw transportError(ctx.what, err, ctx.deadline, ctx.secrets);
  });
}

/** An answer of any status, read whole (at most {@link MAX_BODY_BYTES}). */
export interface RawResponse {
  status: number;
  /** lower-case names; repeated headers joined with `, ` */
  headers: Record<string, string>;
  body: string;
}

/**
 * One request through the same agents, whatever the status it is answered with, for a client
 * library that reads answers itself (twilio-node's `httpClient`). Redirects are not followed (a 3xx
 * is returned as it is); network errors and aborts are thrown as they come.
 */
export async function httpRequest(url: URL, init: SinkRequest, signal?: AbortSignal): Promise<RawResponse> {
  const res = await request(url, init, signal);
  const body = await collect(res, MAX_BODY_BYTES);
  const headers: Record<string, string> = {};
  for (const name of Object.keys(res.headers)) headers[name] = header(res, name)!;
  return { status: res.statusCode ?? 0, headers, body };
}

/**
 * Drops a body nobody reads. Its connection goes back to the agent only once the body has been read
 * to its end (even one that already arrived whole): a body is read and dropped up to
 * {@link DRAIN_BYTES} (chunked ones too); a longer or endless one closes the connection instead.
 * A connection broken meanwhile is no error of the send, which has its answer.
 */
function discard(res: http.IncomingMessage): void {
  res.on('error', () => undefined);
  const length = Number(res.headers['content-length']);
  if (!res.complete && Number.isFinite(length) && length > DRAIN_BYTES) {
    res.destroy();
    return;
  }
  let seen = 0;
  res.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DRAIN_BYTES) res.destroy();
  });
  res.resume();
}

/**
 * {@link httpRequest} shaped like `fetch` (an answer of any status, its body read whole) for the providers that classify answers themselves
 * (Discord, Telegram, Mattermost). A 3xx is answered as it is, never followed.
 *
 * @example
 * const res = await httpFetch(`${api}/posts`, { method: 'POST', headers, body, signal: deadline.signal });
 * if (!res.ok) throw classify(res, await res.text());
 */
export async function httpFetch(url: string | URL, init: SinkRequest & { signal?: AbortSignal } = {}): Promise<HttpAnswer> {
  const { signal, ...rest } = init;
  const res = await httpRequest(typeof url === 'string' ? new URL(url) : url, rest, signal);
  return {
    status: res.status,
    ok: res.status >= 200 && res.status < 300,
    headers: { get: (name) => res.headers[name.toLowerCase()] ?? null },
    text: async () => res.body,
  };
}
