/**
 * A reader for the plain YAML nearly every config file is written in, several times faster than
 * `js-yaml` and far faster than `yaml`. It reads a block mapping at the top; nested block mappings
 * and sequences; plain, single- and double-quoted scalars (over several lines too); literal and
 * folded block scalars (`|`, `>`, with `-` or `+`); flow collections on one line (`[a, b]`,
 * `{a: 1}`); comments and a leading `---`. Scalars resolve as in `yaml`'s YAML 1.2 core schema.
 *
 * Anything else (anchors, aliases, tags, merge keys, directives, explicit or complex keys, tabs,
 * flow collections over several lines, duplicate or null keys, numbers JSON cannot carry, layout
 * it does not fully understand) makes it answer `undefined`, and the caller parses the file the
 * slower way. It must never answer differently from `yaml`: test/unit/config/yaml-lite.test.ts
 * compares both on every fixture file, on tricky texts and on random documents.
 *
 * The reader goes through the text by line, by index (no line strings), with a small
 * recursive descent for nodes: module state holds the text and the line being read.
 */

// `yaml`'s core schema (node_modules/yaml/dist/schema/core): the same tests, the same values.
export const nullTest = /^(?:~|[Nn]ull|NULL)?$/;
export const boolTest = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
export const intOct = /^0o[0-7]+$/;
export const intDec = /^[-+]?[0-9]+$/;
export const intHex = /^0x[0-9a-fA-F]+$/;
export const floatNaN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
export const floatExp = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
export const floatDot = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

const NL = 10;
const SPACE = 32;
const BANG = 33;
const DQUOTE = 34;
const HASH = 35;
const PERCENT = 37;
const AMP = 38;
const SQUOTE = 39;
const STAR = 42;
const PLUS = 43;
const COMMA = 44;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const GT = 62;
const QUESTION = 63;
const AT = 64;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const BACKTICK = 96;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;

/** Thrown when the text leaves what this reader reads; {@link liteYaml} then answers `undefined`. Made once: no stack is captured per file. */
const BAIL = new Error('outside the YAML subset liteYaml reads');

/** Deeper collections than this are left to `yaml` (and keep the recursion far from the stack's limit). */
const MAX_DEPTH = 100;

/** The text being read. */
let src = '';
/** The line being read: where it starts, where it ends (its `\n`, or the end of the text), and its indentation (-1 once the text is read). */
let lineStart = 0;
let lineEnd = 0;
let indent = -1;
/** How many collections enclose the node being read. */
let depth = 0;
/** Set by {@link readKey}: the key it read. */
let key = '';
/** Set by the scalar and flow readers: the index just past what they read, on the current line. */
let scanEnd = 0;
/** Set by {@link plainLineEnd}: whether a comment ended the line's text. */
let commentSeen = false;
/** Set by {@link nextQuotedLine}: the blank lines it skipped. */
let breaks = 0;

const hexDigits = /^[0-9a-fA-F]+$/;

/**
 * The data of a config file written in plain YAML (what `yaml`'s `parseDocument(text).toJS()`
 * gives), or `undefined` when the file uses anything this reader leaves to `yaml`. Its strings
 * hold no slice of `text` (see {@link flat}).
 *
 * @example
 * liteYaml('name: restart\nformats:\n  - "restart {{service}}"\nack: {enabled: false}\n')
 * // { name: 'restart', formats: ['restart {{service}}'], ack: { enabled: false } }
 * liteYaml('base: &b {a: 1}\n') // undefined: anchors are read by `yaml`
 */
export function liteYaml(text: string): Record<string, unknown> | undefined {
  // tabs: `yaml` takes them as spaces in some places and refuses them in others
  if (text.indexOf('\t') !== -1) return undefined;
  let t = text;
  if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
  // a byte order mark anywhere else may start another document
  if (t.indexOf('\ufeff') !== -1) return undefined;
  if (t.indexOf('\r') !== -1) {
    // `yaml` reads `\r\n` as `\n` everywhere; a lone `\r` is left to it
    t = t.replace(/\r\n/g, '\n');
    if (t.indexOf('\r') !== -1) return undefined;
  }
  src = t;
  try {
    return readDocument();
  } catch {
    // BAIL, or anything unforeseen: `yaml` answers instead
    return undefined;
  } finally {
    // no reference to the text outlives the call
    src = '';
    key = '';
    items.length = 0;
  }
}

