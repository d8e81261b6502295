/**
 * "Did you mean" through an index, so a text that matches nothing costs about what a match costs,
 * whatever the number of aliases. The score of an entry is exactly {@link suggest}'s; what changes
 * is which entries get scored:
 *
 * 1. Text words find their similar vocabulary words through a character-bigram index (the work
 *    depends on the vocabulary and the text, never on the number of aliases).
 * 2. Entries are reached through posting lists: first those holding two strongly matched words
 *    (rarest pair first), then those holding one (rarest first), each list ordered shortest entry
 *    first, then declaration order. At most {@link SCORE_BUDGET} entries are scored. An entry with
 *    no strongly matched word (similarity >= 0.5) cannot reach the minimum score, so none is lost.
 *
 * When every list together holds fewer entries than the budget (any config with a few hundred
 * formats), every entry sharing a bigram with the text is scored and the answer equals the scan's.
 * Above that, the best entries are the ones holding the most, rarest, best-matched words, which
 * the pair lists reach first.
 */
import { textWords } from './literal-words.ts';
import type { SuggestEntry } from './suggest.ts';

/** entries scored per text, at most */
export const SCORE_BUDGET = 48;
const MIN_SCORE = 0.4;
const STRONG = 0.5;
/** words of an entry taken into pairs, and strong text matches paired per text */
const PAIR_WORDS = 12;
const PAIR_MATCHES = 16;
const MAX_TEXT_WORDS = 32;
const SIM_CACHE = 20_000;

/**
 * A posting list: entries `post[from]` .. `post[to - 1]` (entry numbers, shortest entry first, then
 * declaration order). Every list lives in one flat array: thousands of small arrays (most words
 * and pairs are one alias's own) would cost several times their contents.
 */
interface Span {
  from: number;
  to: number;
}

interface Similar {
  ids: Int32Array;
  sims: Float64Array;
}

export class SuggestIndex {
  private readonly vocab = new Map<string, number>();
  private readonly bigramSize: number[] = [];
  /** bigram -> vocabulary ids (plain arrays while building, then compact) */
  private readonly byBigram = new Map<string, number[] | Int32Array>();
  // entry n: displays[n], aliases[n], and the vocabulary ids of its words (in its word order)
  // flat[start[n]] .. flat[start[n + 1] - 1]: flat arrays, the scoring loop is the hot path
  private readonly displays: string[] = [];
  private readonly aliases: string[] = [];
  private readonly flat: Int32Array;
  private readonly start: Int32Array;
  /** every posting list, one after the other: the words' (by vocabulary id), then the pairs' (by key) */
  private readonly post: Int32Array;
  /** vocabulary id v -> its entries: post[singleStart[v]] .. post[singleStart[v + 1] - 1] */
  private readonly singleStart: Int32Array;
  /**
   * pair keys (see {@link key}), ascending: pair i's entries (holding both words) are
   * post[pairStart[i]] .. post[pairStart[i + 1] - 1]
   */
  private readonly pairKeys: Float64Array;
  private readonly pairStart: Int32Array;
  private readonly simCache = new Map<string, Similar>();
  // scratch, reset after each use (touched lists): no allocation proportional to the table per text
  private readonly best: Float64Array;
  private readonly mask: Int32Array;
  private readonly common: Int32Array;
  private readonly seen: Int32Array;
  private stamp = 0;

  /** entries scored per text (default {@link SCORE_BUDGET}); four times as many looked at, allowed or not */
  private readonly budget: number;

