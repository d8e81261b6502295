/**
 * Builds the table of matchable formats from alias specs: one slot per representation of each
 * enabled alias, the help listing for every alias, the problems of formats that do not compile,
 * and the word index (each format filed under its rarest required literal word).
 */
import type { FormatEntry } from '../config/schema.ts';
import { compileFormat, type CompiledFormat, type CompileOutcome, type SharedParts } from './compile-format.ts';
import { displayWords, type SuggestEntry } from './suggest.ts';
import type { AliasFormatInfo, AliasSpec, CompiledAlias, FormatProblem } from './types.ts';

export interface FormatSlot {
  spec: AliasSpec;
  /** declaration order across all aliases (ties, stable output) */
  order: number;
  format: CompiledFormat;
  multiple: boolean;
  /** per-match stamp used to collect each candidate once without allocating a Set */
  stamp: number;
}

export interface WordBucket {
  single: FormatSlot[];
  pairs: Map<string, FormatSlot[]>;
}

/**
 * Formats sharing a rarest word up to this many are one list (a Map of second words each would
 * cost far more than checking them all: with thousands of aliases most rarest words are one
 * alias's own).
 */
const SMALL_BUCKET = 8;

export interface FormatTable {
  aliases: CompiledAlias[];
  slots: FormatSlot[];
  problems: FormatProblem[];
  /**
   * rarest required word -> its format when it is the only one (most words, with thousands of
   * aliases), its formats in declaration order when they are few, else a bucket: formats with only
   * that word, and second-rarest word -> formats
   */
  index: Map<string, FormatSlot | FormatSlot[] | WordBucket>;
  /** formats with no required literal word: tried for every text */
  always: FormatSlot[];
}

/** One help entry per display of an enabled alias, for the suggestion index (not kept in the table). */
export type SuggestionEntry = SuggestEntry & { alias: string };

/**
 * The outcomes of the last table built, by format source. A config load compiles every format to
 * report problems and the matcher is built from the same formats right after (as is a reloaded
 * config, mostly unchanged): those reuse these compiled formats, which are immutable once built.
 * Holds one table's formats at a time (the ones the live matcher holds anyway).
 */
let lastCompiled = new Map<string, CompileOutcome>();

export function buildFormatTable(specs: readonly AliasSpec[], opts: { problemsOnly?: boolean } = {}): { table: FormatTable; suggestions: SuggestionEntry[] } {
  const table: FormatTable = { aliases: [], slots: [], problems: [], index: new Map(), always: [] };
  const suggestions: SuggestionEntry[] = [];
  const compiled = new Map<string, CompileOutcome>();
  // one copy of each word and parameter list across the formats (and help texts) of this table
  const shared: SharedParts = { words: new Map(), params: new Map() };
  // problems only (a config check): every format compiled, nothing else built
  if (opts.problemsOnly) {
    for (const spec of specs) {
      spec.formats.forEach((entry, formatIndex) => {
        const isObject = typeof entry === 'object';
        formatInfo(entry).representations.forEach((rep, representationIndex) => {
          let c = compiled.get(rep);
          if (!c) compiled.set(rep, (c = lastCompiled.get(rep) ?? compileFormat(rep, { shared })));
          if (!c.ok) table.problems.push(problem(spec, formatIndex, isObject, representationIndex, rep, c.message));
        });
      });
    }
    lastCompiled = compiled;
    return { table, suggestions };
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
      // formats all written as strings are their own help texts: the same list (not a copy per alias)
      display: spec.formats.every((f) => typeof f === 'string') ? (spec.formats as string[]) : infos.map((f) => f.display),
      entries: infos,
    });
    infos.forEach((info, formatIndex) => {
      const isObject = typeof spec.formats[formatIndex] === 'object';
      info.representations.forEach((rep, representationIndex) => {
        let c = compiled.get(rep);
        if (!c) compiled.set(rep, (c = lastCompiled.get(rep) ?? compileFormat(rep, { shared })));
        if (!c.ok) {
          table.problems.push(problem(spec, formatIndex, isObject, representationIndex, rep, c.message));
          return;
        }
        if (!spec.enabled) return;
        table.slots.push({ spec, order: table.slots.length, format: c.format, multiple: info.matchMultiple, stamp: 0 });
      });
      if (spec.enabled && info.display) {
        suggestions.push({ alias: spec.id, display: info.display, words: displayWords(info.display, shared.words) });
      }
    });
  }
  lastCompiled = compiled;
  // 2. index each slot by its two rarest required words (one when it has only one)
  const df = new Map<string, number>();
  for (const s of table.slots) for (const w of s.format.indexWords) df.set(w, (df.get(w) ?? 0) + 1);
  const byFirst = new Map<string, FormatSlot[]>();
  const second: (string | undefined)[] = [];
  for (const s of table.slots) {
    const [w1, w2] = [...s.format.indexWords].sort((a, b) => df.get(a)! - df.get(b)! || (a < b ? -1 : 1));
    if (w1 === undefined) {
      table.always.push(s);
      continue;
    }
    second[s.order] = w2;
    const list = byFirst.get(w1);
    if (list) list.push(s);
    else byFirst.set(w1, [s]);
  }
  for (const [w1, list] of byFirst) table.index.set(w1, list.length === 1 ? list[0]! : list.length <= SMALL_BUCKET ? list : bucketOf(list, second));
  return { table, suggestions };
}

/** The formats of one rarest word, split by their second-rarest word (`second`, by slot order). */
function bucketOf(list: FormatSlot[], second: (string | undefined)[]): WordBucket {
  const bucket: WordBucket = { single: [], pairs: new Map() };
  for (const s of list) {
    const w2 = second[s.order];
    if (w2 === undefined) bucket.single.push(s);
    else {
      const pair = bucket.pairs.get(w2);
      if (pair) pair.push(s);
      else bucket.pairs.set(w2, [s]);
    }
  }
  return bucket;
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
  return buildFormatTable(specs, { problemsOnly: true }).table.problems;
}

function problem(spec: AliasSpec, formatIndex: number, isObject: boolean, representationIndex: number, format: string, message: string): FormatProblem {
  return { alias: spec.id, formatIndex, ...(isObject ? { representationIndex } : {}), format, message, severity: 'error' };
}

function formatInfo(entry: FormatEntry): AliasFormatInfo {
  if (typeof entry === 'string') return { display: entry, representations: [entry], matchMultiple: false };
  const reps = entry.representation ?? [];
  return { display: entry.display ?? reps[0] ?? '', representations: reps, matchMultiple: entry.match_multiple === true };
}
