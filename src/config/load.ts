/**
 * Loads a config folder (docs/contracts.md section 2): every file parsed, env-expanded, validated and
 * cross-checked, with every problem reported at once as a {@link Diagnostic}.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { findOverlaps, formatProblems, type AliasSpec } from '../aliases/index.ts';
import { ConfigError } from '../errors.ts';
import { toAliasSpecs } from './alias-specs.ts';
import { checkCrossReferences } from './cross-refs.ts';
import type { Env } from './env.ts';
import { keepStringMethodsFast } from '../fast-strings.ts';
import { listConfigFiles } from './files.ts';
import { checkFormats } from './format-checks.ts';
import { loadActions } from './load-actions.ts';
import { cacheDirFromEnv, LoadCache, MIN_CACHED_FILES } from './load-cache.ts';
import { loadAliases } from './load-aliases.ts';
import { loadChannels, loadMain, loadRules } from './load-outbound.ts';
import type { ParseContext } from './parse-file.ts';
import { offsetReader, readAhead } from './read-ahead.ts';
import { mainSchema } from './schema.ts';
import { checkTemplates } from './templates.ts';
import type { Config, Diagnostic } from './types.ts';

export interface LoadOptions {
  /** the environment `${VAR}` reads; default `process.env` */
  env?: Env;
  /**
   * look for formats of different aliases that can match the same text (warnings only; costs about
   * a second per few hundred aliases, so `serve` and `match` skip it and `validate` runs it). Default true.
   */
  overlaps?: boolean;
  /**
   * the folder of the load snapshot cache (load-cache.ts); `false`: none. Default: from the process
   * environment (`SWITCHBOARD_CACHE_DIR`, `off` for none; else `$XDG_CACHE_HOME/switchboard` or
   * `~/.cache/switchboard`). Folders of fewer than {@link MIN_CACHED_FILES} alias and action files are never cached.
   */
  cacheDir?: string | false;
}

/** Secrets shorter than this are not redacted from messages (they would mangle ordinary words). */
const minRedactLength = 4;

/** Replaces every secret value in the diagnostics' messages with `***`. */
function redact(diagnostics: Diagnostic[], secrets: Iterable<string>): Diagnostic[] {
  const values = [...secrets].filter((s) => s.length >= minRedactLength).sort((a, b) => b.length - a.length);
  if (values.length === 0) return diagnostics;
  return diagnostics.map((d) => ({
    ...d,
    message: values.reduce((m, s) => m.split(s).join('***'), d.message),
    path: values.reduce((p, s) => p.split(s).join('***'), d.path),
  }));
}

const order = (a: Diagnostic, b: Diagnostic) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col;

/**
 * Loads everything it can, even with errors: `config` is always present (possibly partial: files
 * with errors are left out). For tools (validate, the corpus test) that look at a broken config.
 */
export async function inspectConfig(dir: string, opts: LoadOptions = {}): Promise<{ config: Config; diagnostics: Diagnostic[] }> {
  // string methods at full speed for the reading (a library loaded may have slowed them: see fast-strings.ts)
  keepStringMethodsFast();
  const root = resolve(dir);
  const ctx: ParseContext = { env: opts.env ?? process.env, diagnostics: [], secrets: new Set(), strings: new Map() };
  const isDir = await stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) ctx.diagnostics.push({ file: '.', line: 1, col: 1, path: '', message: `config folder ${root} does not exist`, severity: 'error' });
  const files = await listConfigFiles(root);
  if (isDir && !files.main) {
    ctx.diagnostics.push({
      file: 'switchboard.yaml',
      line: 1,
      col: 1,
      path: '',
      message: `switchboard.yaml not found in ${root} (is --config the right folder?)`,
      severity: 'error',
    });
  }
  const cacheDir = opts.cacheDir ?? cacheDirFromEnv();
  if (isDir && cacheDir && files.aliases.length + files.actions.length >= MIN_CACHED_FILES) ctx.cache = await LoadCache.open(cacheDir, root);
  // the action and alias files (thousands, in a large config) are read ahead from now on, one list
  const read = readAhead([...files.actions, ...files.aliases]);
  try {
    const main = await loadMain(files, ctx);
    const { actions, broken } = await loadActions(files.actions, ctx, read);
    const aliases = await loadAliases(files.aliases, ctx, offsetReader(read, files.actions.length));
    const channels = await loadChannels(files, ctx);
    const rules = await loadRules(files, ctx);
    const config: Config = {
      dir: root,
      main: main?.main ?? mainSchema.parse({}),
      actions: new Map([...actions].map(([ref, a]) => [ref, a.action])),
      aliases: aliases.map((a) => a.alias),
      channels: new Map([...channels].map(([name, c]) => [name, c.channel])),
      rules: rules.map((r) => r.rule),
      secrets: [...ctx.secrets],
    };
    const loaded = { main, actions, brokenActions: broken, aliases, channels, rules };
    ctx.diagnostics.push(...checkCrossReferences(loaded), ...checkTemplates(aliases, actions.values(), ctx.cache));
    const overlaps = opts.overlaps === false ? () => [] : findOverlaps;
    // the problems only: the matcher itself is built by whoever runs it (reusing the compiled formats)
    const compile = (specs: AliasSpec[]) => ({ problems: formatProblems(specs) });
    ctx.diagnostics.push(...checkFormats({ compileAliases: compile, findOverlaps: overlaps }, aliases, toAliasSpecs(config)));
    await ctx.cache?.save();
    return { config, diagnostics: redact(ctx.diagnostics, ctx.secrets).sort(order) };
  } finally {
    read.close();
    // the snapshot is closed by save(), or here when the load ends early
    ctx.cache?.close();
  }
}

/**
 * Loads and validates the config folder `dir`. `config` is present iff no diagnostic is an error.
 *
 * @example
 * const { config, diagnostics } = await loadConfig('.', { env: process.env });
 * if (!config) for (const d of diagnostics) console.error(formatDiagnostic(d));
 */
export async function loadConfig(dir: string, opts: LoadOptions = {}): Promise<{ config?: Config; diagnostics: Diagnostic[] }> {
  const { config, diagnostics } = await inspectConfig(dir, opts);
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { config, diagnostics };
}

/** Like {@link loadConfig}, but throws a {@link ConfigError} holding every diagnostic when there is an error. */
export async function loadConfigOrThrow(dir: string, opts: LoadOptions = {}): Promise<Config> {
  const { config, diagnostics } = await loadConfig(dir, opts);
  if (config) return config;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const lines = errors.map(formatDiagnostic);
  throw new ConfigError(`config in ${resolve(dir)} has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${lines.join('\n')}`, diagnostics);
}

/**
 * One diagnostic as `file:line:col  path: message` (`path: warning: message` for warnings); with no
 * path, `file:line:col  message`.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const body = d.severity === 'warning' ? `warning: ${d.message}` : d.message;
  return `${d.file}:${d.line}:${d.col}  ${d.path ? `${d.path}: ` : ''}${body}`;
}
