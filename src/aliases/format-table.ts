/**
 * Builds the table of matchable formats from alias specs: one slot per representation of each
 * enabled alias, the help listing for every alias, the problems of formats that do not compile,
 * and the word index (each format filed under its rarest required literal word).
 */
import type { FormatEntry } from '../config/schema.ts';
import { compileFormat, type CompiledFormat, type CompileOutcome } from './compile-format.ts';
import { displayWords, type SuggestEntry } from './suggest.ts';
import type { AliasFormatInfo, AliasSpec, CompiledAlias, FormatProblem } from './types.ts';

export interface FormatSlot {
  spec: AliasSpec;
  /** declaration order across all aliases (ties, stable output) */
  order: number;
  /** order inside its alias */
  local: number;
  format: CompiledFormat;
  multiple: boolean;
  /** per-match stamp used to collect each candidate once without allocating a Set */
  stamp: number;
}

export interface WordBucket {
  single: FormatSlot[];
  pairs: Map<string, FormatSlot[]>;
}

export interface FormatTable {
  aliases: CompiledAlias[];
  slots: FormatSlot[];
  problems: FormatProblem[];
  /** rarest required word -> formats with only that word, and second-rarest word -> formats */
  index: Map<string, WordBucket>;
  /** formats with no required literal word: tried for every text */
  always: FormatSlot[];
  suggestions: (SuggestEntry & { alias: string })[];
}

/**
 * The outcomes of the last table built, by format source. A config load compiles every format to
 * report problems and the matcher is built from the same formats right after (as is a reloaded
 * config, mostly unchanged): those reuse these compiled formats, which are immutable once built.
 * Holds one table's formats at a time (the ones the live matcher holds anyway).
 */
let lastCompiled = new Map<string, CompileOutcome>();

export function buildFormatTable(specs: readonly AliasSpec[], opts: { problemsOnly?: boolean } = {}): FormatTable {
  const table: FormatTable = { aliases: [], slots: [], problems: [], index: new Map(), always: [], suggestions: [] };
  const compiled = new Map<string, CompileOutcome>();
  // problems only (a config check): every format compiled, nothing else built
  if (opts.problemsOnly) {
    for (const spec of specs) {
      spec.formats.forEach((entry, formatIndex) => {
        const isObject = typeof entry === 'object';
        formatInfo(entry).representations.forEach((rep, representationIndex) => {
          let c = compiled.get(rep);
          if (!c) compiled.set(rep, (c = lastCompiled.get(rep) ?? compileFormat(rep)));
          if (!c.ok) table.problems.push(problem(spec, formatIndex, isObject, representationIndex, rep, c.message));
        });
      });
    }
    lastCompiled = compiled;
    return table;
  }
  // 1. compile every representation; a broken one is a problem for that format only
  for (const spec of specs) {
    const infos = spec.formats.map(formatInfo);
    table.aliases.push({
      id: spec.id,
      action: spec.action,
      enabled: spec.enabled,
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      formats: spec.formats,
      display: infos.map((f) => f.display),
      entries: infos,
    });
    let local = 0;
    infos.forEach((info, formatIndex) => {
      const isObject = typeof spec.formats[formatIndex] === 'object';
      info.representations.forEach((rep, representationIndex) => {
        let c = compiled.get(rep);
        if (!c) compiled.set(rep, (c = lastCompiled.get(rep) ?? compileFormat(rep)));
        if (!c.ok) {
          table.problems.push(problem(spec, formatIndex, isObject, representationIndex, rep, c.message));
          return;
        }
        if (!spec.enabled) return;
        table.slots.push({ spec, order: table.slots.length, local: local++, format: c.format, multiple: info.matchMultiple, stamp: 0 });
      });
      if (spec.enabled && info.display) {
        table.suggestions.push({ alias: spec.id, display: info.display, words: displayWords(info.display) });
      }
    });
  }
  lastCompiled = compiled;
  // 2. index each slot by its two rarest required words (one when it has only one)
  const df = new Map<string, number>();
  for (const s of table.slots) for (const w of s.format.indexWords) df.set(w, (df.get(w) ?? 0) + 1);
  for (const s of table.slots) {
    const [first, second] = [...s.format.indexWords].sort((a, b) => df.get(a)! - df.get(b)! || (a < b ? -1 : 1));
    if (first === undefined) {
      table.always.push(s);
      continue;
    }
    let bucket = table.index.get(first);
    if (!bucket) table.index.set(first, (bucket = { single: [], pairs: new Map() }));
    if (second === undefined) bucket.single.push(s);
    else {
      const list = bucket.pairs.get(second);
      if (list) list.push(s);
      else bucket.pairs.set(second, [s]);
    }
  }
  return table;
}

/**
 * The problems of the formats that do not compile, without building a matcher (a config check).
 *
 * @example
 * formatProblems([{ id: 'a', action: 'x', enabled: true, formats: ['run {{x}} {{x}}'], immutableParameters: {} }])
 * // [{ alias: 'a', formatIndex: 0, message: 'parameter "x" appears more than once in the format', … }]
 */
export function formatProblems(specs: readonly AliasSpec[]): FormatProblem[] {
  // the formats compiled here are reused by the matcher built next (`lastCompiled`); the rest of
  // the table (slots, index, suggestions) would be garbage at once
  return buildFormatTable(specs, { problemsOnly: true }).problems;
}

function problem(spec: AliasSpec, formatIndex: number, isObject: boolean, representationIndex: number, format: string, message: string): FormatProblem {
  return { alias: spec.id, formatIndex, ...(isObject ? { representationIndex } : {}), format, message, severity: 'error' };
}

function formatInfo(entry: FormatEntry): AliasFormatInfo {
  if (typeof entry === 'string') return { display: entry, representations: [entry], matchMultiple: false };
  const reps = entry.representation ?? [];
  return { display: entry.display ?? reps[0] ?? '', representations: reps, matchMultiple: entry.match_multiple === true };
}
