/**
 * Compiles one parsed format into an RE2 regex (linear-time matching), the list of its parameters
 * with the internal group indexes that carry their values, and the literal words used for indexing
 * and for the most-specific-format rule.
 */
import { RE2JS } from 're2js';
import { FormatSyntaxError, paramNames, parseFormat, type FormatNode } from './parse-format.ts';
import { literalWords, sharedWords, type WordCopies } from './literal-words.ts';
import { compilePlain, type PlainProgram } from './plain-match.ts';
import { scanSimple, type Placeholder, type SimpleFormat } from './simple-format.ts';

/** One parameter of a compiled format. */
export interface FormatParam {
  name: string;
  /** `{{p=default}}` default, as written (quotes dropped) */
  def?: string;
  /** a raw `(?P<name>...)` group (one group, value trimmed) rather than a placeholder */
  raw: boolean;
  /** group indexes: [double-quoted, single-quoted, json, bare] for placeholders, [group] for raw (shared, frozen) */
  groups: readonly number[];
}

export interface CompiledFormat {
  source: string;
  /** compiled on first use */
  readonly regex: RE2JS;
  /** those formats also get a regex-free program (plain-match.ts), used instead of the regex (built on first use) */
  readonly plain?: PlainProgram | undefined;
  params: FormatParam[];
  /** no `$` of its own: the text gets one trailing blank, as StackStorm pads its commands */
  pad: boolean;
  /** lower-case literal words every match contains as whole words (index keys) */
  indexWords: string[];
  /** lower-case literal words of the format outside optional parts, each once (specificity rule) */
  words: readonly string[];
  /** the lower-case word every match starts with, when the format opens with one */
  lead?: string | undefined;
}

export type CompileOutcome = { ok: true; format: CompiledFormat } | { ok: false; message: string };

const RESERVED = /^_p\d+[qsjb]$/;
const META = /[\\.+*?()|[\]{}^$]/;

/**
 * Compiles a format; a format that cannot compile is reported, never thrown. `alwaysRe2` checks it
 * with RE2 even when its syntax is sure to be taken, `viaTree` reads it through the parse tree even
 * when simple-format.ts could (tests compare both ways).
 *
 * @example
 * const c = compileFormat('restart {{service}} on {{host}}');
 * c.ok && c.format.indexWords // ['restart', 'on']
 */
export function compileFormat(source: string, opts: { alwaysRe2?: boolean; viaTree?: boolean; shared?: SharedParts } = {}): CompileOutcome {
  try {
    // 1. most formats are words, blanks and placeholders only: read in one pass, no parse tree
    const quick = opts.alwaysRe2 || opts.viaTree ? undefined : scanSimple(source);
    if (quick) return compileSimple(source, quick, opts.shared);
    // 2. parse, and refuse duplicate names (RE2 and Python `re` both refuse them)
    const parsed = parseFormat(source);
    const refused = refusedName(paramNames(parsed.alts));
    if (refused) return { ok: false, message: refused };
    // 3. a format made only of words, blanks, placeholders and the regex syntax `valid` knows RE2
    //    takes is valid by construction, and its groups are numbered as RE2 numbers them (in the
    //    order they open): no regex generated nor compiled. Any other is generated (placeholders
    //    become one group per alternative of value syntax) and compiled with RE2 now, to report its
    //    error and learn its group numbers. Every regex is compiled for matching on first use.
    const isSimple = simple(parsed.alts);
    let params: FormatParam[];
    if (!opts.alwaysRe2 && (isSimple || valid(parsed.alts, source))) params = numberedParams(parsed.alts);
    else {
      const { src, gen } = generate(parsed);
      const named = RE2JS.compile(src, RE2JS.DOTALL).namedGroups();
      params = gen.params.map((p) => ({
        name: p.name,
        ...(p.def !== undefined ? { def: p.def } : {}),
        raw: p.raw,
        groups: sharedGroups(p.keys.map((k) => named[k] ?? -1)),
      }));
    }
    // the check is done: the regex itself (tens of KB each) is compiled again on first use, so
    // thousands of formats that may never match cost no memory until they do
    const lw = literalWords(parsed, opts.shared?.words);
    if (opts.shared) params = oneList(params, opts.shared);
    // the regex-free program too is built on first use (a few KB each: most formats of a large
    // config never match anything in a process's life)
    const format = new LazyFormat(source, isSimple && !parsed.hasStart && !parsed.hasEnd, params, !parsed.hasEnd, lw.index, lw.all, lw.lead);
    return { ok: true, format };
  } catch (err) {
    if (err instanceof FormatSyntaxError) return { ok: false, message: err.message };
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, message: `invalid regular expression: ${message}` };
  }
}

