/**
 * `http` runner: method, url, headers and body are templates (a body object has each string leaf
 * rendered once and is sent as JSON); values rendered into the url are percent-encoded. 2xx succeeds; the result is `{status_code, headers, body}`
 * with `body` parsed when the response is JSON. Timeout and cancel abort the request.
 */
import { buildContext, renderDeep, renderTemplate, renderUrl } from '../../templates/render.ts';
import { OutputBuffer } from './output-buffer.ts';
import { defineRunner, type RunnerDeps } from './runner.ts';

export const httpRunner = defineRunner({
  kind: 'http',
  create(deps: RunnerDeps) {
    const limit = deps.config.main.executions.output_limit;
    return {
      async run(action, params, ctx) {
        if (!action.url) return { status: 'failed', error: `action ${action.ref} has no url` };
        const tctx = buildContext({ ...ctx.execution, params });
        // values percent-encoded: a parameter cannot leave its path segment or query value
        const url = renderUrl(action.url, tctx);
        const method = renderTemplate(action.method ?? (action.body === undefined ? 'GET' : 'POST'), tctx).toUpperCase();
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(action.headers ?? {})) headers[k] = renderTemplate(v, tctx);
        let body: string | undefined;
        if (typeof action.body === 'string') body = renderTemplate(action.body, tctx);
        else if (action.body !== undefined) {
          body = JSON.stringify(renderDeep(action.body, tctx));
          if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
        }
        let res: Response;
        try {
          res = await fetch(url, { method, headers, body, signal: ctx.signal, redirect: 'follow' });
        } catch (err) {
          return { status: 'failed', error: `request to ${new URL(url).origin} failed: ${(err as Error).message}` };
        }
        const text = await readLimited(res, limit);
        const type = res.headers.get('content-type') ?? '';
        let parsed: unknown = text;
        if (/\bjson\b/i.test(type)) {
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
        }
        const result = { status_code: res.status, headers: Object.fromEntries(res.headers), body: parsed };
        if (res.ok) return { status: 'succeeded', result };
        return { status: 'failed', result, error: `HTTP ${res.status} ${res.statusText}`.trim() };
      },
    };
  },
});

async function readLimited(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const buf = new OutputBuffer(limit);
  for await (const chunk of res.body) buf.push(Buffer.from(chunk as Uint8Array));
  return buf.text();
}
