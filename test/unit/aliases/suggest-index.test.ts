import fc from 'fast-check';
import { NOUNS as ALL_NOUNS, VERBS as ALL_VERBS, QUALIFIERS } from '../../../bench/alias-corpus.ts';
import { describe, expect, it } from 'vitest';
import { compileAliases } from '../../../src/aliases/index.ts';
import { displayWords, suggest, type SuggestEntry } from '../../../src/aliases/suggest.ts';
import { SuggestIndex } from '../../../src/aliases/suggest-index.ts';
import type { AliasSpec } from '../../../src/aliases/types.ts';

// the first words of the bench's corpus, so the sets stay small
const VERBS = ALL_VERBS.slice(0, 20);
const NOUNS = ALL_NOUNS.slice(0, 25);
const QUALS = QUALIFIERS.slice(0, 8);

type Entry = SuggestEntry & { alias: string };
const entry = (alias: string, display: string): Entry => ({ alias, display, words: displayWords(display) });

/** `n` aliases with two formats each, every (verb, qualifier, noun) once. */
function manyAliases(n: number): { entries: Entry[]; pick: (i: number) => { verb: string; qual: string; noun: string } } {
  const pick = (i: number) => ({
    verb: VERBS[i % VERBS.length]!,
    noun: NOUNS[Math.floor(i / VERBS.length) % NOUNS.length]!,
    qual: QUALS[Math.floor(i / (VERBS.length * NOUNS.length)) % QUALS.length]!,
  });
  const entries: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const { verb, qual, noun } = pick(i);
    entries.push(entry(`a${i}`, `${verb} ${qual} ${noun} {{name}} on {{host}}`));
    entries.push(entry(`a${i}`, `${verb} ${qual} ${noun} {{name}} in {{region}} with {{count=1}}`));
  }
  return { entries, pick };
}

/** Swaps two letters, drops one, or doubles one: the typos people make. */
function typo(word: string, seed: number): string {
  const at = 1 + (seed % Math.max(1, word.length - 2));
  switch (seed % 3) {
    case 0:
      return word.slice(0, at) + (word[at + 1] ?? '') + word[at] + word.slice(at + 2);
    case 1:
      return word.slice(0, at) + word.slice(at + 1);
    default:
      return word.slice(0, at) + word[at] + word.slice(at);
  }
}

describe('SuggestIndex', () => {
  it('points a misspelt verb at its format', () => {
    const index = new SuggestIndex([
      entry('restart', 'restart {{service}} on {{host}}'),
      entry('deploy', 'deploy {{app}} to {{env}}'),
      entry('status', 'status of {{service}}'),
    ]);
    expect(index.suggest('restrat web on prod')[0]).toBe('restart {{service}} on {{host}}');
    expect(index.suggest('zzzz qqqq')).toEqual([]);
    expect(index.suggest('')).toEqual([]);
  });

  it('gives exactly what the full scan gives on small alias sets (random words, typos and texts)', () => {
    const word = fc.constantFrom(...VERBS, ...NOUNS, ...QUALS, 'on', 'to', 'in', 'with');
    const display = fc.array(word, { minLength: 1, maxLength: 5 }).map((ws) => `${ws.join(' ')} {{x}}`);
    const textWord = fc.tuple(word, fc.nat(), fc.boolean()).map(([w, seed, misspell]) => (misspell ? typo(w, seed) : w));
    fc.assert(
      fc.property(fc.array(display, { minLength: 1, maxLength: 40 }), fc.array(textWord, { minLength: 1, maxLength: 6 }), (displays, words) => {
        const entries = displays.map((d, i) => entry(`a${i % 7}`, d));
        const text = words.join(' ');
        expect(new SuggestIndex(entries).suggest(text)).toEqual(suggest(text, entries));
        // and with only some aliases allowed
        const only = (id: string) => id !== 'a1' && id !== 'a4';
        expect(new SuggestIndex(entries).suggest(text, only)).toEqual(
          suggest(
            text,
            entries.filter((e) => only(e.alias)),
          ),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the quality of the full scan at 1,500 aliases, where it scores only a few entries per text', () => {
    const { entries, pick } = manyAliases(1_500);
    const index = new SuggestIndex(entries);
    let sameFirst = 0;
    let ownFirst = 0;
    const texts = 30;
    for (let k = 0; k < texts; k++) {
      const { verb, qual, noun } = pick((k * 7919) % 1_500);
      const text = `${typo(verb, k)} ${qual} ${noun} svc-${k} on h${k % 5}`;
      const got = index.suggest(text);
      if (got[0] === suggest(text, entries)[0]) sameFirst++;
      if (got[0] === `${verb} ${qual} ${noun} {{name}} on {{host}}`) ownFirst++;
      expect(got.length).toBeGreaterThan(0);
    }
    // the scan itself gets the own format first for most of these; the index agrees with it
    expect(sameFirst).toBeGreaterThanOrEqual(0.9 * texts);
    expect(ownFirst).toBeGreaterThanOrEqual(0.8 * texts);
  });

  it('finds an entry through its rarest pair of words even with a budget of one entry', () => {
    // 500 formats share `on` and `blue`; one holds `blue`, `kafka` and `restart`
    const entries = Array.from({ length: 500 }, (_, i) => entry(`d${i}`, `stop${i} blue thing${i} on {{h}}`));
    entries.push(entry('wanted', 'restart blue kafka on {{h}}'));
    const index = new SuggestIndex(entries, { budget: 1 });
    expect(index.suggest('restrat blue kafka on prod')).toEqual(['restart blue kafka on {{h}}']);
  });

  it('never suggests an alias the caller may not run', () => {
    const { entries } = manyAliases(2_000);
    const index = new SuggestIndex(entries);
    const only = (id: string) => id !== 'a0';
    const got = index.suggest('rsetart blue nginx svc on h1', only);
    expect(got).not.toContain('restart blue nginx {{name}} on {{host}}');
    expect(index.suggest('rsetart blue nginx svc on h1')[0]).toBe('restart blue nginx {{name}} on {{host}}');
  });

  it("answers the matcher's no-match through the index", () => {
    const specs: AliasSpec[] = manyAliases(1_000)
      .entries.filter((_, i) => i % 2 === 0)
      .map((e) => ({ id: e.alias, action: 'x.y', enabled: true, formats: [e.display], immutableParameters: {} }));
    const { matcher } = compileAliases(specs);
    expect(matcher.match('rsetart blue nginx svc on h1')).toEqual({
      kind: 'none',
      suggestions: expect.arrayContaining(['restart blue nginx {{name}} on {{host}}']),
    });
    const r = matcher.match('rsetart blue nginx svc on h1');
    expect(r.kind === 'none' && r.suggestions[0]).toBe('restart blue nginx {{name}} on {{host}}');
  });
});
