/**
 * Parses an alias format (a regex with `{{p}}` / `{{p = default}}` placeholders) into a small
 * tree. Compiling to RE2 (compile-format.ts), indexing and rendering samples all walk this tree,
 * so the format is read once and every consumer agrees on what is a literal, a blank or a group.
 */

/** One element of a format. `q` is the quantifier written after it (`?`, `*`, `+?`, `{2,3}`). */
export type FormatNode =
  | { t: 'lit'; ch: string; q?: string }
  | { t: 'blank'; q?: string }
  | { t: 'param'; name: string; def?: string; q?: string }
  | { t: 'raw'; src: string; kind: 'class' | 'any' | 'assert'; q?: string }
  | { t: 'group'; open: string; name?: string; alts: FormatNode[][]; q?: string };

export interface ParsedFormat {
  alts: FormatNode[][];
  /** the format has its own `^` / `\A` (then no automatic start anchor is added) */
  hasStart: boolean;
  /** the format has its own `$` / `\z` (then no automatic end anchor is added) */
  hasEnd: boolean;
}

/** Thrown only inside this module and turned into a FormatProblem by the caller. */
export class FormatSyntaxError extends Error {}

const ASSERT_ESCAPES = new Set(['b', 'B', 'A', 'z']);
const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'n', 't', 'r', 'f', 'v', '0', 'a', 'e']);
const PLACEHOLDER = /^\s*([^\s=]+)\s*(?:=\s*([\s\S]*?))?\s*$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses one format string.
 *
 * @example
 * parseFormat('deploy {{app}} to {{env=prod}}').alts[0]?.length // 12 nodes
 */
export function parseFormat(format: string): ParsedFormat {
  const state = { s: format, i: 0, hasStart: false, hasEnd: false };
  const alts = parseAlternatives(state, false);
  return { alts, hasStart: state.hasStart, hasEnd: state.hasEnd };
}

/** Where a parse is: the format, the position, and the anchors met so far. */
export interface State {
  s: string;
  i: number;
  hasStart: boolean;
  hasEnd: boolean;
}

function parseAlternatives(st: State, inGroup: boolean): FormatNode[][] {
  const alts: FormatNode[][] = [[]];
  let seq = alts[0]!;
  const s = st.s;
  while (st.i < s.length) {
    const c = s[st.i]!;
    // 1. placeholders first: `{{` is never a regex repeat
    if (c === '{' && s[st.i + 1] === '{') {
      seq.push(parsePlaceholder(st));
      continue;
    }
    // 2. regex structure
    if (c === ')') {
      if (!inGroup) throw new FormatSyntaxError(`unbalanced ")" at position ${st.i + 1}`);
      st.i++;
      return alts;
    }
    if (c === '|') {
      st.i++;
      seq = [];
      alts.push(seq);
      continue;
    }
    if (c === '(') {
      seq.push(parseGroup(st));
      continue;
    }
    // 3. quantifiers attach to the previous node
    const q = readQuantifier(s, st.i);
    if (q) {
      const prev = seq[seq.length - 1];
      if (!prev || (prev.t === 'raw' && prev.kind === 'assert')) {
        throw new FormatSyntaxError(`nothing to repeat at position ${st.i + 1}`);
      }
      prev.q = (prev.q ?? '') + q;
      st.i += q.length;
      continue;
    }
    // 4. atoms
    if (isBlank(s.charCodeAt(st.i))) {
      while (st.i < s.length && isBlank(s.charCodeAt(st.i))) st.i++;
      seq.push({ t: 'blank' });
    } else if (c === '[') {
      seq.push({ t: 'raw', kind: 'class', src: readClass(st) });
    } else if (c === '\\') {
      seq.push(parseEscape(st));
    } else if (c === '.') {
      st.i++;
      seq.push({ t: 'raw', kind: 'any', src: '.' });
    } else if (c === '^' || c === '$') {
      st.i++;
      if (c === '^') st.hasStart = true;
      else st.hasEnd = true;
      seq.push({ t: 'raw', kind: 'assert', src: c });
    } else {
      // one code point (a surrogate pair whole)
      const code = s.charCodeAt(st.i);
      const ch = code >= 0xd800 && code <= 0xdbff ? String.fromCodePoint(s.codePointAt(st.i)!) : c;
      st.i += ch.length;
      seq.push({ t: 'lit', ch });
    }
  }
  if (inGroup) throw new FormatSyntaxError('missing ")" at the end of the format');
  return alts;
}