/** The document: comments and blank lines, an optional `---` alone on its line, then one block mapping up to the end of the text. */
function readDocument(): Record<string, unknown> {
  const s = src;
  depth = 0;
  items.length = 0;
  colonAt = hashAt = -1;
  let p = skipBlankLines(0);
  if (s.startsWith('---', p) && isBlank(s.charCodeAt(p + 3))) {
    let i = p + 3;
    while (s.charCodeAt(i) === SPACE) i++;
    if (i < s.length && s.charCodeAt(i) !== NL && s.charCodeAt(i) !== HASH) throw BAIL; // content on the `---` line
    const nl = s.indexOf('\n', i);
    p = nl === -1 ? s.length + 1 : nl + 1;
  }
  nextContent(p);
  if (indent < 0) throw BAIL; // no content: `yaml` gives null
  const col = indent;
  const colon = readKey(lineStart + col);
  if (colon < 0) throw BAIL; // a sequence or a scalar at the top
  const map = readMapping(col, colon);
  if (indent >= 0) throw BAIL; // a line less indented than the mapping
  return map;
}

/** The start of the first line from `p` on that holds more than spaces and a comment. */
function skipBlankLines(p: number): number {
  const s = src;
  while (p < s.length) {
    let i = p;
    while (s.charCodeAt(i) === SPACE) i++;
    const c = s.charCodeAt(i);
    if (c !== NL && c !== HASH && i < s.length) return p;
    const nl = s.indexOf('\n', i);
    if (nl === -1) return s.length;
    p = nl + 1;
  }
  return p;
}

/**
 * Makes the first line from `p` on that holds more than spaces and a comment the current line,
 * or sets `indent` to -1 at the end of the text. `---` or `...` at the start of a line would end
 * the document: bail.
 */
function nextContent(p: number): void {
  const s = src;
  const len = s.length;
  while (p <= len) {
    let e = s.indexOf('\n', p);
    if (e === -1) e = len;
    let i = p;
    while (i < e && s.charCodeAt(i) === SPACE) i++;
    if (i < e && s.charCodeAt(i) !== HASH) {
      lineStart = p;
      lineEnd = e;
      indent = i - p;
      if (i === p && e - p >= 3 && (s.startsWith('---', p) || s.startsWith('...', p)) && isBlank(s.charCodeAt(p + 3))) throw BAIL;
      return;
    }
    p = e + 1;
  }
  indent = -1;
}

/** Whether a character code ends a token: a space, a line break, or the end of the text (NaN). */
function isBlank(c: number): boolean {
  return c === SPACE || c === NL || Number.isNaN(c);
}

/**
 * A block mapping whose keys start at column `col`; its first key was just read by {@link readKey}
 * (`colon` is the index of its `:`). Ends at the first line less indented; a line more indented
 * than the keys, where a key should be, bails.
 */
function readMapping(col: number, colon: number): Record<string, unknown> {
  if (++depth > MAX_DEPTH) throw BAIL;
  const map: Record<string, unknown> = {};
  let count = 0;
  for (;;) {
    const k = key;
    // a duplicate key is an error in `yaml` (or, as `1` and `"1"`, one value hides the other)
    if (Object.hasOwn(map, k)) throw BAIL;
    map[k] = readEntryValue(col, colon + 1, true);
    count++;
    if (indent < col) break;
    if (indent > col) throw BAIL;
    colon = readKey(lineStart + col);
    if (colon < 0) throw BAIL;
  }
  depth--;
  return count > 16 ? compact(map) : map;
}

/**
 * `map` again, with its keys laid out as JSON.parse lays them out. V8 turns an object that gets
 * many properties one by one (over about 20) into a hash table, larger and slower to read; an
 * object from JSON.parse keeps the compact layout, and assigning its existing keys keeps it.
 */
function compact(map: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(map);
  let json = '{';
  for (let i = 0; i < keys.length; i++) json += (i === 0 ? '' : ',') + JSON.stringify(keys[i]) + ':null';
  const out = JSON.parse(json + '}') as Record<string, unknown>;
  for (const k of keys) out[k] = map[k];
  return out;
}

/**
 * A block sequence whose `-` are at column `col`, the first one at `dash` on the current line.
 * Ends at the first line less indented, or at a line at `col` that is no `-` entry (a key of the
 * mapping that holds this sequence at its own indentation: `key:\n- a\nnext: b`).
 */
function readSequence(col: number, dash: number): unknown[] {
  if (++depth > MAX_DEPTH) throw BAIL;
  const base = items.length;
  for (;;) {
    items.push(readEntryValue(col, dash + 1, false));
    if (indent < col) break;
    if (indent > col) throw BAIL;
    dash = lineStart + col;
    if (!isSeqEntry(dash)) break;
  }
  depth--;
  return takeItems(base);
}

/**
 * The items of the sequences being read, innermost last: a sequence's items are gathered here and
 * copied out when it ends, into an array of their exact number (an array grown by push keeps
 * room for more).
 */
const items: unknown[] = [];

/** The items gathered from `base` on, as an array, taken off {@link items}. */
function takeItems(base: number): unknown[] {
  const seq = items.slice(base);
  items.length = base;
  return seq;
}

