/**
 * Reads the most common kind of format, words, blanks and placeholders only (`restart {{service}}
 * on {{host}}`), in one pass over its characters: its placeholders, and the words
 * literal-words.ts finds in its parse tree, without building the tree. A config of 10,000 aliases
 * has over 10,000 such formats, and a node object per character (then three walks over them) was
 * most of the time a load spent compiling them. Any format with regex syntax is left to the tree.
 * test/unit/aliases/simple-format.test.ts holds both readings to the same answers.
 */
import { isAlnum } from './literal-words.ts';
import { isBlank, parsePlaceholder, type FormatNode, type State } from './parse-format.ts';

/** A placeholder as `parseFormat` gives it. */
export type Placeholder = Extract<FormatNode, { t: 'param' }>;

export interface SimpleFormat {
  /** the placeholders, in order */
  params: Placeholder[];
  /** `literalWords`' `index` and `all` (each word once, in its order), and `lead`; not yet shared */
  index: string[];
  all: string[];
  lead: string | undefined;
}

// The format as tokens: a run of ASCII letters and digits (a word), any other literal character,
// a run of blanks, a placeholder without and with a default. A token stands for the parse tree's
// nodes one for one, but for a word (one node per character there): the rules below only ask
// whether a neighbour is a blank, a placeholder with a default or a separator, which a run of
// letter nodes is not, whatever its length.
const WORD = 0;
const OTHER = 1;
const BLANK = 2;
const PARAM = 3;
const OPTIONAL = 4;

/** formats longer than this are read through the tree (none in practice: a format is a line of text) */
const MAX_LENGTH = 4096;

/** token kinds, and a word's first and past-last character: scratch, reused by every format */
let kind = new Uint8Array(256);
let from = new Int32Array(256);
let to = new Int32Array(256);

/**
 * The format's placeholders and words, or undefined when it holds any regex syntax (a group,
 * an alternative, a quantifier, a class, an escape, `.`, an anchor, or a `{` opening no
 * placeholder). A placeholder that does not parse throws `parseFormat`'s own error.
 *
 * @example
 * scanSimple('restart {{service}} on {{host}}') // { params: [service, host], index: ['restart', 'on'], all: (same), lead: 'restart' }
 * scanSimple('restart (web|db)') // undefined
 */
export function scanSimple(source: string): SimpleFormat | undefined {
  const n = source.length;
  // a very long format is left to the tree: the scratch arrays, kept for the process's life, stay small
  if (n > MAX_LENGTH) return undefined;
  if (kind.length < n) {
    kind = new Uint8Array(MAX_LENGTH);
    from = new Int32Array(MAX_LENGTH);
    to = new Int32Array(MAX_LENGTH);
  }
  const params: Placeholder[] = [];
  let count = 0;
  let st: State | undefined;
  // character classes from a table, no call per character: most of a load's formats are read
  // before the code is optimised
  for (let i = 0; i < n; ) {
    const c = source.charCodeAt(i);
    const cls = c < 128 ? ASCII[c]! : C_OTHER;
    if (cls === C_WORD) {
      from[count] = i;
      for (i++; i < n; i++) {
        const d = source.charCodeAt(i);
        if (d >= 128 || ASCII[d] !== C_WORD) break;
      }
      to[count] = i;
      kind[count++] = WORD;
    } else if (cls === C_BLANK) {
      for (i++; i < n; i++) {
        const d = source.charCodeAt(i);
        if (d >= 128 || ASCII[d] !== C_BLANK) break;
      }
      kind[count++] = BLANK;
    } else if (cls === C_BRACE && source.charCodeAt(i + 1) === 0x7b) {
      st ??= { s: source, i: 0, hasStart: false, hasEnd: false };
      st.i = i;
      const p = parsePlaceholder(st) as Placeholder;
      i = st.i;
      params.push(p);
      kind[count++] = p.def === undefined ? PARAM : OPTIONAL;
    } else if (cls !== C_OTHER) return undefined;
    else {
      // one node per code point in the tree; per UTF-16 unit here, alike to the rules (see above)
      i++;
      kind[count++] = OTHER;
    }
  }
  return words(source, count, params);
}

/** `literalWords` for one sequence of tokens, anchored at both ends (no `^` nor `$` of its own). */
function words(source: string, count: number, params: Placeholder[]): SimpleFormat {
  const index: string[] = [];
  const all: string[] = [];
  let lead: string | undefined;
  for (let t = 0; t < count; t++) {
    if (kind[t] !== WORD) continue;
    const w = source.slice(from[t], to[t]).toLowerCase();
    if (!all.includes(w)) all.push(w);
    const after = edge(t + 1, count);
    if (after && edge(t - 1, count) && !index.includes(w)) index.push(w);
    // the lead word: the first token, blanks aside, when a separator follows it
    if (after && (t === 0 || (t === 1 && kind[0] === BLANK))) lead = w;
  }
  // exact-size copies: arrays grown by push keep spare room, and a table keeps thousands of these
  return { params, index: index.slice(), all: all.length === index.length ? all : all.slice(), lead };
}

/** Whether token `t` (or the start or end of the format, past either side) surely separates words. */
function edge(t: number, count: number): boolean {
  return t < 0 || t >= count || separator(t, count);
}

/** literal-words.ts `separator`, for tokens: a blank next to an optional placeholder separates only when its other side does. */
function separator(t: number, count: number): boolean {
  const k = kind[t];
  if (k === OTHER) return true;
  if (k !== BLANK) return false;
  if (t + 1 < count && kind[t + 1] === OPTIONAL) return t + 2 >= count || separator(t + 2, count);
  if (t >= 1 && kind[t - 1] === OPTIONAL && !(t >= 2 && kind[t - 2] === BLANK)) return t < 2 || separator(t - 2, count);
  return true;
}

// ASCII character classes: letters and digits (isAlnum), blanks (isBlank), regex syntax, `{`
const C_OTHER = 0;
const C_WORD = 1;
const C_BLANK = 2;
const C_SYNTAX = 3;
const C_BRACE = 4;

/**
 * The class of each ASCII character. Regex syntax is what `parseFormat` reads as such: ( ) * + .
 * ? [ \ ^ $ |, and a `{` opening no placeholder (a repeat, or taken for one).
 */
const ASCII = ((): Uint8Array => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) t[c] = isAlnum(c) ? C_WORD : isBlank(c) ? C_BLANK : '()*+.?[\\^$|'.includes(String.fromCharCode(c)) ? C_SYNTAX : C_OTHER;
  t[0x7b] = C_BRACE;
  return t;
})();
