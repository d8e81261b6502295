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

/** Every string inside `value` with its path (for `data` maps and http bodies). */
function strings(value: unknown, path: PathSegment[]): { path: PathSegment[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...path, i]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => strings(v, [...path, k]));
  return [];
}

function notifyTemplates(notify: unknown): { path: PathSegment[]; text: string }[] {
  if (typeof notify !== 'object' || notify === null) return [];
  return Object.entries(notify).flatMap(([key, entry]) => {
    const e = entry as { message?: unknown; data?: unknown } | undefined;
    return [...strings(e?.message, ['notify', key, 'message']), ...strings(e?.data, ['notify', key, 'data'])];
  });
}

/**
 * `ack`/`result` come from StackStorm packs, whose Jinja nunjucks does not all parse (`{%+`, `x[:2]`):
 * there a syntax error is a warning; in Switchboard's own fields (notify, action templates) an error.
 */
function check(
  items: { path: PathSegment[]; text: string }[],
  source: YamlSource,
  out: Diagnostic[],
  seen: Map<string, string | undefined>,
  cache: LoadCache | undefined,
): void {
  for (const { path, text } of items) {
    // the same template in many files (generated aliases, a shared result format) compiles once,
    // and, with the load snapshot cache, once for as long as it is written the same
    let error = seen.get(text);
    if (error === undefined && !seen.has(text)) seen.set(text, (error = cache ? cache.memo('template', text, templateError) : templateError(text)));
    if (!error) continue;
    const stackstorm = path[0] === 'ack' || path[0] === 'result';
    out.push({ ...source.at(path), message: `template does not compile: ${error}`, severity: stackstorm ? 'warning' : 'error' });
  }
}

/** Template syntax errors of every alias and action that came from a file; `cache`: the load snapshot cache, if any. */
export function checkTemplates(aliases: LoadedAlias[], actions: Iterable<LoadedAction>, cache?: LoadCache): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, string | undefined>();
  for (const { alias, source } of aliases) {
    check(
      [
        ...strings(alias.ack?.format, ['ack', 'format']),
        ...strings(alias.result?.format, ['result', 'format']),
        ...strings(alias.result?.extra, ['result', 'extra']),
        ...notifyTemplates(alias.notify),
      ],
      source,
      out,
      seen,
      cache,
    );
  }
  for (const { action, source } of actions) {
    if (!source) continue;
    check(
      [
        ...strings(action.command, ['command']),
        ...strings(action.url, ['url']),
        ...strings(action.headers, ['headers']),
        ...strings(action.body, ['body']),
        ...notifyTemplates(action.notify),
      ],
      source,
      out,
      seen,
      cache,
    );
  }
  return out;
}