  constructor(entries: readonly (SuggestEntry & { alias: string })[], opts: { budget?: number } = {}) {
    this.budget = opts.budget ?? SCORE_BUDGET;
    // 1. vocabulary, its bigrams, and each entry as vocabulary ids (one flat list: no array per entry)
    const ids: number[] = [];
    const starts: number[] = [0];
    for (const e of entries) {
      if (e.words.length === 0) continue;
      for (const w of e.words) ids.push(this.wordId(w));
      starts.push(ids.length);
      this.displays.push(e.display);
      this.aliases.push(e.alias);
    }
    this.flat = Int32Array.from(ids);
    this.start = Int32Array.from(starts);
    const count = starts.length - 1;
    const v = this.vocab.size;
    const flat = this.flat;
    const start = this.start;
    // 2. the entries shortest first, declaration order on ties: filled in this order, every posting
    //    list is in its order (no list of its own to sort)
    const size = (n: number) => start[n + 1]! - start[n]!;
    const order = new Int32Array(count);
    for (let n = 0; n < count; n++) order[n] = n;
    order.sort((a, b) => size(a) - size(b) || a - b);
    // 3. how long each list is: the words' (by vocabulary id), and the pairs' (every pair's key,
    //    sorted: each distinct key once, with its count; no map of tens of thousands of keys)
    this.singleStart = new Int32Array(v + 1);
    for (let k = 0; k < flat.length; k++) this.singleStart[flat[k]! + 1]!++;
    for (let id = 0; id < v; id++) this.singleStart[id + 1]! += this.singleStart[id]!;
    let pairs = 0;
    for (let n = 0; n < count; n++) pairs += pairsOf(size(n));
    const all = new Float64Array(pairs);
    let at = 0;
    for (let n = 0; n < count; n++) forPairs(flat, start[n]!, start[n + 1]!, v, (pk) => (all[at++] = pk));
    all.sort();
    let distinct = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) distinct++;
    this.pairKeys = new Float64Array(distinct);
    this.pairStart = new Int32Array(distinct + 1);
    this.pairStart[0] = this.singleStart[v]!;
    for (let i = 0, p = -1; i < all.length; i++) {
      if (i === 0 || all[i] !== all[i - 1]) this.pairKeys[++p] = all[i]!;
      this.pairStart[p + 1] = this.singleStart[v]! + i + 1;
    }
    // 4. every list into one flat array: the words' in vocabulary order, then the pairs' by key
    this.post = new Int32Array(this.singleStart[v]! + pairs);
    const nextSingle = this.singleStart.slice(0, v);
    const nextPair = this.pairStart.slice(0, distinct);
    for (let o = 0; o < count; o++) {
      const n = order[o]!;
      for (let k = start[n]!; k < start[n + 1]!; k++) this.post[nextSingle[flat[k]!]!++] = n;
      forPairs(flat, start[n]!, start[n + 1]!, v, (pk) => (this.post[nextPair[this.pairAt(pk)]!++] = n));
    }
    for (const [g, list] of this.byBigram) this.byBigram.set(g, Int32Array.from(list));
    this.best = new Float64Array(v);
    this.mask = new Int32Array(v);
    this.common = new Int32Array(v);
    this.seen = new Int32Array(count);
  }

  /**
   * The closest displays, best first, at most `limit`, each scoring at least 0.4, among the
   * entries `only` allows.
   *
   * @example
   * new SuggestIndex([{ alias: 'r', display: 'restart {{service}}', words: ['restart'] }]).suggest('restrat web')
   * // ['restart {{service}}']
   */
  suggest(text: string, only?: (aliasId: string) => boolean, limit = 3): string[] {
    const tw = [...textWords(text)].slice(0, MAX_TEXT_WORDS);
    if (tw.length === 0 || this.displays.length === 0) return [];
    // 1. best similarity of each vocabulary word to the text, and which text words it covers
    const touched: number[] = [];
    tw.forEach((t, j) => {
      const { ids, sims } = this.similar(t);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const s = sims[i]!;
        if (this.best[id] === 0) touched.push(id);
        if (s > this.best[id]!) this.best[id] = s;
        if (s >= STRONG) this.mask[id]! |= 1 << j;
      }
    });
    try {
      return touched.length === 0 ? [] : this.rank(touched, tw.length, only, limit);
    } finally {
      for (const id of touched) {
        this.best[id] = 0;
        this.mask[id] = 0;
      }
    }
  }

  private rank(touched: number[], words: number, only: ((aliasId: string) => boolean) | undefined, limit: number): string[] {
    // 2. the posting lists to walk: pairs of strong words, then strong words. An entry with no strong
    //    word covers no text word and finds its words below 0.5: it scores below MIN_SCORE.
    const strong = touched.filter((id) => this.mask[id] !== 0);
    const paired = [...strong].sort((a, b) => this.best[b]! - this.best[a]! || a - b).slice(0, PAIR_MATCHES);
    const pairLists: Span[] = [];
    for (let i = 0; i < paired.length; i++) {
      for (let j = i + 1; j < paired.length; j++) {
        const at = this.pairAt(key(paired[i]!, paired[j]!, this.vocab.size));
        if (at >= 0) pairLists.push({ from: this.pairStart[at]!, to: this.pairStart[at + 1]! });
      }
    }
    const rarest = (a: Span, b: Span) => a.to - a.from - (b.to - b.from);
    const singleLists = strong.map((id) => ({ from: this.singleStart[id]!, to: this.singleStart[id + 1]! }));
    const lists = [...pairLists.sort(rarest), ...singleLists.sort(rarest)];
    const post = this.post;
    // 3. score the entries met, each once, within the budgets; keep the best entry of each display,
    //    best first and declaration order on ties (what sorting every score would give)
    const stamp = ++this.stamp;
    const top: Ranked[] = [];
    let visits = 0;
    let scores = 0;
    walk: for (const list of lists) {
      for (let i = list.from; i < list.to; i++) {
        const n = post[i]!;
        if (this.seen[n] === stamp) continue;
        this.seen[n] = stamp;
        if (++visits > 4 * this.budget) break walk;
        if (only && !only(this.aliases[n]!)) continue;
        if (++scores > this.budget) break walk;
        // {@link suggest}'s score: how well the entry's words are found, and how much of the text they explain
        let sum = 0;
        let covered = 0;
        const from = this.start[n]!;
        const to = this.start[n + 1]!;
        for (let k = from; k < to; k++) {
          const id = this.flat[k]!;
          sum += this.best[id]!;
          covered |= this.mask[id]!;
        }
        const score = 0.75 * (sum / (to - from)) + 0.25 * (popcount(covered) / words);
        if (score >= MIN_SCORE) keep(top, this.displays[n]!, score, n, limit);
      }
    }
    return top.map((r) => r.display);
  }

  /** The index of pair key `pk` in {@link pairKeys}, or -1 (binary search). */
  private pairAt(pk: number): number {
    const keys = this.pairKeys;
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      if (k === pk) return mid;
      if (k < pk) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Vocabulary words sharing a bigram with `t`, with their Dice similarity (cached per text word). */
  private similar(t: string): Similar {
    const hit = this.simCache.get(t);
    if (hit) return hit;
    const grams = bigrams(t);
    const touched: number[] = [];
    for (const g of grams) {
      const ids = this.byBigram.get(g);
      if (!ids) continue;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (this.common[id]!++ === 0) touched.push(id);
      }
    }
    const out: Similar = { ids: Int32Array.from(touched), sims: new Float64Array(touched.length) };
    touched.forEach((id, i) => {
      out.sims[i] = (2 * this.common[id]!) / (grams.size + this.bigramSize[id]!);
      this.common[id] = 0;
    });
    if (this.simCache.size >= SIM_CACHE) this.simCache.clear();
    this.simCache.set(t, out);
    return out;
  }

  private wordId(w: string): number {
    let id = this.vocab.get(w);
    if (id !== undefined) return id;
    id = this.vocab.size;
    this.vocab.set(w, id);
    const grams = bigrams(w);
    this.bigramSize.push(grams.size);
    for (const g of grams) {
      const ids = this.byBigram.get(g);
      if (ids) (ids as number[]).push(id);
      else this.byBigram.set(g, [id]);
    }
    return id;
  }
}

