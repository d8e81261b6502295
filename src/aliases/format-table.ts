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
  // one copy of each word and parameter list across the formats (and help texts) of this table
  const shared: SharedParts = { words: new Map(), params: new Map(), simple: {} };
  const formats: Formats = { compiled: new Map(), opts: { shared } };
  // plain loops, no closures nor objects per format: a config of 10,000 aliases loads through here twice
  // problems only (a config check): every format compiled, nothing else built
  if (opts.problemsOnly) {
    for (const spec of specs) {
      for (let f = 0; f < spec.formats.length; f++) {
        const entry = spec.formats[f]!;
        if (typeof entry === 'string') checkFormat(formats, table, spec, f, false, 0, entry);
        else {
          const reps = entry.representation ?? [];
          for (let r = 0; r < reps.length; r++) checkFormat(formats, table, spec, f, true, r, reps[r]!);
        }
      }
    }
    lastCompiled = formats.compiled;
    return { table, suggestions };
  }
  // 1. compile every representation; a broken one is a problem for that format only
  for (const spec of specs) {
    const infos = spec.formats.map(formatInfo);
    table.aliases.push(compiledAlias(spec, infos));
    for (let f = 0; f < infos.length; f++) {
      const info = infos[f]!;
      const isObject = typeof spec.formats[f] === 'object';
      for (let r = 0; r < info.representations.length; r++) {
        const format = checkFormat(formats, table, spec, f, isObject, r, info.representations[r]!);
        if (format && spec.enabled) table.slots.push({ spec, order: table.slots.length, format, multiple: info.matchMultiple, stamp: 0 });
      }
      if (spec.enabled && info.display) {
        suggestions.push({ alias: spec.id, display: info.display, words: displayWords(info.display, shared.words) });
      }
    }
  }
  lastCompiled = formats.compiled;
  // 2. index each slot by its two rarest required words (one when it has only one)
  const df = new Map<string, number>();
  for (const s of table.slots) for (const w of s.format.indexWords) df.set(w, (df.get(w) ?? 0) + 1);
  const byFirst = new Map<string, FormatSlot[]>();
  const second: (string | undefined)[] = [];
  for (const s of table.slots) {
    // the first two of the words sorted rarest first, then alphabetically (each word is once in the list)
    let w1: string | undefined;
    let w2: string | undefined;
    for (const w of s.format.indexWords) {
      if (w1 === undefined || rarer(w, w1, df)) {
        w2 = w1;
        w1 = w;
      } else if (w2 === undefined || rarer(w, w2, df)) w2 = w;
    }
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

/** The formats compiled for one table, by source (each compiled once), and how to compile them. */
interface Formats {
  compiled: Map<string, CompileOutcome>;
  opts: { shared: SharedParts };
}

/**
 * One representation of a format entry compiled (or reused: this table's, or the last table's),
 * its problem filed when it does not compile; the compiled format, else undefined.
 */
function checkFormat(
  formats: Formats,
  table: FormatTable,
  spec: AliasSpec,
  formatIndex: number,
  isObject: boolean,
  representationIndex: number,
  rep: string,
): CompiledFormat | undefined {
  // the last table's outcome first: a matcher built right after a config check finds every format
  // there (one lookup, and the same outcome this table's map would give: it is taken from there)
  let c = lastCompiled.get(rep);
  if (c) formats.compiled.set(rep, c);
  else {
    c = formats.compiled.get(rep);
    if (!c) formats.compiled.set(rep, (c = compileFormat(rep, formats.opts)));
  }
  if (c.ok) return c.format;
  table.problems.push(problem(spec, formatIndex, isObject, representationIndex, rep, c.message));
  return undefined;
}

/** Whether `a` sorts before `b` in the index: in fewer formats, then alphabetically. */
function rarer(a: string, b: string, df: Map<string, number>): boolean {
  const d = df.get(a)! - df.get(b)!;
  return d < 0 || (d === 0 && a < b);
}

function compiledAlias(spec: AliasSpec, infos: AliasFormatInfo[]): CompiledAlias {
  // formats all written as strings are their own help texts: the same list (not a copy per alias)
  const display = spec.formats.every(isString) ? (spec.formats as string[]) : infos.map(displayOf);
  const { id, action, enabled, description, formats } = spec;
  // the same keys in the same order either way
  return description !== undefined
    ? { id, action, enabled, description, formats, display, entries: infos }
    : { id, action, enabled, formats, display, entries: infos };
}

function isString(f: FormatEntry): f is string {
  return typeof f === 'string';
}

function displayOf(info: AliasFormatInfo): string {
  return info.display;
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