/** A blank of a format: space, \t, \n, \v, \f, \r. */
export function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`, each optionally followed by a lazy `?`. */
function readQuantifier(s: string, i: number): string | undefined {
  const c = s[i];
  let q: string | undefined;
  if (c === '?' || c === '*' || c === '+') q = c;
  else if (c === '{') q = /^\{\d+(?:,\d*)?\}/.exec(s.slice(i, i + 24))?.[0];
  if (q && s[i + q.length] === '?') q += '?';
  return q;
}

/**
 * The placeholder opening at `st.i` (`{{`), up to its `}}`; `st.i` moves past it. Also read by
 * simple-format.ts, so a format read either way has the same placeholders and the same errors.
 */
export function parsePlaceholder(st: State): FormatNode {
  const s = st.s;
  const start = st.i;
  let depth = 0;
  // 1. find the closing `}}`, keeping nested `{...}` / `{{...}}` in defaults whole
  for (let j = start + 2; j < s.length; j++) {
    const c = s[j];
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth > 0) depth--;
      else if (s[j + 1] === '}') {
        const inner = s.slice(start + 2, j);
        st.i = j + 2;
        return placeholderNode(inner);
      }
    }
  }
  throw new FormatSyntaxError(`unclosed placeholder "${s.slice(start, start + 30)}"`);
}

function placeholderNode(inner: string): FormatNode {
  // 1. `{{name}}`, most placeholders, needs no regex
  if (isName(inner)) return { t: 'param', name: inner };
  // 2. split `name = default`; quotes around a default are dropped, anything else is kept as written
  const m = PLACEHOLDER.exec(inner);
  const name = m?.[1];
  if (!m || !name) throw new FormatSyntaxError(`empty placeholder "{{${inner}}}"`);
  if (!NAME.test(name)) throw new FormatSyntaxError(`invalid placeholder name "${name}"`);
  if (m[2] === undefined) return { t: 'param', name };
  const quoted = /^"([\s\S]*)"$|^'([\s\S]*)'$/.exec(m[2]);
  return { t: 'param', name, def: quoted ? (quoted[1] ?? quoted[2] ?? '') : m[2] };
}

/** `NAME`'s test, without a regex */
function isName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    if (!letter && (i === 0 || c < 48 || c > 57)) return false;
  }
  return true;
}

function parseGroup(st: State): FormatNode {
  const s = st.s;
  const rest = s.slice(st.i, st.i + 40);
  // 1. recognise the opening: capture, named, non-capturing, flags; refuse lookaround
  if (/^\(\?(?:=|!|<=|<!)/.test(rest)) {
    throw new FormatSyntaxError('lookahead/lookbehind is not supported (matching stays linear-time)');
  }
  const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
  const flags = /^\(\?[imsU-]*:/.exec(rest);
  const setFlags = /^\(\?[imsU-]+\)/.exec(rest);
  if (setFlags) {
    st.i += setFlags[0].length;
    return { t: 'raw', kind: 'assert', src: setFlags[0] };
  }
  let open = '(';
  if (named) open = `(?P<${named[1]}>`;
  else if (flags) open = flags[0];
  else if (rest.startsWith('(?')) throw new FormatSyntaxError(`unsupported group syntax "${rest.slice(0, 6)}"`);
  st.i += named ? named[0].length : open.length;
  // 2. the group's alternatives, up to the matching ")"
  const alts = parseAlternatives(st, true);
  return named ? { t: 'group', open, name: named[1]!, alts } : { t: 'group', open, alts };
}

function readClass(st: State): string {
  const s = st.s;
  let j = st.i + 1;
  if (s[j] === '^') j++;
  if (s[j] === ']') j++;
  for (; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') j++;
    else if (c === '[' && s[j + 1] === ':') {
      const end = s.indexOf(':]', j + 2);
      if (end > 0) j = end + 1;
    } else if (c === ']') {
      const src = s.slice(st.i, j + 1);
      st.i = j + 1;
      return src;
    }
  }
  throw new FormatSyntaxError('unclosed character class "["');
}

function parseEscape(st: State): FormatNode {
  const s = st.s;
  const c = s[st.i + 1];
  if (c === undefined) throw new FormatSyntaxError('trailing backslash');
  // 1. backreferences cannot be matched in linear time
  if (/[1-9]/.test(c) || (c === 'k' && s[st.i + 2] === '<')) {
    throw new FormatSyntaxError(`backreference "\\${c}" is not supported (matching stays linear-time)`);
  }
  // 2. escapes with a payload: \p{Greek}, \x{41}, \x41
  const payload = /^\\(?:[pP](?:\{[^}]*\}|.)|x(?:\{[0-9A-Fa-f]*\}|[0-9A-Fa-f]{2}))/.exec(s.slice(st.i, st.i + 40));
  if (payload) {
    st.i += payload[0].length;
    return { t: 'raw', kind: 'any', src: payload[0] };
  }
  st.i += 2;
  if (ASSERT_ESCAPES.has(c)) {
    if (c === 'A') st.hasStart = true;
    if (c === 'z') st.hasEnd = true;
    return { t: 'raw', kind: 'assert', src: `\\${c}` };
  }
  if (CLASS_ESCAPES.has(c) || /[A-Za-z]/.test(c)) return { t: 'raw', kind: 'any', src: `\\${c}` };
  // 3. an escaped punctuation character is a literal
  return { t: 'lit', ch: c };
}

/** The names of every parameter in a parsed format, placeholders and `(?P<name>...)` groups alike. */
export function paramNames(nodes: FormatNode[][]): string[] {
  const out: string[] = [];
  const walk = (alts: FormatNode[][]) => {
    for (const seq of alts) {
      for (const n of seq) {
        if (n.t === 'param') out.push(n.name);
        else if (n.t === 'group') {
          if (n.name) out.push(n.name);
          walk(n.alts);
        }
      }
    }
  };
  walk(nodes);
  return out;
}
