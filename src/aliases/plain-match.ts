/**
 * A regex-free matcher for the most common kind of format: words, blanks and placeholders only
 * (`restart {{service}} on {{env=staging}}`). It gives exactly what the RE2 regex
 * compile-format.ts builds for the same format gives (leftmost-first: greedy blanks and optional
 * defaults; a value is "double quoted", 'single quoted', {json} or bare text, tried in that order,
 * the last two taking as little as they can), in time linear in the text.
 *
 * How: a depth-first walk of the tokens in the regex's priority order, where every (token,
 * position) that failed is remembered, so no state is tried twice; the loops over positions that
 * blanks and lazy values make resume where an earlier loop of the same token stopped, so their
 * total work per token is linear too. The first path that reaches the end is the regex's match.
 */
import type { FormatNode } from './parse-format.ts';

const WS = 0;
const LIT = 1;
const VAL = 2;
const OPT = 3;

/** A format as flat token arrays (token ids 0..count-1; id `count` is the end of the text). */
export interface PlainProgram {
  count: number;
  params: number;
  kind: Int8Array;
  /** WS: 0 or 1 blank at least */
  min: Int8Array;
  /** the token after this one (the end for the last) */
  next: Int32Array;
  /** OPT: its first inner token; VAL: its parameter index */
  arg: Int32Array;
  /** LIT: the text as written, lower-case, upper-case, which characters are letters, and the lower-case form when ASCII */
  str: string[];
  lower: string[];
  upper: string[];
  ci: boolean[][];
  ascii: (string | undefined)[];
}

/** Perl/RE2 `\s`: tab, newline, form feed, carriage return, space (not \v). */
function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

function isLetter(ch: string): boolean {
  return ch.toLowerCase() !== ch.toUpperCase();
}

/** `ci` of the tokens that are not literals (never read: shared) */
const NO_LETTERS: boolean[] = [];

type Tok = { k: 'ws'; min: 0 | 1 } | { k: 'lit'; str: string } | { k: 'val'; param: number } | { k: 'opt'; inner: Tok[] };

/**
 * The token program of a one-alternative format made of literals, blanks and placeholders with no
 * quantifiers; mirrors `emitSeq` in compile-format.ts node for node (absorbed blanks included).
 */
export function compilePlain(seq: FormatNode[]): PlainProgram {
  // 1. optional placeholders take the blank before them (or, failing that, after them)
  const absorbed = new Set<number>();
  const around = new Map<number, 'before' | 'after' | 'none'>();
  seq.forEach((n, i) => {
    if (n.t !== 'param' || n.def === undefined) return;
    const prev = seq[i - 1];
    const next = seq[i + 1];
    if (prev?.t === 'blank' && !absorbed.has(i - 1)) {
      absorbed.add(i - 1);
      around.set(i, 'before');
    } else if (next?.t === 'blank') {
      absorbed.add(i + 1);
      around.set(i, 'after');
    } else around.set(i, 'none');
  });
  // 2. the token tree
  const tokens: Tok[] = [{ k: 'ws', min: 0 }];
  let param = 0;
  let run = '';
  const flush = () => {
    if (run) tokens.push({ k: 'lit', str: run });
    run = '';
  };
  seq.forEach((n, i) => {
    if (absorbed.has(i)) return;
    if (n.t === 'lit') {
      run += n.ch;
      return;
    }
    flush();
    if (n.t === 'blank') tokens.push({ k: 'ws', min: i === 0 || i === seq.length - 1 ? 0 : 1 });
    else if (n.t === 'param') {
      const a = around.get(i);
      const val: Tok = { k: 'val', param: param++ };
      if (a === undefined) tokens.push(val);
      else tokens.push({ k: 'opt', inner: a === 'before' ? [{ k: 'ws', min: 1 }, val] : a === 'after' ? [val, { k: 'ws', min: 1 }] : [val] });
    }
  });
  flush();
  tokens.push({ k: 'ws', min: 0 });
  // 3. flattened: ids in walk order, each token pointing at the one after it
  const flat: { tok: Tok; next: number; arg: number }[] = [];
  const lay = (list: Tok[], after: number): number => {
    const ids = list.map((tok) => flat.push({ tok, next: -1, arg: -1 }) - 1);
    ids.forEach((id, j) => {
      const entry = flat[id]!;
      entry.next = j + 1 < ids.length ? ids[j + 1]! : after;
      if (entry.tok.k === 'val') entry.arg = entry.tok.param;
    });
    return ids[0] ?? after;
  };
  const END = -2; // patched below, once the count is known
  lay(tokens, END);
  for (let id = 0; id < flat.length; id++) {
    const tok = flat[id]!.tok;
    if (tok.k === 'opt') flat[id]!.arg = lay(tok.inner, flat[id]!.next);
  }
  const count = flat.length;
  // the four arrays share one buffer: thousands of formats, one allocation each rather than four
  const buffer = new ArrayBuffer(count * 10);
  const p: PlainProgram = {
    count,
    params: param,
    next: new Int32Array(buffer, 0, count),
    arg: new Int32Array(buffer, count * 4, count),
    kind: new Int8Array(buffer, count * 8, count),
    min: new Int8Array(buffer, count * 9, count),
    str: [],
    lower: [],
    upper: [],
    ci: [],
    ascii: [],
  };
  flat.forEach(({ tok, next, arg }, id) => {
    p.kind[id] = tok.k === 'ws' ? WS : tok.k === 'lit' ? LIT : tok.k === 'val' ? VAL : OPT;
    p.min[id] = tok.k === 'ws' ? tok.min : 0;
    p.next[id] = next === END ? count : next;
    p.arg[id] = arg === END ? count : arg;
    const str = tok.k === 'lit' ? tok.str : '';
    p.str.push(str);
    p.lower.push(str.toLowerCase());
    p.upper.push(str.toUpperCase());
    p.ci.push(str ? [...str].map(isLetter) : NO_LETTERS);
    p.ascii.push(/^[\x00-\x7f]*$/.test(str.toLowerCase()) ? str.toLowerCase() : undefined);
  });
  return p;
}

