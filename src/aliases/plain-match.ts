/**
 * A regex-free matcher for the most common kind of format: words, blanks and placeholders only
 * (`restart {{service}} on {{env=staging}}`), used for texts without quotes or braces (where the
 * quoted and `{json}` alternatives of a value cannot match). It gives exactly what the RE2 regex
 * compile-format.ts builds for the same format would give (leftmost-first: greedy blanks and
 * optional defaults, lazy values), in time linear in the text: one backward pass fills, per token,
 * which positions the rest of the format can match from, one forward pass picks the path.
 */
import type { FormatNode } from './parse-format.ts';

type Token = { id: number } & (
  | { k: 'ws'; min: 0 | 1 }
  | { k: 'lit'; str: string; lower: string; upper: string; ci: boolean[] }
  | { k: 'val'; param: number }
  | { k: 'opt'; inner: Token[] }
);

export interface PlainProgram {
  tokens: Token[];
  params: number;
  /** how many tokens, nested ones included (ids are 0..count-1) */
  count: number;
}

/** Perl/RE2 `\s`: tab, newline, form feed, carriage return, space (not \v). */
function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

function isLetter(ch: string): boolean {
  return ch.toLowerCase() !== ch.toUpperCase();
}

/**
 * The token program of a one-alternative format made of literals, blanks and placeholders with no
 * quantifiers; mirrors `emitSeq` in compile-format.ts node for node (absorbed blanks included).
 */
export function compilePlain(seq: FormatNode[]): PlainProgram {
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
  let id = 0;
  const tokens: Token[] = [{ id: id++, k: 'ws', min: 0 }];
  let param = 0;
  let run = '';
  const flush = () => {
    if (run) tokens.push({ id: id++, k: 'lit', str: run, lower: run.toLowerCase(), upper: run.toUpperCase(), ci: [...run].map(isLetter) });
    run = '';
  };
  seq.forEach((n, i) => {
    if (absorbed.has(i)) return;
    if (n.t === 'lit') {
      run += n.ch;
      return;
    }
    flush();
    if (n.t === 'blank') tokens.push({ id: id++, k: 'ws', min: i === 0 || i === seq.length - 1 ? 0 : 1 });
    else if (n.t === 'param') {
      const a = around.get(i);
      if (a === undefined) tokens.push({ id: id++, k: 'val', param: param++ });
      else {
        const opt: Token = { id: id++, k: 'opt', inner: [] };
        const val: Token = { id: id++, k: 'val', param: param++ };
        const ws = (): Token => ({ id: id++, k: 'ws', min: 1 });
        opt.inner = a === 'before' ? [ws(), val] : a === 'after' ? [val, ws()] : [val];
        tokens.push(opt);
      }
    }
  });
  flush();
  tokens.push({ id: id++, k: 'ws', min: 0 });
  return { tokens, params: param, count: id };
}

interface Ctx {
  s: string;
  n: number;
  /** first non-blank position at or after i (n when none) */
  firstNonWs: Int32Array;
  /** ok of token id t at i: ok[t * (n + 1) + i] = 1 when that token and the rest match s[i..n) */
  ok: Uint8Array;
  /** smallest j >= i with ok of token t at j: next[t * (n + 2) + i] (n + 1 when none); -1 = not computed */
  next: Int32Array;
}

// scratch buffers reused across calls (matching is synchronous)
let okScratch = new Uint8Array(1024);
let nextScratch = new Int32Array(1024);
let nonWsScratch = new Int32Array(256);

function litAt(t: { str: string; lower: string; upper: string; ci: boolean[] }, s: string, i: number): boolean {
  const len = t.str.length;
  if (i + len > s.length) return false;
  for (let j = 0; j < len; j++) {
    const c = s[i + j]!;
    if (c === t.str[j]) continue;
    if (!t.ci[j] || (c.toLowerCase() !== t.lower[j] && c.toUpperCase() !== t.upper[j])) return false;
  }
  return true;
}

/** The first position j >= i at which token `t`'s ok holds (n + 1 when none). */
function nextAt(ctx: Ctx, t: number, i: number): number {
  const { n, ok, next } = ctx;
  const base = t * (n + 2);
  if (next[base + n + 1] === -1) {
    next[base + n + 1] = n + 1;
    for (let j = n; j >= 0; j--) next[base + j] = ok[t * (n + 1) + j] ? j : next[base + j + 1]!;
  }
  return next[base + i]!;
}