/** Whether a `-` entry starts at `q` (a `-` then a space or the end of the line). */
function isSeqEntry(q: number): boolean {
  return src.charCodeAt(q) === DASH && (q + 1 === lineEnd || src.charCodeAt(q + 1) === SPACE);
}

/**
 * The value after a mapping's `:` or a sequence's `-` (at `p`, on the current line), whose
 * collection sits at column `owner`. On the same line: any node, but a mapping's value there may
 * not be a collection (`k: - a`, `k: a: b`). With nothing (or a comment) after the indicator, the
 * value is the node on the next lines, more indented than `owner`; for a mapping also a sequence
 * at `owner` itself; else null. Leaves the first line after the value current.
 */
function readEntryValue(owner: number, p: number, inMap: boolean): unknown {
  const s = src;
  while (s.charCodeAt(p) === SPACE) p++;
  if (p < lineEnd && s.charCodeAt(p) !== HASH) return readNode(owner, p, !inMap);
  nextContent(lineEnd + 1);
  if (indent > owner) return readNode(owner, lineStart + indent, true);
  if (inMap && indent === owner && isSeqEntry(lineStart + indent)) return readSequence(owner, lineStart + indent);
  return null;
}

/**
 * The node starting at `q` on the current line, inside a collection at column `owner` (lines
 * that go on a scalar must be indented past it). With `compact`, the node may be a collection
 * starting on this line (`- - a`, `- k: v`, or a node on a line of its own).
 */
function readNode(owner: number, q: number, compact: boolean): unknown {
  const s = src;
  const c = s.charCodeAt(q);
  switch (c) {
    case DASH:
      if (isBlank(s.charCodeAt(q + 1))) {
        if (!compact) throw BAIL; // `k: - a`
        return readSequence(q - lineStart, q);
      }
      break;
    case QUESTION:
    case COLON:
      if (isBlank(s.charCodeAt(q + 1))) throw BAIL; // an explicit key, or an empty one
      break;
    case PIPE:
    case GT:
      return readBlockScalar(owner, q);
    case DQUOTE:
    case SQUOTE: {
      if (compact) {
        const colon = readKey(q);
        if (colon >= 0) return readMapping(q - lineStart, colon);
      }
      const value = c === DQUOTE ? readDoubleQuoted(owner, q) : readSingleQuoted(owner, q);
      endOfNode(scanEnd);
      return shared(value);
    }
    case LBRACKET:
    case LBRACE: {
      const value = readFlowNode(q);
      endOfNode(scanEnd);
      return value;
    }
    // an anchor, an alias, a tag, a directive, a reserved or flow character: `yaml`'s
    case AMP:
    case STAR:
    case BANG:
    case PERCENT:
    case AT:
    case BACKTICK:
    case COMMA:
    case RBRACKET:
    case RBRACE:
    case HASH:
      throw BAIL;
  }
  if (compact) {
    const colon = readKey(q);
    if (colon >= 0) return readMapping(q - lineStart, colon);
  }
  return readPlain(owner, q);
}

/** After a quoted scalar or a flow collection ending at `e`: only spaces and a comment may follow on its line. Moves to the next content line. */
function endOfNode(e: number): void {
  const s = src;
  let i = e;
  while (s.charCodeAt(i) === SPACE) i++;
  if (i < lineEnd && (s.charCodeAt(i) !== HASH || i === e)) throw BAIL; // `"a" b`, `"a": b` where no key may be, `"a"#b`
  nextContent(lineEnd + 1);
}

/**
 * If a block mapping key starts at `q` on the current line (a plain or one-line quoted scalar
 * followed by `:` and a space or the end of the line), sets {@link key} to it as `yaml` names it
 * and answers the index of the `:`; else -1. Keys `yaml` reads otherwise, or refuses, bail: null
 * and empty keys, `<<` (a merge), `__proto__`, collections, anchors and tags, keys over 1,000
 * characters.
 */
