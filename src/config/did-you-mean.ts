/** "Did you mean" suggestions for misspelt keys and names. */

/** Levenshtein distance, two rows. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * The closest candidate within a third of the word's length (2 edits at least, 1 for short words), else a candidate the
 * word extends (`from_number` -> `from`), or undefined.
 *
 * @example
 * suggest('formations', ['formats', 'format']) // 'formats'
 */
export function suggest(word: string, candidateList: Iterable<string>): string | undefined {
  const candidates = [...candidateList];
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = word.length <= 3 ? 1 : Math.max(2, Math.floor(word.length / 3));
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance && d <= limit) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  // a known key with a suffix added: `from_number` for `from`
  const lower = word.toLowerCase();
  return candidates.find((c) => c.length >= 3 && lower.startsWith(c.toLowerCase()) && '-_'.includes(word.charAt(c.length) || '?'));
}

/** `' (did you mean "x"?)'` or `''`. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = suggest(word, candidates);
  return s === undefined ? '' : ` (did you mean "${s}"?)`;
}
