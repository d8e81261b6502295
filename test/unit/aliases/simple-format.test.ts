/**
 * compileFormat reads formats of words, blanks and placeholders in one pass (simple-format.ts)
 * instead of through the parse tree: both readings must give the same compiled format (parameters,
 * index words, words, lead word, regex-free program) or the same problem, and share parameter
 * lists alike. Corpus formats, hand-picked edges and random formats are compiled both ways.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFormat, type SharedParts } from '../../../src/aliases/compile-format.ts';
import { scanSimple } from '../../../src/aliases/simple-format.ts';
import { corpusFormats } from '../../corpus.ts';

const newShared = (): SharedParts => ({ words: new Map(), params: new Map(), simple: {} });

/** Everything a compiled format or a problem says (the regex is generated from the source either way). */
function reading(source: string, viaTree: boolean, shared?: SharedParts): unknown {
  const c = compileFormat(source, { viaTree, ...(shared ? { shared } : {}) });
  if (!c.ok) return { ok: false, message: c.message };
  const f = c.format;
  return {
    ok: true,
    source: f.source,
    params: f.params,
    pad: f.pad,
    indexWords: f.indexWords,
    words: f.words,
    sameWordList: f.words === f.indexWords,
    lead: f.lead,
    plain: f.plain === undefined ? undefined : { ...f.plain, ci: f.plain.ci.map((l) => [...l]) },
  };
}

/** Edges of the one-pass reading: blanks of every kind, optional placeholders beside blanks, odd characters, problems. */
const edges = [
  'restart {{service}} on {{host}}',
  '  restart   {{service}}  ',
  'restart\t{{a}}\n\v\f\ron\r\n{{b}}',
  'release v{{version}} now',
  '{{a}}restart{{b}}',
  'restart {{a=1}} now',
  'restart {{a=1}}',
  '{{a=1}} restart',
  'x {{a=1}} {{b=2}} y',
  'x {{a=1}} {{b=2}}',
  '{{a=1}} {{b=2}} y',
  'x {{a}} {{b=2}} y',
  'x {{a=2}}y',
  'x{{a=2}} y',
  'x -{{a=2}} y',
  'go {{ a }} {{b = "q r"}} {{c=\'s\'}} {{d={"k": {{1}}}}} {{e=}}',
  'a-b c_d e.f',
  'naïve café 😀 run',
  'run \uD83D\uDE80 {{x}}',
  'run \uD83D {{x}}',
  'run \uDE80x {{x}}',
  'Kelvin \u212A and long \u017Fs',
  'a}b c]d',
  'non\u00A0breaking space',
  '',
  ' ',
  '{{x}}',
  'run {{x}} {{x}}',
  'run {{_p0q}}',
  'run {{_p12b}} x',
  'run {{}}',
  'run {{ }}',
  'run {{1x}}',
  'run {{x',
  'run {{x=}',
  'run {x}',
  'run }}',
  'run (a) {{x}}',
  'run {{x}}?',
  'run a+',
  'run a. {{x}}',
  '^run {{x}}',
  'run {{x}}$',
  'run \\. {{x}}',
  `run ${'a'.repeat(2000)} {{x}}`,
  `${'w '.repeat(300)}{{x}}`,
  `${'w '.repeat(2100)}{{x}}`,
];

/** Random formats from pieces that exercise each rule, syntax and broken placeholders included. */
const piece = fc.constantFrom(
  'restart',
  'on',
  'v',
  'A1',
  'x',
  ' ',
  '  ',
  '\t',
  '\n',
  '\u00A0',
  '-',
  '.',
  ',',
  '/',
  '}',
  ']',
  '"',
  "'",
  'é',
  '😀',
  '\uD83D',
  '\u212A',
  '{{a}}',
  '{{ b }}',
  '{{c=1}}',
  '{{d = "e f"}}',
  '{{g={}}}',
  '{{h=}}',
  '{{a}}',
  '(',
  ')',
  '|',
  '?',
  '*',
  '+',
  '[a]',
  '\\.',
  '^',
  '$',
  '{2}',
  '{',
  '{{',
  '{{}}',
  '{{1a}}',
  '{{_p0q}}',
);

describe('formats read in one pass (simple-format.ts)', () => {
  it('compile as through the parse tree, for every corpus format', () => {
    const formats = corpusFormats();
    expect(formats.length).toBeGreaterThan(300);
    let quick = 0;
    for (const f of formats) {
      if (scanSimple(f)) quick++;
      expect(reading(f, false), f).toEqual(reading(f, true));
    }
    // most corpus formats take the one-pass reading (the point of it)
    expect(quick).toBeGreaterThan(formats.length / 2);
  });

  it('compile as through the parse tree, for formats at the edges of the rules', () => {
    for (const f of edges) expect(reading(f, false), JSON.stringify(f)).toEqual(reading(f, true));
  });

  it('compile as through the parse tree, for random formats', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const f = pieces.join('');
        expect(reading(f, false), JSON.stringify(f)).toEqual(reading(f, true));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads only formats without regex syntax, and gives placeholders as the tree does', () => {
    expect(scanSimple('restart {{service}} on {{host=prod}}')).toEqual({
      params: [
        { t: 'param', name: 'service' },
        { t: 'param', name: 'host', def: 'prod' },
      ],
      index: ['restart', 'on'],
      all: ['restart', 'on'],
      lead: 'restart',
    });
    expect(scanSimple(`run ${'a'.repeat(5000)}`)).toBeUndefined();
    for (const f of ['run (a)', 'run a?', 'run a|b', 'run [a]', 'run \\.', 'run .', '^run', 'run$', 'run a{2}', 'run {x}'])
      expect(scanSimple(f), f).toBeUndefined();
    // a broken placeholder is the tree's own error
    expect(() => scanSimple('run {{1x}}')).toThrow('invalid placeholder name "1x"');
  });

  it('shares parameter lists as the tree does: one list per placeholders (names and defaults), across both readings', () => {
    const shared = newShared();
    const list = (f: string) => {
      const c = compileFormat(f, { shared });
      if (!c.ok) throw new Error(c.message);
      return c.format.params;
    };
    const a = list('restart {{service}} on {{host}}');
    expect(list('stop {{ service }} at {{host}}')).toBe(a);
    // the tree's reading (a `.`: regex syntax) finds the same list
    expect(list('stop. {{service}} at {{host}}')).toBe(a);
    expect(list('stop {{host}} at {{service}}')).not.toBe(a);
    const d1 = list('ping {{host=a}}');
    expect(list('pong {{host="a"}}')).toBe(d1);
    expect(list('ping {{host=b}}')).not.toBe(d1);
    expect(list('ping {{host}}')).not.toBe(d1);
    // `name=default` keys: a default holding `=` is not another placeholder's name
    const eq = list('x {{a=b=c}}');
    expect(eq).toEqual([{ name: 'a', def: 'b=c', raw: false, groups: [1, 2, 3, 4] }]);
    expect(list('y {{a=b}} {{c}}')).not.toBe(eq);
    // and every list read both ways has the same values, frozen
    for (const f of ['restart {{service}} on {{host}}', 'x {{a=1}} {{b}} y']) {
      expect(reading(f, false, newShared())).toEqual(reading(f, true, newShared()));
      expect(Object.isFrozen(list(f))).toBe(true);
    }
  });
});