/**
 * A format of words, blanks and placeholders, as the parse tree would give it (`simple`: a
 * regex-free program, no anchors of its own, placeholder groups numbered four by four).
 */
function compileSimple(source: string, quick: SimpleFormat, shared: SharedParts | undefined): CompileOutcome {
  const names: string[] = [];
  for (const p of quick.params) names.push(p.name);
  const refused = refusedName(names);
  if (refused) return { ok: false, message: refused };
  const params = shared ? simpleList(quick.params, shared) : simpleParams(quick.params);
  const lw = sharedWords(quick.index, quick.all, quick.lead, shared?.words);
  return { ok: true, format: new LazyFormat(source, true, params, true, lw.index, lw.all, lw.lead) };
}

/** The parameters of a simple format: its placeholders in order, four groups each. */
function simpleParams(placeholders: readonly Placeholder[]): FormatParam[] {
  const params: FormatParam[] = [];
  for (let k = 0; k < placeholders.length; k++) params.push(placeholderParam(placeholders[k]!, 4 * k));
  return params;
}

/**
 * The table's list for a simple format's placeholders, found through them (`shared.simple`): most
 * formats take one of a few lists, and a lookup per placeholder costs less than making the list
 * and its JSON key to find it.
 */
function simpleList(placeholders: readonly Placeholder[], shared: SharedParts): FormatParam[] {
  let node = shared.simple;
  for (const p of placeholders) {
    // a name has no `=`: `name=default` is unambiguous
    const key = p.def === undefined ? p.name : `${p.name}=${p.def}`;
    node.next ??= new Map();
    let child = node.next.get(key);
    if (!child) node.next.set(key, (child = {}));
    node = child;
  }
  return (node.list ??= oneList(simpleParams(placeholders), shared));
}

/** Why the parameter names are refused (one twice, or one of ours), if they are. */
function refusedName(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) return `parameter "${n}" appears more than once in the format`;
    if (RESERVED.test(n)) return `group name "${n}" is reserved`;
    seen.add(n);
  }
  return undefined;
}

/**
 * A compiled format: one class (one object shape, no closures per format) whose regex and
 * regex-free program are built from the source on first use (thousands of formats of a large
 * config never match anything in a process's life; their regexes would take tens of KB each).
 */
class LazyFormat implements CompiledFormat {
  #regex: RE2JS | undefined;
  #plain: PlainProgram | undefined;
  /** whether it gets a regex-free program */
  readonly #hasPlain: boolean;

  constructor(
    readonly source: string,
    hasPlain: boolean,
    readonly params: FormatParam[],
    readonly pad: boolean,
    readonly indexWords: string[],
    readonly words: readonly string[],
    readonly lead: string | undefined,
  ) {
    this.#hasPlain = hasPlain;
  }

  get plain(): PlainProgram | undefined {
    return this.#hasPlain ? (this.#plain ??= compilePlain(parseFormat(this.source).alts[0]!)) : undefined;
  }