/** What every format tried on the same text shares: computed once per text. */
interface TextInfo {
  s: string;
  n: number;
  /** first non-blank position at or after i (n when none) */
  firstNonWs: Int32Array;
  /** the text in lower case when it is ASCII (then literals compare with startsWith) */
  lower: string | undefined;
  /** next `"`, `'`, `}` at or after i (n when none); undefined when the text holds none */
  nextDq: Int32Array | undefined;
  nextSq: Int32Array | undefined;
  nextClose: Int32Array | undefined;
}

let info: TextInfo | undefined;
// scratch buffers for the one text in use (its info is rebuilt when another text comes)
let nonWsScratch = new Int32Array(256);
let dqScratch = new Int32Array(256);
let sqScratch = new Int32Array(256);
let closeScratch = new Int32Array(256);

function textInfo(s: string): TextInfo {
  if (info?.s === s) return info;
  const n = s.length;
  if (nonWsScratch.length < n + 1) {
    const size = (n + 1) * 2;
    nonWsScratch = new Int32Array(size);
    dqScratch = new Int32Array(size);
    sqScratch = new Int32Array(size);
    closeScratch = new Int32Array(size);
  }
  // 1. one backward pass: first non-blank, next quote and brace positions, whether it is ASCII
  const firstNonWs = nonWsScratch;
  let dq = n;
  let sq = n;
  let close = n;
  let ascii = true;
  firstNonWs[n] = n;
  dqScratch[n] = sqScratch[n] = closeScratch[n] = n;
  for (let i = n - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    firstNonWs[i] = isWs(c) ? firstNonWs[i + 1]! : i;
    if (c === 34) dq = i;
    else if (c === 39) sq = i;
    else if (c === 125) close = i;
    else if (c > 127) ascii = false;
    dqScratch[i] = dq;
    sqScratch[i] = sq;
    closeScratch[i] = close;
  }
  info = {
    s,
    n,
    firstNonWs,
    lower: ascii ? s.toLowerCase() : undefined,
    nextDq: dq < n ? dqScratch : undefined,
    nextSq: sq < n ? sqScratch : undefined,
    nextClose: close < n ? closeScratch : undefined,
  };
  return info;
}

// the state of the one match in progress (matching is synchronous), in buffers reused across calls
let P: PlainProgram;
let T: TextInfo;
let width = 0;
/** failed[t * width + i] = 1: tokens from t cannot match s[i..n) */
let failed = new Uint8Array(1024);
/** WS: per (token, end of the blank run), the lowest position + 1 already tried, 0 = none */
let wsLow = new Int32Array(1024);
/** VAL: every bare end >= valFrom[t] already failed; every `}` end >= jsonFrom[t] already failed */
let valFrom = new Int32Array(64);
let jsonFrom = new Int32Array(64);
let out: (string | undefined)[] = [];
let steps = 0;

/** How many (token, position) states the last match tried: tests check it stays linear. */
export const plainStats = {
  get states(): number {
    return steps;
  },
};