/** Fills ok for `tokens` followed by the token whose ok is `after` (a token id). Returns the first token's id. */
function fill(ctx: Ctx, tokens: Token[], after: number): number {
  let rest = after;
  const { s, n, ok } = ctx;
  const w = n + 1;
  for (let t = tokens.length - 1; t >= 0; t--) {
    const tok = tokens[t]!;
    const o = tok.id * w;
    const r = rest * w;
    if (tok.k === 'ws') {
      for (let i = n; i >= 0; i--) {
        const blank = i < n && isWs(s.charCodeAt(i));
        const more = blank && (ok[r + i + 1] === 1 || ok[o + i + 1] === 1);
        ok[o + i] = (tok.min === 0 ? ok[r + i] === 1 || more : more) ? 1 : 0;
      }
    } else if (tok.k === 'lit') {
      const len = tok.str.length;
      for (let i = 0; i <= n; i++) ok[o + i] = i + len <= n && ok[r + i + len] === 1 && litAt(tok, s, i) ? 1 : 0;
    } else if (tok.k === 'val') {
      // `\s*\S.*?`: from the first non-blank f, any end e > f where the rest matches
      for (let i = 0; i <= n; i++) {
        const f = ctx.firstNonWs[i]!;
        ok[o + i] = f < n && nextAt(ctx, rest, f + 1) <= n ? 1 : 0;
      }
    } else {
      const inner = fill(ctx, tok.inner, rest) * w;
      for (let i = 0; i <= n; i++) ok[o + i] = ok[inner + i] === 1 || ok[r + i] === 1 ? 1 : 0;
    }
    rest = tok.id;
  }
  return rest;
}

/** Walks the tokens forward taking the path RE2's leftmost-first rules take; returns the end. */
function walk(ctx: Ctx, tokens: Token[], after: number, start: number, out: (string | undefined)[]): number {
  let i = start;
  const { s, n, ok } = ctx;
  const w = n + 1;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    const rest = t + 1 < tokens.length ? tokens[t + 1]!.id : after;
    if (tok.k === 'ws') {
      // greedy: the longest blank run after which the rest matches
      let j = i;
      while (j < n && isWs(s.charCodeAt(j))) j++;
      while (j >= i + tok.min && ok[rest * w + j] !== 1) j--;
      i = j;
    } else if (tok.k === 'lit') i += tok.str.length;
    else if (tok.k === 'val') {
      const e = nextAt(ctx, rest, ctx.firstNonWs[i]! + 1);
      out[tok.param] = s.slice(i, e);
      i = e;
    } else if (ok[tok.inner[0]!.id * w + i] === 1) i = walk(ctx, tok.inner, rest, i, out);
  }
  return i;
}

/**
 * The raw value of each parameter (by position; undefined = not matched), or undefined when the
 * text does not match. `text` must hold no `"`, `'` or `{`.
 *
 * @example
 * const p = compilePlain(parseFormat('ping {{host}}').alts[0]!); matchPlain(p, 'ping web1 ') // ['web1 ']
 */
export function matchPlain(p: PlainProgram, s: string): (string | undefined)[] | undefined {
  const n = s.length;
  const slots = p.count + 1; // one more: the end of the text
  if (okScratch.length < slots * (n + 1)) okScratch = new Uint8Array(slots * (n + 1) * 2);
  if (nextScratch.length < slots * (n + 2)) nextScratch = new Int32Array(slots * (n + 2) * 2);
  if (nonWsScratch.length < n + 1) nonWsScratch = new Int32Array((n + 1) * 2);
  const firstNonWs = nonWsScratch;
  firstNonWs[n] = n;
  for (let i = n - 1; i >= 0; i--) firstNonWs[i] = isWs(s.charCodeAt(i)) ? firstNonWs[i + 1]! : i;
  const ok = okScratch;
  const next = nextScratch;
  for (let t = 0; t < slots; t++) next[t * (n + 2) + n + 1] = -1;
  const endId = p.count;
  ok.fill(0, endId * (n + 1), endId * (n + 1) + n + 1);
  ok[endId * (n + 1) + n] = 1;
  const ctx: Ctx = { s, n, firstNonWs, ok, next };
  const first = fill(ctx, p.tokens, endId);
  if (ok[first * (n + 1)] !== 1) return undefined;
  const out: (string | undefined)[] = new Array(p.params).fill(undefined);
  walk(ctx, p.tokens, endId, 0, out);
  return out;
}