function readKey(q: number): number {
  const s = src;
  const end = lineEnd;
  const c = s.charCodeAt(q);
  if (c === DQUOTE || c === SQUOTE) {
    const close = quoteEnd(q);
    if (close < 0) return -1;
    let i = close + 1;
    while (s.charCodeAt(i) === SPACE) i++;
    if (i >= end || s.charCodeAt(i) !== COLON || (i + 1 < end && s.charCodeAt(i + 1) !== SPACE)) return -1;
    if (i - q > 1000) throw BAIL;
    const k = c === DQUOTE ? readDoubleQuoted(-1, q) : readSingleQuoted(-1, q);
    if (k === '' || k === '__proto__' || k === '<<') throw BAIL;
    key = k;
    return i;
  }
  switch (c) {
    case DASH:
    case QUESTION:
    case COLON:
      if (isBlank(s.charCodeAt(q + 1))) throw BAIL;
      break;
    case LBRACKET:
    case LBRACE:
    case RBRACKET:
    case RBRACE:
    case COMMA:
    case AMP:
    case STAR:
    case BANG:
    case PIPE:
    case GT:
    case PERCENT:
    case AT:
    case BACKTICK:
    case HASH:
      throw BAIL;
  }
  // the first `:` followed by a space or the end of the line, unless a ` #` comment comes first
  let colon = findColon(q);
  while (colon < end && colon + 1 < end && s.charCodeAt(colon + 1) !== SPACE) colon = findColon(colon + 1);
  if (colon >= end || commentBefore(q, colon) < colon) return -1;
  if (colon - q > 1000) throw BAIL;
  let e = colon;
  while (s.charCodeAt(e - 1) === SPACE) e--;
  const value = plainScalar(q, e);
  if (value === null) throw BAIL;
  const k = typeof value === 'string' ? value : String(value);
  if (k === '__proto__' || k === '<<') throw BAIL;
  key = k;
  return colon;
}

/**
 * Plain scalars read lately that are strings, by a hash of their length and first and last
 * characters: config files repeat their keys and many values (`type: string`, `runner: shell`),
 * and a hit costs no new string. As JSON.parse does for short values, equal texts then share one
 * string (at most 4,096 strings of up to 64 characters stay here between files). Only plain
 * scalars go in: a quoted `"1"` is a string where a plain `1` is a number.
 */
const plainCache: (string | undefined)[] = new Array(4096).fill(undefined);

/** The plain scalar `src[from, to)` (one line, trimmed) as `yaml`'s core schema reads it, a string from {@link plainCache} or a {@link flat} copy. */
function plainScalar(from: number, to: number): unknown {
  const s = src;
  const length = to - from;
  const slot = (length * 31 + s.charCodeAt(from) * 7 + s.charCodeAt(to - 1)) & 4095;
  const cached = plainCache[slot];
  if (cached !== undefined && cached.length === length && s.startsWith(cached, from)) return cached;
  const value = plainValue(s.slice(from, to));
  if (typeof value !== 'string') return value;
  if (length > 64) return shared(value);
  const copy = flat(value);
  plainCache[slot] = copy;
  return copy;
}

/**
 * What `yaml`'s core schema makes of a plain scalar's text: null, a boolean, a number, or the
 * text. Numbers JSON cannot carry (NaN, infinities, -0) bail.
 */
function plainValue(text: string): unknown {
  const c = text.charCodeAt(0);
  // most words start with a character no null, boolean or number can start with
  if (c === 126 || c === 110 || c === 78) return nullTest.test(text) ? null : text; // ~ n N
  if (c === 116 || c === 84) return boolTest.test(text) ? true : text; // t T
  if (c === 102 || c === 70) return boolTest.test(text) ? false : text; // f F
  if ((c >= 48 && c <= 57) || c === PLUS || c === DASH || c === DOT) {
    let n: number;
    if (intOct.test(text)) n = parseInt(text.slice(2), 8);
    else if (intDec.test(text)) n = parseInt(text, 10);
    else if (intHex.test(text)) n = parseInt(text.slice(2), 16);
    else if (floatNaN.test(text)) throw BAIL;
    else if (floatExp.test(text) || floatDot.test(text)) n = parseFloat(text);
    else return text;
    if (!Number.isFinite(n) || Object.is(n, -0)) throw BAIL;
    return n;
  }
  return text;
}

/**
 * A plain scalar starting at `q`, in a collection at column `owner`. It goes on over the next
 * lines indented past `owner` (folded: lines joined by a space, each blank line between giving a
 * line break) until a less indented line, a comment, or the end of the text. A `: ` in it would
 * make a key where none may be (`yaml` refuses it): bail.
 */
function readPlain(owner: number, q: number): unknown {
  const s = src;
  const len = s.length;
  const firstEnd = plainLineEnd(q, lineEnd);
  let p = lineEnd + 1;
  if (commentSeen) {
    nextContent(p);
    return plainScalar(q, firstEnd);
  }
  let text = '';
  let more = false;
  /** blank lines since the last line of text */
  let blanks = 0;
  while (p <= len) {
    let e = s.indexOf('\n', p);
    if (e === -1) e = len;
    let i = p;
    while (i < e && s.charCodeAt(i) === SPACE) i++;
    if (i === e) {
      blanks++;
      p = e + 1;
      continue;
    }
    if (i - p <= owner || s.charCodeAt(i) === HASH) break;
    if (!more) text = s.slice(q, firstEnd);
    text += (blanks === 0 ? ' ' : '\n'.repeat(blanks)) + s.slice(i, plainLineEnd(i, e));
    more = true;
    blanks = 0;
    p = e + 1;
    if (commentSeen) break;
  }
  nextContent(p);
  if (more) return shared(text); // spaces or line breaks inside: never null, a boolean or a number
  return plainScalar(q, firstEnd);
}

