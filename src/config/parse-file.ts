/** Reads one config file and validates it against its schema, collecting diagnostics and secrets. */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { Env } from './env.ts';
import type { ConfigFile } from './files.ts';
import type { LoadCache } from './load-cache.ts';
import { fastParse, NO } from './schema-fast.ts';
import { collectEnvSecrets, collectSecrets, typeExpandedScalars } from './schema-walk.ts';
import type { Diagnostic } from './types.ts';
import { cachedSource, isFastSource, parseYamlSource, type YamlReadOptions, type YamlSource } from './yaml-source.ts';
import { issuesToDiagnostics } from './zod-issues.ts';

export interface ParsedFile<T> {
  source: YamlSource;
  /** the validated value, when the file is valid */
  value?: T;
}

export interface ParseContext {
  env: Env;
  diagnostics: Diagnostic[];
  secrets: Set<string>;
  /**
   * the string values of the files validated so far, one copy each: a validated value's strings are
   * replaced by an equal one seen before (the same description, template or parameter text in many
   * files is kept once). For one load only. Files read by the fast reader are not walked (its
   * strings are shared already); the cached and the `yaml`-read ones are.
   */
  strings?: Map<string, string>;
  /** the load snapshot cache (load-cache.ts), for the files whose loader names a `cacheKind` */
  cache?: LoadCache;
}

export interface ParseOptions extends YamlReadOptions {
  /** adjusts the raw data before validation (spellings, StackStorm's empty values) */
  prepare?: (raw: Record<string, unknown>) => void;
  /** the file's text when it was read ahead (files.ts `readAhead`); otherwise it is read here */
  text?: Promise<string>;
  /**
   * the kind of file for the load snapshot cache (`alias`, `action`: one name per schema and
   * `prepare`): its validated value is cached when the file alone decides it. Unset: never cached.
   */
  cacheKind?: string;
}

/** StackStorm files write `description:` with no value; an empty optional field is an absent one. */
export function dropTopLevelNulls(raw: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(raw)) if (value === null) delete raw[key];
}

/**
 * Reads `file`, expands `${VAR}`, lets `prepare` adjust the raw data (spellings), validates with
 * `schema`. An empty file is an error: every config file holds a mapping.
 */
export async function parseFile<S extends z.ZodType>(
  file: ConfigFile,
  schema: S,
  ctx: ParseContext,
  opts: ParseOptions = {},
): Promise<ParsedFile<z.output<S>>> {
  const { prepare } = opts;
  const text = await (opts.text ?? readFile(file.abs, 'utf8'));
  const cache = opts.cacheKind !== undefined ? ctx.cache : undefined;
  const key = cache?.key(opts.cacheKind!, text);
  if (cache && key) {
    const value = cache.get(key) as z.output<S> | undefined;
    // a validated file is a mapping; anything else is a damaged entry, and the file is parsed again
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if (ctx.strings) intern(value, ctx.strings);
      return { source: cachedSource(file.rel, text, file.abs), value };
    }
  }
  const { source, diagnostics } = parseYamlSource(text, file.rel, ctx.env, opts, file.abs);
  ctx.diagnostics.push(...diagnostics);
  if (diagnostics.some((d) => d.severity === 'error' && d.message.startsWith('yaml: '))) return { source };
  const raw = source.data;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const got = raw === null || raw === undefined ? 'an empty file' : Array.isArray(raw) ? 'a list' : `a ${typeof raw}`;
    ctx.diagnostics.push({ ...source.at([]), message: `expected a mapping, got ${got}`, severity: 'error' });
    return { source };
  }
  prepare?.(raw as Record<string, unknown>);
  typeExpandedScalars(schema, raw, source.expandedWhole);
  // this file's secrets apart first: a file holding one is never cached (no secret on disk)
  const secrets = new Set<string>();
  collectSecrets(schema, raw, secrets);
  collectEnvSecrets(schema, raw, source.substituted, secrets);
  for (const s of secrets) ctx.secrets.add(s);
  // the fast path answers for a valid file of the usual kinds; zod for the rest, with its issues
  const fast = fastParse(schema, raw);
  const result = fast !== NO ? { success: true as const, data: fast as z.output<S> } : schema.safeParse(raw);
  if (!result.success) {
    ctx.diagnostics.push(...issuesToDiagnostics(result.error.issues, source, schema, raw));
    return { source };
  }
  // the file alone decided this value: read by the fast reader (nothing expanded from the
  // environment, no YAML warning), no secret; cached before the loaders adjust it (mergeRoutes)
  if (cache && key && isFastSource(source) && secrets.size === 0) cache.put(key, result.data);
  // the raw data is not needed any more (the validated value is kept): a load holds every file's
  // source until it ends, for positions
  source.data = undefined;
  source.partial = undefined;
  // a file the fast reader read holds shared strings already: nearly all are the lite reader's,
  // which keeps one copy of the short and of the repeated ones (yaml-lite.ts). Walking them again
  // cost a cold load of 10,000 aliases 50-100 ms to save 1 MB.
  if (ctx.strings && !isFastSource(source)) intern(result.data, ctx.strings);
  return { source, value: result.data };
}

/**
 * Strings this short are one copy each already: V8 internalizes the short string values JSON.parse
 * makes (yaml-fast.ts reads through JSON), and a short string costs little anyway.
 */
const shortString = 10;

/** The equal string kept in `strings` before `v`, if any (a long `v` seen first is kept itself: undefined). */
function keptBefore(v: string, strings: Map<string, string>): string | undefined {
  if (v.length <= shortString) return undefined;
  const k = strings.get(v);
  if (k === undefined) strings.set(v, v);
  return k;
}

/** Replaces, in place, every string inside `value` (a validated file: plain objects and arrays) by the copy in `strings`, or makes it that copy. */
function intern(value: unknown, strings: Map<string, string>): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') {
        const k = keptBefore(v, strings);
        if (k !== undefined) value[i] = k;
      } else if (typeof v === 'object' && v !== null) intern(v, strings);
    }
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const o = value as Record<string, unknown>;
  for (const key in o) {
    const v = o[key];
    if (typeof v === 'string') {
      const k = keptBefore(v, strings);
      if (k !== undefined) o[key] = k;
    } else if (typeof v === 'object' && v !== null) intern(v, strings);
  }
}
