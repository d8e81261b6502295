/**
 * Trailing `key=value` extras (StackStorm's "arbitrary pairs"), taken safely: the key must be an
 * identifier, a pair is never taken from inside quotes or braces, `{...}` values stay whole when
 * balanced, and the text before the pairs is returned unchanged.
 */

export interface SplitText {
  /** the text before the trailing pairs (unchanged, right-trimmed when pairs were taken) */
  head: string;
  /** the pairs, later ones overriding earlier ones */
  extras: Record<string, string>;
  /** how many pairs were taken */
  count: number;
}

const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;
const PAIR = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]+)$/;
const BLANK = /\s/;

/**
 * Splits trailing `key=value` pairs off a command.
 *
 * @example
 * splitExtras('deploy web to prod note="hot fix"') // { head: 'deploy web to prod', extras: { note: 'hot fix' }, count: 1 }
 * splitExtras('open https://x.io/?q=1').count      // 0: the key is not an identifier
 */
export function splitExtras(text: string): SplitText {
  if (!text.includes('=')) return { head: text, extras: NONE, count: 0 };
  const chunks = topLevelChunks(text);
  const pairs: [string, string][] = [];
  let cut = text.length;
  // 1. walk back over the chunks while each one is a whole pair
  for (let c = chunks.length - 1; c >= 0; c--) {
    const [start, end] = chunks[c]!;
    const pair = readPair(text.slice(start, end));
    if (!pair) break;
    pairs.unshift(pair);
    cut = start;
  }
  if (pairs.length === 0) return { head: text, extras: NONE, count: 0 };
  const extras: Record<string, string> = {};
  for (const [k, v] of pairs) extras[k] = v;
  return { head: text.slice(0, cut).trimEnd(), extras, count: pairs.length };
}

function readPair(chunk: string): [string, string] | undefined {
  const m = PAIR.exec(chunk);
  if (!m) return undefined;
  const key = m[1]!;
  const v = m[2]!;
  const q = v[0];
  // 2. a value is "quoted", 'quoted', {braced} or one bare word without quotes of its own
  if (q === '"' || q === "'") {
    return v.length >= 2 && v.endsWith(q) && v.indexOf(q, 1) === v.length - 1 ? [key, v.slice(1, -1)] : undefined;
  }
  if (q === '{') return v.endsWith('}') ? [key, v] : undefined;
  return /["']/.test(v) ? undefined : [key, v];
}

/** [start, end) of each blank-separated chunk, where blanks inside quotes and balanced braces do not split. */
function topLevelChunks(text: string): [number, number][] {
  const close = matchingBraces(text);
  const noMore = new Set<string>();
  const out: [number, number][] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && BLANK.test(text[i]!)) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !BLANK.test(text[i]!)) {
      const c = text[i]!;
      const opens = i === start || text[i - 1] === '=';
      // 1. a quote or brace opening a chunk or a value runs to its partner (linear: each scan jumps past it)
      if (opens && (c === '"' || c === "'") && !noMore.has(c)) {
        const j = text.indexOf(c, i + 1);
        if (j < 0) noMore.add(c);
        else {
          i = j + 1;
          continue;
        }
      } else if (opens && c === '{' && close[i] !== undefined) {
        i = close[i]! + 1;
        continue;
      }
      i++;
    }
    out.push([start, i]);
  }
  return out;
}

/** For each `{`, the index of its balanced `}` (one stack pass). */
function matchingBraces(text: string): (number | undefined)[] {
  const close: (number | undefined)[] = [];
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') stack.push(i);
    else if (text[i] === '}' && stack.length) close[stack.pop()!] = i;
  }
  return close;
}