/**
 * Where a line of a plain scalar (from `from`, up to the line's end `to`) ends: before a ` #`
 * comment (then {@link commentSeen} is set) or at the end of the line, trailing spaces left out.
 * A `:` followed by a space or the line's end would be a key's: bail.
 */
function plainLineEnd(from: number, to: number): number {
  const s = src;
  let end = commentBefore(from, to);
  commentSeen = end < to;
  for (let colon = findColon(from); colon < end; colon = findColon(colon + 1)) {
    if (colon + 1 === to || s.charCodeAt(colon + 1) === SPACE) throw BAIL;
  }
  while (end > from && s.charCodeAt(end - 1) === SPACE) end--;
  return end;
}

/** Where a ` #` comment starts (its space) between `from` and `to` on a line, or `to`. */
function commentBefore(from: number, to: number): number {
  const s = src;
  for (let hash = findHash(from + 1); hash < to; hash = findHash(hash + 1)) {
    if (s.charCodeAt(hash - 1) === SPACE) return hash - 1;
  }
  return to;
}

/*
 * The first `:` and `#` at or after a position, found with indexOf (much faster than a loop over
 * every character) and remembered with the position they were looked for from: any position
 * between the two gets the same answer. The reader asks from positions that mostly grow, so the
 * text is searched about once.
 */
let colonFrom = 0;
let colonAt = -1;
let hashFrom = 0;
let hashAt = -1;

/** The first `:` at or after `i`, or the text's length. */
function findColon(i: number): number {
  if (i > colonAt || i < colonFrom) {
    colonFrom = i;
    colonAt = src.indexOf(':', i);
    if (colonAt === -1) colonAt = src.length;
  }
  return colonAt;
}

/** The first `#` at or after `i`, or the text's length. */
function findHash(i: number): number {
  if (i > hashAt || i < hashFrom) {
    hashFrom = i;
    hashAt = src.indexOf('#', i);
    if (hashAt === -1) hashAt = src.length;
  }
  return hashAt;
}

/** The index of the quote closing the quoted scalar that opens at `q`, on the current line, or -1 when the line ends first. */
function quoteEnd(q: number): number {
  const s = src;
  const quote = s.charCodeAt(q);
  for (let i = q + 1; i < lineEnd; i++) {
    const c = s.charCodeAt(i);
    if (c === quote) {
      if (quote === SQUOTE && i + 1 < lineEnd && s.charCodeAt(i + 1) === SQUOTE) i++;
      else return i;
    } else if (c === BACKSLASH && quote === DQUOTE) i++;
  }
  return -1;
}

/**
 * Moves on from the current line inside a quoted scalar to its next line that holds more than
 * spaces, which must be indented past `owner` (else `yaml` refuses it; -1: the scalar must end on
 * its line). Answers the index of that line's first character and sets {@link breaks} to the
 * number of blank lines skipped.
 */
function nextQuotedLine(owner: number): number {
  if (owner < 0) throw BAIL;
  const s = src;
  const len = s.length;
  let p = lineEnd + 1;
  breaks = 0;
  while (p <= len) {
    let e = s.indexOf('\n', p);
    if (e === -1) e = len;
    let i = p;
    while (i < e && s.charCodeAt(i) === SPACE) i++;
    if (i < e) {
      if (i - p <= owner) throw BAIL;
      lineStart = p;
      lineEnd = e;
      indent = i - p;
      return i;
    }
    breaks++;
    p = e + 1;
  }
  throw BAIL; // the text ends inside the scalar
}

/** What the line break that ends a line of a quoted scalar becomes, after {@link nextQuotedLine}: a space, or one line break per blank line skipped. */
function fold(): string {
  return breaks === 0 ? ' ' : '\n'.repeat(breaks);
}

/** Set by {@link breakQuotedLine}: where the text of the quoted scalar's next line starts. */
let quotedAt = 0;

/**
 * The end of a line of a quoted scalar (both kinds): the line's text from `run` to `end` without its
 * trailing spaces, then what the line break becomes ({@link fold}). Moves on to the next line
 * ({@link nextQuotedLine}), whose text starts at {@link quotedAt}.
 */
function breakQuotedLine(run: number, end: number, owner: number): string {
  let t = end;
  while (t > run && src.charCodeAt(t - 1) === SPACE) t--;
  const text = src.slice(run, t);
  quotedAt = nextQuotedLine(owner);
  return text + fold();
}