function litAt(t: number, i: number): boolean {
  const str = P.str[t]!;
  const len = str.length;
  if (i + len > T.n) return false;
  const ascii = P.ascii[t];
  if (T.lower !== undefined && ascii !== undefined) return T.lower.startsWith(ascii, i);
  const s = T.s;
  const lower = P.lower[t]!;
  const upper = P.upper[t]!;
  const ci = P.ci[t]!;
  for (let j = 0; j < len; j++) {
    const c = s[i + j]!;
    if (c === str[j]) continue;
    if (!ci[j] || (c.toLowerCase() !== lower[j] && c.toUpperCase() !== upper[j])) return false;
  }
  return true;
}

/** Whether tokens from `t` match s[i..n); on success the values on the path are in `out`. */
function m(t: number, i: number): boolean {
  steps++;
  const n = T.n;
  if (t === P.count) return i === n;
  const key = t * width + i;
  if (failed[key] === 1) return false;
  const r = P.next[t]!;
  const kind = P.kind[t]!;
  if (kind === WS) {
    // greedy: the longest blank run first; positions an earlier try of this run covered are skipped
    const end = T.firstNonWs[i]!;
    const runKey = t * width + end;
    const low = wsLow[runKey]!;
    const lowest = i + P.min[t]!;
    for (let j = low === 0 ? end : low - 2; j >= lowest; j--) if (m(r, j)) return true;
    if (low === 0 || lowest < low - 1) wsLow[runKey] = lowest + 1;
  } else if (kind === LIT) {
    if (litAt(t, i) && m(r, i + P.str[t]!.length)) return true;
  } else if (kind === VAL) {
    if (value(t, r, i)) return true;
  } else if (m(P.arg[t]!, i) || m(r, i)) return true;
  failed[key] = 1;
  return false;
}

/** `"..."`, `'...'`, `{...}` (lazy), then bare `\s*\S.*?`; each tried only where it can still succeed. */
function value(t: number, r: number, i: number): boolean {
  const s = T.s;
  const n = T.n;
  const param = P.arg[t]!;
  const c = i < n ? s.charCodeAt(i) : 0;
  if (c === 34 || c === 39) {
    const next = c === 34 ? T.nextDq : T.nextSq;
    const close = next![i + 1]!;
    if (close < n && m(r, close + 1)) {
      out[param] = s.slice(i + 1, close);
      return true;
    }
  } else if (c === 123 && T.nextClose) {
    const next = T.nextClose;
    const limit = jsonFrom[t]!;
    for (let k = next[i + 1]!; k < n && k < limit; k = next[k + 1]!) {
      if (m(r, k + 1)) {
        out[param] = blankToAbsent(s.slice(i, k + 1));
        return true;
      }
    }
    if (i + 1 < limit) jsonFrom[t] = i + 1;
  }
  const f = T.firstNonWs[i]!;
  if (f >= n) return false;
  const limit = valFrom[t]!;
  for (let e = f + 1; e <= n && e < limit; e++) {
    if (m(r, e)) {
      out[param] = blankToAbsent(s.slice(i, e));
      return true;
    }
  }
  if (f + 1 < limit) valFrom[t] = f + 1;
  return false;
}

function blankToAbsent(v: string): string | undefined {
  const t = v.trim();
  return t === '' ? undefined : t;
}

/**
 * The value of each parameter (by position): quoted values as written inside the quotes, others
 * trimmed, undefined when not matched or blank; undefined when the text does not match.
 *
 * @example
 * const p = compilePlain(parseFormat('ping {{host}}').alts[0]!); matchPlain(p, 'ping web1 ') // ['web1']
 */
export function matchPlain(p: PlainProgram, s: string): (string | undefined)[] | undefined {
  P = p;
  T = textInfo(s);
  width = T.n + 1;
  const cells = (p.count + 1) * width;
  if (failed.length < cells) failed = new Uint8Array(cells * 2);
  else failed.fill(0, 0, cells);
  if (wsLow.length < cells) wsLow = new Int32Array(cells * 2);
  else wsLow.fill(0, 0, cells);
  if (valFrom.length < p.count) {
    valFrom = new Int32Array(p.count * 2);
    jsonFrom = new Int32Array(p.count * 2);
  }
  valFrom.fill(T.n + 1, 0, p.count);
  jsonFrom.fill(T.n + 1, 0, p.count);
  out = new Array<string | undefined>(p.params).fill(undefined);
  steps = 0;
  return m(0, 0) ? out : undefined;
}
