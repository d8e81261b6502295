/**
 * fetch for sinks that speak plain HTTP (webhook, GitLab, Jira): the caller's AbortSignal plus a
 * timeout, network errors and non-2xx statuses turned into classified, redacted SinkErrors.
 */
import { httpStatusError, parseRetryAfter, transportError, type Deadline } from './failure.ts';

export interface SinkFetchContext {
  /** names the call in error messages, e.g. `gitlab create issue` */
  what: string;
  deadline: Deadline;
  secrets: readonly string[];
}

/** Performs one request; resolves with a 2xx response, otherwise throws a SinkError. */
export async function sinkFetch(url: string, init: RequestInit, ctx: SinkFetchContext): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: 'error', signal: ctx.deadline.signal });
  } catch (err) {
    throw transportError(ctx.what, err, ctx.deadline, ctx.secrets);
  }
  if (res.ok) return res;
  const detail = await res.text().catch(() => '');
  throw httpStatusError(ctx.what, res.status, detail, ctx.secrets, parseRetryAfter(res.headers.get('retry-after')));
}

/** {@link sinkFetch} and the parsed JSON body. */
export async function sinkFetchJson<T>(url: string, init: RequestInit, ctx: SinkFetchContext): Promise<T> {
  const res = await sinkFetch(url, init, ctx);
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw transportError(ctx.what, err, ctx.deadline, ctx.secrets);
  }
  return (text ? JSON.parse(text) : {}) as T;
}

/** Joins an API root and a relative path (`api_url` may or may not end in `/`). */
export function joinUrl(root: string, path: string): string {
  return new URL(path.replace(/^\//, ''), root.endsWith('/') ? root : `${root}/`).href;
}