/**
 * A double-quoted scalar opening at `q`, as `yaml` unescapes and folds it (resolve-flow-scalar.js):
 * spaces before a line break go, the break and the next line's indentation become a space (or a
 * line break per blank line), `\` at the end of a line joins the lines. Sets {@link scanEnd} past
 * the closing quote (on the line that is then current). Unknown or broken escapes bail.
 */
function readDoubleQuoted(owner: number, q: number): string {
  const s = src;
  let out = '';
  /** the start of the text not yet copied to `out` */
  let run = q + 1;
  let i = run;
  for (;;) {
    if (i >= lineEnd) {
      out += breakQuotedLine(run, i, owner);
      i = run = quotedAt;
      continue;
    }
    const c = s.charCodeAt(i);
    if (c === DQUOTE) {
      scanEnd = i + 1;
      return out + s.slice(run, i);
    }
    if (c !== BACKSLASH) {
      i++;
      continue;
    }
    out += s.slice(run, i);
    i++;
    if (i === lineEnd) {
      // an escaped line break: the next line goes on right after, its indentation left out
      i = run = nextQuotedLine(owner);
      if (breaks > 0) throw BAIL; // `yaml` folds a blank line after it its own way
      continue;
    }
    const e = s.charCodeAt(i);
    const simple = escape(e);
    if (simple !== undefined) {
      out += simple;
      i++;
    } else {
      const size = e === 120 ? 2 : e === 117 ? 4 : e === 85 ? 8 : 0; // x u U
      if (size === 0 || i + 1 + size > lineEnd) throw BAIL;
      const hex = s.slice(i + 1, i + 1 + size);
      if (!hexDigits.test(hex)) throw BAIL;
      const code = parseInt(hex, 16);
      // past Unicode `yaml` refuses; a `$` is where `${VAR}` expansion starts, which the caller
      // decides (env.ts) for texts holding one, and this text holds none
      if (code > 0x10ffff || code === 0x24) throw BAIL;
      out += String.fromCodePoint(code);
      i += 1 + size;
    }
    run = i;
  }
}

/** The character a one-letter escape (`\n`, `\"`...) stands for in a double-quoted scalar, as in `yaml`, or undefined. */
function escape(c: number): string | undefined {
  switch (c) {
    case 48: // 0
      return '\0';
    case 97: // a
      return '\x07';
    case 98: // b
      return '\b';
    case 101: // e
      return '\x1b';
    case 102: // f
      return '\f';
    case 110: // n
      return '\n';
    case 114: // r
      return '\r';
    case 116: // t
      return '\t';
    case 118: // v
      return '\v';
    case 78: // N
      return '\u0085';
    case 95: // _
      return '\u00a0';
    case 76: // L
      return '\u2028';
    case 80: // P
      return '\u2029';
    case SPACE:
      return ' ';
    case DQUOTE:
      return '"';
    case 47: // /
      return '/';
    case BACKSLASH:
      return '\\';
  }
  return undefined;
}

/** A single-quoted scalar opening at `q` (`''` is a quote), folded over lines as a double-quoted one. Sets {@link scanEnd} past the closing quote. */
function readSingleQuoted(owner: number, q: number): string {
  const s = src;
  let out = '';
  let run = q + 1;
  let i = run;
  for (;;) {
    if (i >= lineEnd) {
      out += breakQuotedLine(run, i, owner);
      i = run = quotedAt;
      continue;
    }
    if (s.charCodeAt(i) === SQUOTE) {
      if (i + 1 < lineEnd && s.charCodeAt(i + 1) === SQUOTE) {
        out += s.slice(run, i + 1);
        i = run = i + 2;
        continue;
      }
      scanEnd = i + 1;
      return out + s.slice(run, i);
    }
    i++;
  }
}

/**
 * A literal (`|`) or folded (`>`) block scalar whose header is at `q`, with `-` (strip) or `+`
 * (keep) chomping. Its indentation is that of its first line holding more than spaces, which must
 * be past `owner`; it ends at the first line less indented. Folding as in the YAML spec and
 * `yaml`: a line break between two lines that start with no extra space becomes a space (or goes,
 * when blank lines follow it); around more-indented lines every line break stays. An indentation
 * digit, or a blank line with more spaces than the text's indentation (they would be text): bail.
 */