  // generated again from the source on first use: the text of thousands of regexes is not kept
  get regex(): RE2JS {
    return (this.#regex ??= compileOrNever(generate(parseFormat(this.source)).src));
  }
}

type Gen = { count: number; params: { name: string; def?: string; raw: boolean; keys: string[] }[] };

/** The RE2 source of a parsed format, and its parameters with their group names. */
function generate(parsed: ReturnType<typeof parseFormat>): { src: string; gen: Gen } {
  const gen: Gen = { count: 0, params: [] };
  const body = emitAlts(parsed.alts, gen, { start: !parsed.hasStart, end: !parsed.hasEnd });
  return { src: `${parsed.hasStart ? '' : '^\\s*'}(?:${body})${parsed.hasEnd ? '' : '\\s*$'}`, gen };
}

/**
 * The parameters of a format, in `generate`'s order, with the group numbers RE2 gives the regex
 * `generate` makes of it: capturing groups are numbered in the order they open, a placeholder's
 * value being four (double-quoted, single-quoted, json, bare), a `(?P<name>...)` one, and a plain
 * `(...)` one too (no parameter). Only for formats `valid` (or `simple`) is sure of.
 */
function numberedParams(alts: FormatNode[][], out: FormatParam[] = [], at = { group: 0 }): FormatParam[] {
  for (const seq of alts) {
    for (const n of seq) {
      if (n.t === 'group') {
        if (n.name !== undefined || n.open === '(') at.group++;
        if (n.name !== undefined) out.push({ name: n.name, raw: true, groups: sharedGroups([at.group]) });
        numberedParams(n.alts, out, at);
      } else if (n.t === 'param') {
        out.push(placeholderParam(n, at.group));
        at.group += 4;
      }
    }
  }
  return out;
}

/** A placeholder's parameter, its four groups following group `g`. */
function placeholderParam(n: { name: string; def?: string }, g: number): FormatParam {
  const groups = sharedGroups([g + 1, g + 2, g + 3, g + 4]);
  // one shape either way, the same keys in the same order as a parameter compiled with RE2 (`oneList` keys)
  return n.def !== undefined ? { name: n.name, def: n.def, raw: false, groups } : { name: n.name, raw: false, groups };
}

/**
 * What the formats of one table share, one copy each: their words, and their parameter lists
 * (formats of many aliases take the same parameters: `{{host}}`, `{{service}}` ...).
 */
export interface SharedParts {
  words: WordCopies;
  /** the JSON of a parameter list -> that list, frozen */
  params: Map<string, readonly FormatParam[]>;
  /** simple formats' lists (each one of `params`), by their placeholders: one level per placeholder */
  simple: PlaceholderTrie;
}

export interface PlaceholderTrie {
  list?: FormatParam[];
  /** `name`, or `name=default` -> the lists of formats whose placeholders go on so */
  next?: Map<string, PlaceholderTrie>;
}

function oneList(params: FormatParam[], shared: SharedParts): FormatParam[] {
  const key = JSON.stringify(params);
  const kept = shared.params.get(key);
  // frozen: nothing changes a compiled format's parameters (extract.ts and the overlap check read them)
  if (kept) return kept as FormatParam[];
  for (const p of params) Object.freeze(p);
  shared.params.set(key, Object.freeze(params));
  return params;
}

/**
 * One frozen array per list of group numbers: formats number their groups alike (`[1, 2, 3, 4]`
 * for a first placeholder), and a config of thousands of formats would otherwise hold an array for
 * every placeholder. Few distinct lists exist (a format has a few dozen groups at most); the
 * bound only guards against surprises.
 */
const groupLists = new Map<string, readonly number[]>();

function sharedGroups(groups: number[]): readonly number[] {
  const key = groups.join(',');
  const kept = groupLists.get(key);
  if (kept) return kept;
  if (groupLists.size >= 10_000) groupLists.clear();
  const frozen = Object.freeze(groups);
  groupLists.set(key, frozen);
  return frozen;
}

/** Valid by construction; should RE2 still refuse it, the format matches nothing rather than throw mid-match. */
function compileOrNever(src: string): RE2JS {
  try {
    return RE2JS.compile(src, RE2JS.DOTALL);
  } catch {
    return RE2JS.compile('[^\\s\\S]');
  }
}

/** Only literal characters, blanks and placeholders, none repeated: no capturing group but ours. */
function simple(alts: FormatNode[][]): boolean {
  return alts.length === 1 && alts[0]!.every((n) => !n.q && (n.t === 'lit' || n.t === 'blank' || n.t === 'param'));
}

/** Quantifiers RE2 takes after any node the format parser lets them follow (`{n,m}` counts have limits: RE2 checks those). */
const SURE_QUANTIFIERS = new Set(['?', '*', '+', '??', '*?', '+?']);
/** Assertions and classes as `parseFormat` keeps them (`raw` nodes), each one RE2 takes. */
const SURE_RAW = new Set(['^', '$', '\\b', '\\B', '\\A', '\\z', '.', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '\\n', '\\t', '\\r', '\\f', '\\v']);
/** `(?:`, `(?i)`, `(?is:` ...: flags RE2 knows, none negated nor repeated */
const SURE_FLAGS = /^\(\?(?:(?!.*(.).*\1)[imsU]+[:)]|:)$/;
/** `[...]` of plain characters and ascending ranges: no escapes, no nested `[`, no `-` but in a range */
const SURE_CLASS = /^\[\^?(?:[^\\[\]-](?:-[^\\[\]-])?)+\]$/;
/** longer formats (RE2 has size limits) and deeper groups (a height limit) are left to RE2 */
const SURE_LENGTH = 1000;
const SURE_DEPTH = 16;

/**
 * Whether RE2 is sure to take the format's regex (so it need not be compiled to be checked):
 * only syntax listed above, no surrogates (RE2 reads code points), short and shallow. A false answer
 * only means RE2 is asked. test/unit/aliases/compile-format-sure.test.ts holds this to RE2's own answers.
 */
function valid(alts: FormatNode[][], source: string, depth = 0): boolean {
  if (depth === 0 && (source.length > SURE_LENGTH || /[\uD800-\uDFFF]/.test(source))) return false;
  if (depth > SURE_DEPTH) return false;
  for (const seq of alts) {
    for (const n of seq) {
      if (n.q !== undefined && !SURE_QUANTIFIERS.has(n.q)) return false;
      if (n.t === 'raw') {
        if (n.kind === 'class' ? !sureClass(n.src) : !SURE_RAW.has(n.src) && !SURE_FLAGS.test(n.src)) return false;
      } else if (n.t === 'group') {
        if (n.name === undefined && n.open !== '(' && !SURE_FLAGS.test(n.open)) return false;
        if (!valid(n.alts, source, depth + 1)) return false;
      }
    }
  }
  return true;
}

/**
 * Whether `compileFormat` checks the format without RE2 (its syntax is all RE2 is sure to take), for
 * tests; undefined when the format does not parse.
 */
export function sureOfRe2(source: string): boolean | undefined {
  try {
    return valid(parseFormat(source).alts, source);
  } catch {
    return undefined;
  }
}

function sureClass(src: string): boolean {
  if (!SURE_CLASS.test(src)) return false;
  // every range ascending
  for (let i = src.indexOf('-'); i > 0; i = src.indexOf('-', i + 1)) if (src.charCodeAt(i - 1) > src.charCodeAt(i + 1)) return false;
  return true;
}

type Edges = { start: boolean; end: boolean } | undefined;

function emitAlts(alts: FormatNode[][], gen: Gen, top: Edges): string {
  return alts.map((seq) => emitSeq(seq, gen, alts.length === 1 ? top : undefined)).join('|');
}

function emitSeq(seq: FormatNode[], gen: Gen, top: Edges): string {
  // 1. optional placeholders take the blank before them (or, at the start, after them)
  const absorbed = new Set<number>();
  const around = new Map<number, { before: boolean; after: boolean }>();
  seq.forEach((n, i) => {
    if (n.t !== 'param' || n.def === undefined || n.q) return;
    const prev = seq[i - 1];
    const next = seq[i + 1];
    if (prev?.t === 'blank' && !prev.q && !absorbed.has(i - 1)) {
      absorbed.add(i - 1);
      around.set(i, { before: true, after: false });
    } else if (next?.t === 'blank' && !next.q) {
      absorbed.add(i + 1);
      around.set(i, { before: false, after: true });
    } else around.set(i, { before: false, after: false });
  });
  // 2. emit each node; runs of letters become case-insensitive groups
  let out = '';
  let letters = '';
  const flush = () => {
    if (letters) out += `(?i:${letters})`;
    letters = '';
  };
  seq.forEach((n, i) => {
    if (n.t === 'lit' && isLetter(n.ch) && !n.q) {
      letters += n.ch;
      return;
    }
    flush();
    if (absorbed.has(i)) return;
    const q = n.q ?? '';
    if (n.t === 'lit') out += (isLetter(n.ch) ? `(?i:${n.ch})` : escapeChar(n.ch)) + q;
    else if (n.t === 'blank') {
      // blanks at the edges of an automatically anchored format are optional
      const edge = (i === 0 && top?.start) || (i === seq.length - 1 && top?.end);
      out += edge ? '\\s*' : q ? `(?:\\s+)${q}` : '\\s+';
    } else if (n.t === 'raw') out += n.src + q;
    else if (n.t === 'group') {
      if (n.name) gen.params.push({ name: n.name, raw: true, keys: [n.name] });
      out += `${n.open}${emitAlts(n.alts, gen, undefined)})${q}`;
    } else {
      const v = emitValue(n, gen);
      const a = around.get(i);
      if (a) out += `(?:${a.before ? '\\s+' : ''}${v}${a.after ? '\\s+' : ''})?`;
      else out += q ? `(?:${v})${q}` : v;
    }
  });
  flush();
  return out;
}

/** A value: "double quoted", 'single quoted', {json}, or bare text (not blank) taking as little as it can. */
function emitValue(n: { name: string; def?: string }, gen: Gen): string {
  const k = `_p${gen.count++}`;
  const keys = [`${k}q`, `${k}s`, `${k}j`, `${k}b`];
  gen.params.push({ name: n.name, ...(n.def !== undefined ? { def: n.def } : {}), raw: false, keys });
  return `(?:"(?P<${k}q>[^"]*)"|'(?P<${k}s>[^']*)'|(?P<${k}j>\\{.*?\\})|(?P<${k}b>\\s*\\S.*?))`;
}

function isLetter(ch: string): boolean {
  return ch.toLowerCase() !== ch.toUpperCase();
}

function escapeChar(ch: string): string {
  return META.test(ch) ? `\\${ch}` : ch;
}
