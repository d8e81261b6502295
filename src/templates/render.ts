/**
 * The one template engine of the project: Jinja via nunjucks, autoescape off, with Jinja
 * compatibility (`dict.items()`, `iteritems()`, `True`/`False`) and StackStorm's filters.
 *
 * Every template (argv elements, URLs, bodies, messages, `ack`, `result`) sees the context built by
 * {@link buildContext}. Values are data: a rendered value is never rendered again, so a parameter
 * such as `{{ 7*7 }}` sent by a user reaches the action as those literal characters.
 */
import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';
import type { ExecutionRecord } from '../executions/types.ts';
import { filters } from './filters.ts';
import { escapeMarked, markValue } from './marks.ts';

export type TemplateContext = Record<string, unknown>;

nunjucks.installJinjaCompat();

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
for (const [name, fn] of Object.entries(filters)) env.addFilter(name, fn as (...args: unknown[]) => unknown);

/**
 * Messages (notify, ack, result) render through a second environment with autoescape on, whose
 * escape does not escape: it marks each value output (`{{ ... }}` not `| safe`) as typed by
 * someone (marks.ts), and each sink escapes those spans for its medium. nunjucks calls
 * `lib.escape` only for autoescape output and the `escape` filter; outside {@link renderMessage}
 * it stays nunjucks' own HTML escape.
 */
const lib = createRequire(import.meta.url)('nunjucks/src/lib') as { escape: (s: string) => string };
const htmlEscape = lib.escape;
let marking = false;
lib.escape = (s: string) => (marking ? markValue(s) : htmlEscape(s));
const messageEnv = new nunjucks.Environment(null, { autoescape: true, throwOnUndefined: false });
for (const [name, fn] of Object.entries(filters)) messageEnv.addFilter(name, fn as (...args: unknown[]) => unknown);
// already encoded for a URL: not marked again (no double encoding in renderUrl)
const builtinUrlencode = messageEnv.getFilter('urlencode') as (v: unknown) => string;
messageEnv.addFilter('urlencode', (v: unknown) => new nunjucks.runtime.SafeString(builtinUrlencode(v)));

const CACHE_LIMIT = 1000;
const cache = new Map<string, nunjucks.Template>();
const messageCache = new Map<string, nunjucks.Template>();

/** Thrown when a template does not compile or fails while rendering. */
export class TemplateError extends Error {
  readonly code = 'template_error';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

function compiled(src: string, e = env, c = cache): nunjucks.Template {
  let tpl = c.get(src);
  if (tpl) return tpl;
  try {
    tpl = nunjucks.compile(src, e);
    // compile lazily happens on first render; force it now so errors surface here
    (tpl as unknown as { compile(): void }).compile();
  } catch (err) {
    throw new TemplateError(`template does not compile: ${(err as Error).message}`, { cause: err });
  }
  if (c.size >= CACHE_LIMIT) c.delete(c.keys().next().value as string);
  c.set(src, tpl);
  return tpl;
}

const hasMarkup = (src: string) => src.includes('{{') || src.includes('{%') || src.includes('{#');

/**
 * Renders one template source once. Plain strings without markup are returned as they are.
 * @example
 * renderTemplate('restart {{ service }}', buildContext(exec)) // 'restart web'
 */
export function renderTemplate(src: string, ctx: TemplateContext): string {
  if (!hasMarkup(src)) return src;
  try {
    return compiled(src).render(ctx);
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    throw new TemplateError(`template failed: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Renders a message template: like {@link renderTemplate}, but every value output is marked as
 * typed by someone (parameters, command text, outputs, errors), so each sink escapes it for its
 * medium (`escapeMarked`, `stripMarks` in marks.ts) while the template's literals stay as written
 * (Slack mrkdwn such as `<!here>` or `<https://x|y>` written in the config keeps working).
 * `{{ value | safe }}` opts a value out.
 *
 * @example
 * renderMessage('<!here> said: {{ text }}', { text: '<!channel>' }) // '<!here> said: \uE000<!channel>\uE001'
 */
export function renderMessage(src: string, ctx: TemplateContext): string {
  if (!hasMarkup(src)) return src;
  marking = true;
  try {
    return compiled(src, messageEnv, messageCache).render(ctx);
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    throw new TemplateError(`template failed: ${(err as Error).message}`, { cause: err });
  } finally {
    marking = false;
  }
}

/**
 * Renders an http action's `url`: each value is percent-encoded (`encodeURIComponent`), so a
 * parameter stays inside its path segment or query value (`../`, `?`, `#`, `@` are encoded); the
 * template's literals stay as written. `{{ value | safe }}` opts a value out, `| urlencode` is not
 * encoded twice.
 *
 * @example
 * renderUrl('https://api.example/status/{{ path }}', { path: '../admin?x=' }) // 'https://api.example/status/..%2Fadmin%3Fx%3D'
 */
export function renderUrl(src: string, ctx: TemplateContext): string {
  return escapeMarked(renderMessage(src, ctx), encodeURIComponent);
}

/** Checks that a template compiles (config validation); throws {@link TemplateError}. */
export function compileTemplate(src: string): void {
  if (hasMarkup(src)) compiled(src);
}

/**
 * Renders every string inside a JSON-like value (HTTP bodies, `data` maps), each once. Keys are
 * kept as written; non-string leaves are kept as they are.
 */
export function renderDeep(value: unknown, ctx: TemplateContext): unknown {
  if (typeof value === 'string') return renderTemplate(value, ctx);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, ctx));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, ctx)]));
  }
  return value;
}

/**
 * The one context docs/contracts.md section 3 defines: each parameter by name at top level (reserved names below
 * win over a parameter of the same name), `params`, `execution` (the record, with `parameters` as a
 * synonym of `params`), `action`, `alias`, `user`, `status`, `result`, `error`. `extra` is merged
 * last (e.g. a notification's `data`).
 */
export function buildContext(exec: ExecutionRecord, extra: TemplateContext = {}): TemplateContext {
  const params = exec.params ?? {};
  return {
    ...params,
    params,
    execution: { ...exec, params, parameters: params, result: exec.result },
    action: exec.action,
    alias: exec.alias,
    user: exec.user,
    status: exec.status,
    result: exec.result,
    error: exec.error,
    ...extra,
  };
}