function readBlockScalar(owner: number, q: number): string {
  const s = src;
  const len = s.length;
  const folded = s.charCodeAt(q) === GT;
  let i = q + 1;
  let chomp = 0; // -1 strip, 0 clip, 1 keep
  if (s.charCodeAt(i) === DASH) {
    chomp = -1;
    i++;
  } else if (s.charCodeAt(i) === PLUS) {
    chomp = 1;
    i++;
  }
  if (i < lineEnd) {
    if (s.charCodeAt(i) !== SPACE) throw BAIL;
    while (s.charCodeAt(i) === SPACE) i++;
    if (i < lineEnd && s.charCodeAt(i) !== HASH) throw BAIL;
  }
  let out = '';
  /** the indentation of the text (-1 until its first line) */
  let textIndent = -1;
  /** blank lines since the last line of text (or the header) */
  let blanks = 0;
  /** the most spaces on a blank line before the first line of text */
  let blankMax = 0;
  let prevMore = false;
  /** the spaces on the text's last line when it holds only spaces and no line break (-1: none) */
  let tailSpaces = -1;
  let p = lineEnd + 1;
  while (p < len) {
    let e = s.indexOf('\n', p);
    if (e === -1) e = len;
    let j = p;
    while (j < e && s.charCodeAt(j) === SPACE) j++;
    const spaces = j - p;
    if (j === e) {
      // a blank line: spaces past the text's indentation would be text
      if (textIndent < 0) blankMax = Math.max(blankMax, spaces);
      else if (spaces > textIndent) throw BAIL;
      if (e === len) {
        tailSpaces = spaces; // the text's last line, with no line break to keep
        break;
      }
      blanks++;
      p = e + 1;
      continue;
    }
    if (textIndent < 0) {
      if (spaces <= owner) break; // no text: the scalar is empty
      if (blankMax > spaces) throw BAIL;
      textIndent = spaces;
      out = '\n'.repeat(blanks) + s.slice(j, e);
    } else {
      if (spaces < textIndent) break;
      const line = s.slice(p + textIndent, e);
      const more = spaces > textIndent;
      if (!folded || more || prevMore) out += '\n'.repeat(blanks + 1) + line;
      else out += (blanks === 0 ? ' ' : '\n'.repeat(blanks)) + line;
      prevMore = more;
    }
    blanks = 0;
    p = e + 1;
  }
  nextContent(p);
  if (textIndent < 0) {
    // no text: kept, one line break per blank line; `yaml` counts a last line of spaces indented
    // past `owner` as one too, when it is the only one
    if (chomp < 1) return '';
    if (blanks > 0) return '\n'.repeat(blanks);
    return tailSpaces > owner ? '\n' : '';
  }
  if (chomp === -1) return shared(out);
  if (chomp === 0) return shared(out + '\n');
  return shared(out + '\n'.repeat(blanks + 1));
}

/** Skips spaces from `i` (never past the current line). */
function skipSpaces(i: number): number {
  while (src.charCodeAt(i) === SPACE) i++;
  return i;
}

/** A value inside a flow collection at `i`: a nested flow collection or a scalar. Sets {@link scanEnd} past it. */
function readFlowNode(i: number): unknown {
  const c = src.charCodeAt(i);
  if (c !== LBRACKET && c !== LBRACE) return readFlowScalar(i);
  if (++depth > MAX_DEPTH) throw BAIL;
  const value = c === LBRACKET ? readFlowSequence(i) : readFlowMapping(i);
  depth--;
  return value;
}

/** A flow sequence opening at `q`, closed on the same line (`[]`, `[a, "b c", 1, {d: e}]`). Sets {@link scanEnd} past its `]`. */
function readFlowSequence(q: number): unknown[] {
  const s = src;
  let i = skipSpaces(q + 1);
  if (s.charCodeAt(i) === RBRACKET) {
    scanEnd = i + 1;
    return [];
  }
  const base = items.length;
  for (;;) {
    items.push(readFlowNode(i));
    i = skipSpaces(scanEnd);
    if (i >= lineEnd) throw BAIL;
    const c = s.charCodeAt(i);
    if (c === RBRACKET) {
      scanEnd = i + 1;
      return takeItems(base);
    }
    // a `:` would make a pair (`[a: b]`), a `,` then `]` an entry `yaml` drops: bail on both
    if (c !== COMMA) throw BAIL;
    i = skipSpaces(i + 1);
  }
}

/** A flow mapping with scalar keys opening at `q`, closed on the same line (`{}`, `{a: 1, "b": [c]}`). Sets {@link scanEnd} past its `}`. */
function readFlowMapping(q: number): Record<string, unknown> {
  const s = src;
  const map: Record<string, unknown> = {};
  let i = skipSpaces(q + 1);
  if (s.charCodeAt(i) === RBRACE) {
    scanEnd = i + 1;
    return map;
  }
  for (;;) {
    const c = s.charCodeAt(i);
    const quoted = c === DQUOTE || c === SQUOTE;
    const k = readFlowScalar(i);
    // the key's `:` right after it (plain keys: after their trailing spaces), then a space
    const colon = quoted ? scanEnd : skipSpaces(scanEnd);
    if (colon >= lineEnd || s.charCodeAt(colon) !== COLON || s.charCodeAt(colon + 1) !== SPACE) throw BAIL;
    if (k === null || k === '') throw BAIL;
    const name = typeof k === 'string' ? k : String(k);
    if (name === '__proto__' || name === '<<' || Object.hasOwn(map, name)) throw BAIL;
    map[name] = readFlowNode(skipSpaces(colon + 1));
    i = skipSpaces(scanEnd);
    if (i >= lineEnd) throw BAIL;
    const d = s.charCodeAt(i);
    if (d === RBRACE) {
      scanEnd = i + 1;
      return map;
    }
    if (d !== COMMA) throw BAIL;
    i = skipSpaces(i + 1);
  }
}

