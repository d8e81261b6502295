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

/** entry numbers, shortest entry first, then declaration order */
type Postings = readonly number[];

interface Similar {
  ids: Int32Array;
  sims: Float64Array;
}

export class SuggestIndex {
  private readonly vocab = new Map<string, number>();
  private readonly bigramSize: number[] = [];
  private readonly byBigram = new Map<string, number[]>();
  // entry n: displays[n], aliases[n], and the vocabulary ids of its words (in its word order)
  // flat[start[n]] .. flat[start[n + 1] - 1]: flat arrays, the scoring loop is the hot path
  private readonly displays: string[] = [];
  private readonly aliases: string[] = [];
  private readonly flat: Int32Array;
  private readonly start: Int32Array;
  /** vocabulary id -> entries holding it, shortest first, then declaration order */
  private readonly single: Postings[] = [];
  /**
   * pair key (see {@link key}) -> entries holding both words, same order; a pair most entries hold
   * alone is that entry's number (no array each: with thousands of aliases most pairs are one entry's)
   */
  private readonly pairs = new Map<number, Postings | number>();
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
    // 1. vocabulary, its bigrams, and each entry as vocabulary ids
    const singles: number[][] = [];
    const pairLists = new Map<number, number[] | number>();
    const words: number[][] = [];
    for (const e of entries) {
      if (e.words.length === 0) continue;
      words.push(e.words.map((w) => this.wordId(w, singles)));
      this.displays.push(e.display);
      this.aliases.push(e.alias);
    }
    this.flat = Int32Array.from(words.flat());
    this.start = new Int32Array(words.length + 1);
    words.forEach((ids, n) => (this.start[n + 1] = this.start[n]! + ids.length));
    const v = this.vocab.size;
    // 2. posting lists, then ordered: shortest entry first, declaration order on ties
    words.forEach((ids, n) => {
      for (const id of ids) singles[id]!.push(n);
      const k = Math.min(ids.length, PAIR_WORDS);
      for (let i = 0; i < k; i++) {
        for (let j = i + 1; j < k; j++) {
          const pk = key(ids[i]!, ids[j]!, v);
          const list = pairLists.get(pk);
          if (list === undefined) pairLists.set(pk, n);
          else if (typeof list === 'number') pairLists.set(pk, [list, n]);
          else list.push(n);
        }
      }
    });
    const byLength = (a: number, b: number) => words[a]!.length - words[b]!.length || a - b;
    // plain arrays: most pair lists hold one or two entries, and a typed array each (with its own
    // buffer) would cost ten times their size with thousands of aliases
    for (const list of singles) this.single.push(list.sort(byLength));
    for (const [pk, list] of pairLists) this.pairs.set(pk, typeof list === 'number' ? list : list.sort(byLength));
    this.best = new Float64Array(v);
    this.mask = new Int32Array(v);
    this.common = new Int32Array(v);
    this.seen = new Int32Array(words.length);
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
    const pairLists: Postings[] = [];
    for (let i = 0; i < paired.length; i++) {
      for (let j = i + 1; j < paired.length; j++) {
        const list = this.pairs.get(key(paired[i]!, paired[j]!, this.vocab.size));
        if (list !== undefined) pairLists.push(typeof list === 'number' ? [list] : list);
      }
    }
    const rarest = (a: Postings, b: Postings) => a.length - b.length;
    const lists = [...pairLists.sort(rarest), ...strong.map((id) => this.single[id]!).sort(rarest)];
    // 3. score the entries met, each once, within the budgets; keep the best entry of each display,
    //    best first and declaration order on ties (what sorting every score would give)
    const stamp = ++this.stamp;
    const top: Ranked[] = [];
    let visits = 0;
    let scores = 0;
    walk: for (const list of lists) {
      for (let i = 0; i < list.length; i++) {
        const n = list[i]!;
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

  /** Vocabulary words sharing a bigram with `t`, with their Dice similarity (cached per text word). */
  private similar(t: string): Similar {
    const hit = this.simCache.get(t);
    if (hit) return hit;
    const grams = bigrams(t);
    const touched: number[] = [];
    for (const g of grams) {
      const post = this.byBigram.get(g);
      if (!post) continue;
      for (const id of post) if (this.common[id]!++ === 0) touched.push(id);
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

  private wordId(w: string, singles: number[][]): number {
    let id = this.vocab.get(w);
    if (id !== undefined) return id;
    id = this.vocab.size;
    this.vocab.set(w, id);
    singles.push([]);
    const grams = bigrams(w);
    this.bigramSize.push(grams.size);
    for (const g of grams) {
      const post = this.byBigram.get(g);
      if (post) post.push(id);
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

function key(a: number, b: number, v: number): number {
  return a < b ? a * v + b : b * v + a;
}

function popcount(x: number): number {
  let n = 0;
  for (let y = x >>> 0; y !== 0; y &= y - 1) n++;
  return n;
}
