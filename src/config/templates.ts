/**
 * Compiles every template of the config (alias `ack`/`result` formats, notify messages and data,
 * action argv/url/headers/body) once with nunjucks, so a syntax error is reported at load, not at
 * the first execution. StackStorm's `{~}` (plain text / attachment split) is plain text to nunjucks.
 */
import nunjucks from 'nunjucks';
import type { LoadedAction } from './load-actions.ts';
import type { LoadedAlias } from './load-aliases.ts';
import type { LoadCache } from './load-cache.ts';
import type { Diagnostic } from './types.ts';
import type { PathSegment, YamlSource } from './yaml-source.ts';

const env = new nunjucks.Environment(null, { autoescape: false });

/** The syntax error of `template`, as `message (template line L, column C)`, or undefined. */
export function templateError(template: string): string | undefined {
  if (!template.includes('{{') && !template.includes('{%') && !template.includes('{#')) return undefined;
  try {
    new nunjucks.Template(template, env, 'template', true);
    return undefined;
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    const m = /^\([^)]*\)(?: \[Line (\d+), Column (\d+)\])?\s*([\s\S]*)$/.exec(text);
    const detail = (m?.[3] ?? text).trim().replace(/^Template render error: /, '');
    return m?.[1] ? `${detail} (template line ${m[1]}, column ${m[2]})` : detail;
  }
}

/** What one walk over a file's templates needs: where the diagnostics go, and the templates seen so far. */
interface Walk {
  source: YamlSource;
  out: Diagnostic[];
  /** template text -> its syntax error (undefined: it compiles), for the whole load */
  seen: Map<string, string | undefined>;
  cache: LoadCache | undefined;
  /**
   * the path of the value being looked at (pushed and popped as the walk goes: a path is copied
   * only for a diagnostic, not built for each of the thousands of strings of a large config)
   */
  path: PathSegment[];
}

/** The syntax error of `text`, compiled once per load (and, with the load snapshot cache, once for as long as it is written the same). */
function errorOf(text: string, w: Walk): string | undefined {
  // most strings hold no template at all: not even looked up
  if (!text.includes('{')) return undefined;
  let error = w.seen.get(text);
  if (error === undefined && !w.seen.has(text)) w.seen.set(text, (error = w.cache ? w.cache.memo('template', text, templateError) : templateError(text)));
  return error;
}

/**
 * Checks every string inside `value` (a template, or the `data` maps and http bodies made of
 * them) at `w.path` + `key`. `ack`/`result` come from StackStorm packs, whose Jinja nunjucks does not
 * all parse (`{%+`, `x[:2]`): there a syntax error is a warning; in Switchboard's own fields (notify,
 * action templates) an error.
 */
function check(value: unknown, key: PathSegment, w: Walk): void {
  if (value === undefined || value === null) return;
  w.path.push(key);
  if (typeof value === 'string') {
    const error = errorOf(value, w);
    if (error) {
      const stackstorm = w.path[0] === 'ack' || w.path[0] === 'result';
      w.out.push({ ...w.source.at([...w.path]), message: `template does not compile: ${error}`, severity: stackstorm ? 'warning' : 'error' });
    }
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) check(value[i], i, w);
  } else if (typeof value === 'object') {
    for (const k in value) check((value as Record<string, unknown>)[k], k, w);
  }
  w.path.pop();
}

/** The `message` and `data` templates of a `notify` block. */
function checkNotify(notify: unknown, w: Walk): void {
  if (typeof notify !== 'object' || notify === null) return;
  w.path.push('notify');
  for (const [key, entry] of Object.entries(notify)) {
    const e = entry as { message?: unknown; data?: unknown } | undefined;
    w.path.push(key);
    check(e?.message, 'message', w);
    check(e?.data, 'data', w);
    w.path.pop();
  }
  w.path.pop();
}

/** One `ack`/`result` part: its format, and the result's extras. */
function checkReply(name: 'ack' | 'result', reply: { format?: unknown; extra?: unknown } | undefined, w: Walk): void {
  if (!reply) return;
  w.path.push(name);
  check(reply.format, 'format', w);
  if (name === 'result') check(reply.extra, 'extra', w);
  w.path.pop();
}

/** Template syntax errors of every alias and action that came from a file; `cache`: the load snapshot cache, if any. */
export function checkTemplates(aliases: LoadedAlias[], actions: Iterable<LoadedAction>, cache?: LoadCache): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, string | undefined>();
  for (const { alias, source } of aliases) {
    const w: Walk = { source, out, seen, cache, path: [] };
    checkReply('ack', alias.ack, w);
    checkReply('result', alias.result, w);
    checkNotify(alias.notify, w);
  }
  for (const { action, source } of actions) {
    if (!source) continue;
    const w: Walk = { source, out, seen, cache, path: [] };
    check(action.command, 'command', w);
    check(action.url, 'url', w);
    check(action.headers, 'headers', w);
    check(action.body, 'body', w);
    checkNotify(action.notify, w);
  }
  return out;
}