/**
 * A scalar inside a flow collection, starting at `i`: quoted on one line, or plain up to a `,`,
 * `]`, `}` or a `:` indicator (which the caller checks). A collection (as a key), a comment, an
 * empty entry or an indicator bails. Sets {@link scanEnd} past it.
 */
function readFlowScalar(i: number): unknown {
  const s = src;
  const end = lineEnd;
  if (i >= end) throw BAIL;
  const c = s.charCodeAt(i);
  if (c === DQUOTE || c === SQUOTE) {
    if (quoteEnd(i) < 0) throw BAIL;
    const value = c === DQUOTE ? readDoubleQuoted(-1, i) : readSingleQuoted(-1, i);
    return shared(value);
  }
  switch (c) {
    case DASH:
    case QUESTION:
    case COLON:
      if (isFlowBlank(s.charCodeAt(i + 1))) throw BAIL;
      break;
    case LBRACKET:
    case LBRACE:
    case RBRACKET:
    case RBRACE:
    case COMMA:
    case HASH:
    case AMP:
    case STAR:
    case BANG:
    case PIPE:
    case GT:
    case PERCENT:
    case AT:
    case BACKTICK:
      throw BAIL;
  }
  let last = i;
  let j = i;
  for (; j < end; j++) {
    const ch = s.charCodeAt(j);
    if (ch === COMMA || ch === RBRACKET || ch === RBRACE) break;
    if (ch === LBRACKET || ch === LBRACE) throw BAIL;
    if (ch === COLON && isFlowBlank(s.charCodeAt(j + 1))) break;
    if (ch === SPACE) {
      if (s.charCodeAt(j + 1) === HASH) throw BAIL; // a comment inside the collection
      continue;
    }
    last = j + 1;
  }
  scanEnd = j;
  return plainScalar(i, last);
}

/** Whether a character code ends a plain scalar's `:` or starts nothing inside a flow collection: a space, a line break, the end, or a flow indicator. */
function isFlowBlank(c: number): boolean {
  return isBlank(c) || c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/**
 * `s` as a string that holds no reference to the file's text. V8 makes a substring of 13 or more
 * characters a slice that keeps its whole parent alive, and a concatenation a rope of its parts;
 * a loaded config keeps every value as long as it lives, which would keep every file's text.
 * Reading a character of a rope copies it into one flat string (the rope then only points to that
 * copy, and the garbage collector drops the rope itself): the cheapest way found to get a string
 * of just the value's characters. `(' ' + s).slice(1)` costs a little more and keeps a slice
 * object and an extra character; JSON.parse(JSON.stringify(s)) costs about three times as much.
 * test/unit/config/yaml-lite.test.ts checks that no text stays alive.
 */
function flat(s: string): string {
  if (s.length < 13) return s; // V8 copies substrings and concatenations this short
  const rope = s[0] + s.slice(1);
  // the read that flattens is used (it never differs), so that the compiler cannot drop it
  if (rope.charCodeAt(1) !== s.charCodeAt(1)) throw BAIL;
  return rope;
}

/**
 * Strings of 13 to 1,024 characters made lately by {@link shared}, by a hash of their length and
 * first, middle and last characters. At most 2,048 strings stay here between files (about 2 MB
 * at worst): longer ones, rarely repeated, are not kept.
 */
const textCache: (string | undefined)[] = new Array(2048).fill(undefined);

/**
 * {@link flat}, and the same string as an equal one made lately: config files repeat longer
 * values too (descriptions, templates in block scalars, quoted messages), which {@link plainCache}
 * does not hold. A loaded config keeps one copy instead of one per file, and the garbage collector
 * has that much less to copy while the files are read.
 */
function shared(s: string): string {
  const length = s.length;
  if (length < 13 || length > 1024) return flat(s);
  const slot = (length * 31 + s.charCodeAt(0) * 7 + s.charCodeAt(length >> 1) * 3 + s.charCodeAt(length - 1)) & 2047;
  const cached = textCache[slot];
  // looked up before copying: a value met again costs no copy at all
  if (cached === s) return cached;
  const copy = flat(s);
  textCache[slot] = copy;
  return copy;
}