/** The padded character bigrams of a word (` restart ` -> ` r`, `re`, ..., `t `). */
export function bigrams(w: string): Set<string> {
  const out = new Set<string>();
  const p = ` ${w} `;
  for (let i = 0; i < p.length - 1; i++) out.add(p.slice(i, i + 2));
  return out;
}

interface Ranked {
  display: string;
  score: number;
  order: number;
}

const before = (a: Ranked, score: number, order: number) => a.score > score || (a.score === score && a.order < order);

/** Inserts into `top` (best first, one per display, at most `limit`). */
function keep(top: Ranked[], display: string, score: number, order: number, limit: number): void {
  const same = top.findIndex((r) => r.display === display);
  if (same >= 0) {
    if (before(top[same]!, score, order)) return;
    top.splice(same, 1);
  }
  let at = top.length;
  while (at > 0 && !before(top[at - 1]!, score, order)) at--;
  if (at >= limit) return;
  top.splice(at, 0, { display, score, order });
  if (top.length > limit) top.pop();
}

/** How many pairs an entry of `words` words has (of its first {@link PAIR_WORDS}). */
function pairsOf(words: number): number {
  const k = Math.min(words, PAIR_WORDS);
  return (k * (k - 1)) / 2;
}

/** Each pair of the first {@link PAIR_WORDS} words of the entry `flat[from]` .. `flat[to - 1]`, as its key. */
function forPairs(flat: Int32Array, from: number, to: number, v: number, each: (pk: number) => void): void {
  const end = Math.min(to, from + PAIR_WORDS);
  for (let i = from; i < end; i++) for (let j = i + 1; j < end; j++) each(key(flat[i]!, flat[j]!, v));
}

function key(a: number, b: number, v: number): number {
  return a < b ? a * v + b : b * v + a;
}

function popcount(x: number): number {
  let n = 0;
  for (let y = x >>> 0; y !== 0; y &= y - 1) n++;
  return n;
}
