/**
 * "Did you mean": ranks help formats by how well their literal words match the words of a text
 * that matched nothing. Word similarity is the Dice coefficient of character bigrams, so a typo
 * (`restrat`) still points at `restart`.
 *
 * {@link suggest} is the reference: it scores every entry, so its cost grows with the alias count.
 * The matcher answers through `SuggestIndex` (suggest-index.ts), which computes the same score for
 * the entries its word index reaches; tests compare the two.
 */
import { oneCopy, textWords, type WordCopies } from './literal-words.ts';

export interface SuggestEntry {
  /** the help string shown to the user */
  display: string;
  /** its words, lower case */
  words: string[];
}

const MIN_SCORE = 0.4;

/**
 * The words of a display or representation string, placeholders and `<param>` notation left out;
 * `copies` (word -> its kept copy) shares each word's string with the table's other formats.
 */
export function displayWords(display: string, copies?: WordCopies): string[] {
  const stripped = display.replace(/\{\{[\s\S]*?\}\}/g, ' ').replace(/<[^<>]*>/g, ' ');
  const out = [...textWords(stripped)];
  if (copies) for (let i = 0; i < out.length; i++) out[i] = oneCopy(out[i]!, copies);
  return out;
}

/**
 * The closest displays, best first, at most `limit`, each at least somewhat similar.
 *
 * @example
 * suggest('restrat web', [{ display: 'restart {{service}}', words: ['restart'] }]) // ['restart {{service}}']
 */
export function suggest(text: string, entries: readonly SuggestEntry[], limit = 3): string[] {
  const tw = [...textWords(text)].slice(0, 32);
  if (tw.length === 0) return [];
  const memo = new Map<string, number>();
  const best = (w: string) => {
    let b = memo.get(w);
    if (b === undefined) {
      b = 0;
      for (const t of tw) b = Math.max(b, similarity(w, t));
      memo.set(w, b);
    }
    return b;
  };
  // 1. score every entry: how well its words are found, and how much of the text they explain
  const scored: { display: string; score: number; order: number }[] = [];
  entries.forEach((e, order) => {
    if (e.words.length === 0) return;
    let sum = 0;
    for (const w of e.words) sum += best(w);
    const found = sum / e.words.length;
    const covered = tw.filter((t) => e.words.some((w) => similarity(w, t) >= 0.5)).length / tw.length;
    const score = 0.75 * found + 0.25 * covered;
    if (score >= MIN_SCORE) scored.push({ display: e.display, score, order });
  });
  // 2. best first, declaration order on ties, each display once
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  const out: string[] = [];
  for (const s of scored) {
    if (!out.includes(s.display)) out.push(s.display);
    if (out.length === limit) break;
  }
  return out;
}

const bigramCache = new Map<string, Set<string>>();

function bigrams(w: string): Set<string> {
  let b = bigramCache.get(w);
  if (!b) {
    b = new Set();
    const p = ` ${w} `;
    for (let i = 0; i < p.length - 1; i++) b.add(p.slice(i, i + 2));
    if (bigramCache.size > 50_000) bigramCache.clear();
    bigramCache.set(w, b);
  }
  return b;
}

/** Dice coefficient of padded character bigrams, 1 for equal words. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const A = bigrams(a);
  const B = bigrams(b);
  let common = 0;
  for (const x of A) if (B.has(x)) common++;
  return (2 * common) / (A.size + B.size);
}
