/**
 * The lite reader (src/config/yaml-lite.ts) must read every file it answers for exactly as `yaml`
 * (the parser whose errors and positions users see) does, leave every other file to the slower
 * path, and answer for nearly every plain config file (else the fast path is never taken).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAlias, isMap, isNode, parseDocument, type ToStringOptions, stringify, visit } from 'yaml';
import { liteYaml } from '../../../src/config/yaml-lite.ts';

import { byYaml, fixtures, scalars, texts, yamlFiles } from './yaml-cases.ts';

/** Fails unless liteYaml leaves `text` to the slower path or reads it exactly as `yaml` does; whether it answered. */
function agrees(text: string, label = JSON.stringify(text)): boolean {
  const lite = liteYaml(text);
  if (lite === undefined) return false;
  const y = byYaml(text);
  expect(y.clean, label).toBe(true);
  expect(lite, label).toStrictEqual(y.data);
  // keys in the same order, too (toStrictEqual does not look at it)
  expect(JSON.stringify(lite), label).toBe(JSON.stringify(y.data));
  return true;
}

/** More texts: folding, chomping, escapes, flow collections, keys, layout, line breaks. */
const moreTexts = [
  'k: a\n\n  b\n',
  'k: a\n  \n  b\n',
  'k: a\n\n\n  b\nj: 1\n',
  'k:\n  a\n\n  b\nj: 1\n',
  '- a\n\n  b\n',
  'k:\n- a\n b\n',
  'k: a\n  - b\n',
  'k: a\n  "b" &c *d !e\n',
  'k: a\n  b # c\nj: 1\n',
  'k: a:b\nj: a :b\nl: http://x.y/z?a=1#frag\n',
  'a:b: c\n',
  'k: "a\n\n  b"\n',
  "k: 'a\n  \n  b'\n",
  'k: "a\\\n  b"\n',
  'k: "a\\\n\n  b"\n',
  'k: "a \\\n  b"\n',
  'k: "a\\ \n  b"\n',
  'k: "a   \n   b   "\n',
  "k: 'a  \n  b  '\n",
  'k: "\\t\\\\\\n\\/\\0\\a\\b\\e\\f\\v\\N\\_\\L\\P\\ "\n',
  'k: "\\x4"\n',
  'k: "\\u00e9\\U0001F600\\ud83d\\ude00"\n',
  'k: "\\U00110000"\n',
  'k: "\\x24{HOME}"\n',
  'k: |\n\n  a\n',
  'k: |\n  a\n# c\n  b\n',
  'k: |\n  # not a comment\n',
  'k: | # c\n  a\n',
  'k: |#c\n  a\n',
  'k: |-+\n  a\n',
  'k: >\n  a\n  b\n\n  c\n',
  'k: >\n  a\n    b\n  c\n',
  'k: >\n  a\n\n   b\n\n  c\n',
  'k: >\n   x\n\n   y\n  z\n',
  'k: >\n  x\n\n\n   y\n',
  'k: >\n\n  a\n',
  'k: >\n  a\n\n\n',
  'k: |-\n  a\n\n',
  'k: |+\n  a\n\n\n',
  'k: |+\n  a\n  ',
  'k: |+\n  a\n\n  ',
  'k: |+\n  a\n\n# c\n\nj: 1\n',
  'k: >+\n  a\n\n',
  'k: |+\n  \n',
  'k: |+\n  ',
  'k: |+\n',
  'k: |+',
  'k: |+\n\n\nj: 1\n',
  'k: |+\nj: 1\n',
  'a:\n  k: |+\n      \n  j: 1\n',
  'c: a\nb:\n   - >+\n  ',
  'b:\n   - >+\n    ',
  'a:\n  k: |+\n  ',
  'a:\n  k: |+\n   ',
  'k: |\n  a\n     \n  b\n',
  'k: |\n     \n  a\n',
  'k: |\n  a\n     ',
  'k: >\n  a\n  \n  b\n',
  '- |\n  a\n- >-\n  b\n  c\n- k: |\n    d\n  j: e\n',
  'k:\n  |\n  x\n',
  'k: [a b, c  d, " e ", \'f\']\n',
  'k: [ a , b ]\n',
  'k: [-1, -a, .5, 0x1f, ~, null, true]\n',
  'k: [http://x, a:b]\n',
  'k: [a:b, c: d]\n',
  'k: [a, [b, [c]], {d: [e]}]\n',
  'k: {a: http://x, b: c:d}\n',
  'k: {1: a, true: b, "c": d, \'e\': f}\n',
  'k: {a: }\n',
  'k: {a: 1, a: 2}\n',
  'k: {"a":1}\n',
  'k: {"a" : 1}\n',
  'k: {a : 1}\n',
  'k: ["a":b]\n',
  'k: [a #c]\n',
  'k: [a] # c\n',
  'k: [a]#c\n',
  'k: [a] b\n',
  'k: "a" # c\n',
  'k: "a"# c\n',
  '"a" : b\n',
  "'a''b': c\n",
  '"a\\nb": c\n',
  '"": c\n',
  '"<<": c\n',
  '"__proto__": c\n',
  'k: {__proto__: c}\n',
  '1.0: a\n0o10: b\n+1: c\n1e3: d\n.5: e\nTrue: f\nFALSE: g\n',
  '1: a\n1.0: b\n',
  'k2 : v\nk3  :  w\n',
  'k: v   # c\n',
  '-x: a\n?y: b\n:z: c\n',
  'k: ?x\nj: :x\nl: -x\n',
  'k: ?\n',
  'k: :\n',
  'k: -\n',
  '- k: v\n  j:\n  - a\n',
  'k:\n  - a\n  -\n  - b\n',
  'k:\n  -\n    a: 1\n',
  'k:\n-\n  a: 1\n',
  '- # c\n  a\n',
  'k: # c\n  - a\n',
  '- - - a\n    - b\n  - c\n',
  '- k: "a\n  b"\n',
  '- k: "a\n   b"\n',
  'k:\n  "a\n b"\n',
  "k: 'a\n'\n",
  'k: "a\n"\n',
  '---\n# c\nk: v\n',
  '# c\n---\nk: v\n',
  '--- # c\nk: v\n',
  '---k: v\n',
  '--- k: v\n',
  '---\n---\nk: v\n',
  'k: v\n--- \n',
  'k: v\n...\n',
  'k: |\n  a\n---\n',
  'k: v\r\nj:\r\n  - "a\r\n    b"\r\n  - |\r\n    c\r\n\r\n    d\r\n',
  'k: v\rj: w\n',
  '\ufeffk: v\n',
  'k: v\n\ufeffj: w\n',
  'k: "\u2028"\nj: a\u0085b\nl: \u00a0\n',
  'k: v\n  # indented comment\n    # deeper\nj: w\n',
  'k:\n\n  v\n',
  `${'k'.repeat(1001)}: v\n`,
  `${'k'.repeat(999)}: v\n`,
  `"${'k'.repeat(1100)}": v\n`,
  `'${'k'.repeat(999)}': v\n`,
  `k: {${'k'.repeat(1100)}: v, "${'j'.repeat(1100)}": w}\n`,
  `- ${'k'.repeat(1100)}: v\n`,
  'a:\n    b: 1\n  c: 2\n',
  'a:\n  - b\n   - c\n',
  'a:\n  - b\n - c\n',
  Array.from({ length: 30 }, (_, i) => `k${i % 20}: ${i}\n`).join(''),
  Array.from({ length: 25 }, (_, i) => `${['constructor', 'toString', 'valueOf', 'x'][i % 4]}${i}: ${i}\n`).join('') + 'constructor: c\n',
];

/** Texts liteYaml must answer for, what it must answer, and why each is there. */
const answers: [string, string, unknown][] = [
  ['a folded plain scalar', 'k: a\n  b\n\n  c\n', { k: 'a b\nc' }],
  ['a plain scalar stringify folded at 80 columns', stringify({ k: 'word '.repeat(30).trim() }), { k: 'word '.repeat(30).trim() }],
  ['quoted scalars over lines', "k: \"a\n  b\\\n  c\"\nj: 'd''s\n\n  e'\n", { k: 'a bc', j: "d's\ne" }],
  ['escapes', 'k: "\\\\ \\" \\n \\t \\r \\/ \\0 \\u263A \\x41 \\U0001F600"\n', { k: '\\ " \n \t \r / \0 ☺ A 😀' }],
  ['literal block scalars', 'a: |\n  x\n   y\n\n  z\n\n\nb: |-\n  x\nc: |+\n  x\n\nd: |\n\ne: 1\n', { a: 'x\n y\n\nz\n', b: 'x', c: 'x\n\n', d: '', e: 1 }],
  [
    'folded block scalars, more-indented lines kept',
    'a: >\n  x\n  y\n\n  z\n   more\n  back\nb: >-\n  x\n  y\nc: >+\n  x\n\n',
    { a: 'x y\nz\n more\nback\n', b: 'x y', c: 'x\n\n' },
  ],
  [
    'flow collections',
    'a: [x, "y z", 1, [true, null]]\nb: {c: 1, "d": [e], f: {}}\nc: []\n',
    { a: ['x', 'y z', 1, [true, null]], b: { c: 1, d: ['e'], f: {} }, c: [] },
  ],
  [
    'nested and compact collections',
    'a:\n  b:\n  - c: 1\n    d: [e]\n  - - f\n    - g\n  -\n    h: i\n  -\nj: k\n',
    { a: { b: [{ c: 1, d: ['e'] }, ['f', 'g'], { h: 'i' }, null] }, j: 'k' },
  ],
  [
    'keys as yaml names them',
    '"quoted": 1\n\'single\': 2\n1: 3\n0x10: 4\ntrue: 5\n1.50: 6\nk2 : 7\na b: 8\na[b]: 9\n',
    { quoted: 1, single: 2, '1': 3, '16': 4, true: 5, '1.5': 6, k2: 7, 'a b': 8, 'a[b]': 9 },
  ],
  [
    'core schema scalars',
    'n: 0o17\nh: 0x1F\nu: 1_000\nf: 1.5e3\nb: True\nz: ~\ne:\nd: 012\ns: 2020-01-01\ny: yes\nx: 0x\n',
    { n: 15, h: 31, u: '1_000', f: 1500, b: true, z: null, e: null, d: 12, s: '2020-01-01', y: 'yes', x: '0x' },
  ],
  ['comments, a `---` and a last line with no line break', '# head\n---  # start\nk: v # trailing\n  # indented\nj: "x # y"', { k: 'v', j: 'x # y' }],
  ['CRLF line breaks and a BOM', '\ufeffk: v\r\nj:\r\n  - "a\r\n    b"\r\n', { k: 'v', j: ['a b'] }],
  ['an indented top-level mapping', '  k: v\n  j: w\n', { k: 'v', j: 'w' }],
  ['keys Object.prototype has', 'constructor: a\ntoString: b\nhasOwnProperty: c\n', { constructor: 'a', toString: 'b', hasOwnProperty: 'c' }],
  ["a sequence at its key's indentation", 'k:\n- a\n- b\nj: c\n', { k: ['a', 'b'], j: 'c' }],
  [
    'a mapping of 40 keys (laid out again: see compact), numeric keys first as in any object',
    Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? `${i}: n${i}\n` : i % 5 === 0 ? `"k ${i}": [${i}]\n` : `k${i}: {a: ${i}}\n`)).join(''),
    Object.fromEntries(Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? [String(i), `n${i}`] : i % 5 === 0 ? [`k ${i}`, [i]] : [`k${i}`, { a: i }]))),
  ],
  [
    'mappings of 20 keys (laid out again: see compact): two alike, one in another order, keys holding line breaks',
    [
      Array.from({ length: 20 }, (_, i) => `k${i}`),
      Array.from({ length: 20 }, (_, i) => `k${i}`),
      Array.from({ length: 20 }, (_, i) => `k${19 - i}`),
      ['a\nb', 'c', ...Array.from({ length: 18 }, (_, i) => `k${i}`)],
      ['a', 'b\nc', ...Array.from({ length: 18 }, (_, i) => `k${i}`)],
    ]
      .map((keys, m) => `m${m}:\n${keys.map((k, i) => `  ${JSON.stringify(k)}: ${m * 100 + i}\n`).join('')}`)
      .join(''),
    Object.fromEntries(
      [
        Array.from({ length: 20 }, (_, i) => `k${i}`),
        Array.from({ length: 20 }, (_, i) => `k${i}`),
        Array.from({ length: 20 }, (_, i) => `k${19 - i}`),
        ['a\nb', 'c', ...Array.from({ length: 18 }, (_, i) => `k${i}`)],
        ['a', 'b\nc', ...Array.from({ length: 18 }, (_, i) => `k${i}`)],
      ].map((keys, m) => [`m${m}`, Object.fromEntries(keys.map((k, i) => [k, m * 100 + i]))]),
    ),
  ],
  [
    'long values met again, quoted, plain, over lines and in block scalars, and number-like texts met quoted then plain (see shared)',
    `a: "${'long value '.repeat(8)}end"\nb: ${'long value '.repeat(8)}end\nc: |-\n  ${'long value '.repeat(8)}end\nd: ${'long value '.repeat(4)}\n  ${'long value '.repeat(4)}end\n` +
      `e: "${'1'.repeat(70)}"\nf: ${'1'.repeat(70)}\ng: ['12345678901234', 12345678901234]\nh: "${'x'.repeat(1100)}"\ni: ${'x'.repeat(1100)}\n`,
    {
      a: `${'long value '.repeat(8)}end`,
      b: `${'long value '.repeat(8)}end`,
      c: `${'long value '.repeat(8)}end`,
      d: `${'long value '.repeat(8)}end`,
      e: '1'.repeat(70),
      f: Number('1'.repeat(70)),
      g: ['12345678901234', 12345678901234],
      h: 'x'.repeat(1100),
      i: 'x'.repeat(1100),
    },
  ],
  [
    'StackStorm-style alias',
    '---\nname: "restart"\naction_ref: "ops.restart"\nformats:\n  - "restart {{service}}"\n  - display: "restart <service>"\n    representation:\n      - "restart {{ service }}"\nack:\n  enabled: false\n',
    {
      name: 'restart',
      action_ref: 'ops.restart',
      formats: ['restart {{service}}', { display: 'restart <service>', representation: ['restart {{ service }}'] }],
      ack: { enabled: false },
    },
  ],
];

/** Texts liteYaml must leave to the slower path (some of them `yaml` reads; the reader does not go there). */
const bails: [string, string][] = [
  ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
  ['a merge key', 'a:\n  <<: {y: 2}\n'],
  ['a tag', 'k: !!str 1\n'],
  ['a directive', '%YAML 1.2\n---\nk: v\n'],
  ['a second document', 'k: v\n---\nj: w\n'],
  ['a document end marker', 'k: v\n...\n'],
  ['an explicit key', '? k\n: v\n'],
  ['a tab', 'k: "a\tb"\n'],
  ['a lone carriage return', 'k: v\rj: w\n'],
  ['a byte order mark after the start', 'k: v\n\ufeffj: w\n'],
  ['a null key', '~: v\n'],
  ['a null key spelt out', 'k:\n  null: v\n'],
  ['an empty key', '"": v\n'],
  ['a __proto__ key', '__proto__: v\n'],
  ['a quoted __proto__ key', 'k:\n  "__proto__": v\n'],
  ['a __proto__ key in a flow mapping', 'k: {__proto__: v}\n'],
  ['a duplicate key', 'k: 1\nk: 2\n'],
  ['keys yaml tells apart that JS makes one', '1: a\n"1": b\n'],
  ['NaN', 'k: .nan\n'],
  ['an infinity', 'k: [-.inf]\n'],
  ['-0', 'k: -0\n'],
  ['-0.0', 'k: {a: -0.0}\n'],
  ['a number past the largest double', 'k: 1e400\n'],
  ['a sequence at the top', '- a\n'],
  ['a scalar at the top', 'a\n'],
  ['a flow mapping at the top', '{a: 1}\n'],
  ['an empty text', ''],
  ['only a comment', '# c\n'],
  ['an indentation indicator', 'k: |2\n   x\n'],
  ['a flow collection over lines', 'k: [a,\n  b]\n'],
  ['a trailing comma', 'k: [a, ]\n'],
  ['a collection as a key', '[a]: b\n'],
  ['an escape making a `$` (where ${VAR} expansion starts)', 'k: "\\x24{HOME}"\n'],
  ['a \\u escape making a `$`', 'k: ["\\u0024{HOME}"]\n'],
  ["a mapping on a key's line", 'k: a: b\n'],
  ["a sequence on a key's line", 'k: - a\n'],
  ['a key over 1,000 characters', `${'k'.repeat(1001)}: v\n`],
  ['a quoted key over 1,000 characters', `"${'k'.repeat(1001)}": v\n`],
  ['nesting deeper than 100', Array.from({ length: 120 }, (_, i) => `${' '.repeat(i)}k:\n`).join('') + `${' '.repeat(120)}v\n`],
  ['inconsistent indentation', 'a:\n    b: 1\n  c: 2\n'],
  ['a blank line of a block scalar with more spaces than its text', 'k: |\n  a\n     \n  b\n'],
  ['a blank line after an escaped line break', 'k: "a\\\n\n  b"\n'],
];

describe('the lite YAML reader', () => {
  const files = yamlFiles(fixtures);

  it('reads every fixture file it answers for as yaml does, and answers for nearly all', () => {
    let answered = 0;
    for (const path of files) {
      if (agrees(readFileSync(path, 'utf8'), relative(fixtures, path))) answered++;
    }
    // measured: 536 of 539 (the others: an empty file and two with syntax errors)
    expect(files.length).toBeGreaterThan(530);
    expect(answered).toBeGreaterThanOrEqual(530);
  });

  it('answers for the StackStorm corpus files that hold only plain YAML', () => {
    let plain = 0;
    let answered = 0;
    for (const dir of ['corpus/st2-aliases', 'corpus/st2-actions']) {
      for (const path of yamlFiles(join(fixtures, dir))) {
        const text = readFileSync(path, 'utf8');
        const doc = parseDocument(text, { uniqueKeys: true, merge: true, prettyErrors: false });
        if (doc.errors.length > 0 || doc.warnings.length > 0 || !isMap(doc.contents) || text.includes('\t')) continue;
        let exotic = false;
        visit(doc, (_, node) => {
          if (isAlias(node) || (isNode(node) && (node.anchor || node.tag))) exotic = true;
        });
        if (exotic) continue;
        plain++;
        if (liteYaml(text) !== undefined) answered++;
      }
    }
    // measured: 428 of 428 (231 alias files, 197 action files)
    expect(plain).toBeGreaterThanOrEqual(425);
    expect(answered).toBeGreaterThanOrEqual(425);
  });

  it.each([...texts, ...moreTexts].map((t) => [JSON.stringify(t).slice(0, 80), t]))('reads %s as yaml does, or leaves it', (_, text) => {
    agrees(text);
  });

  it('reads each scalar as yaml does, alone, in a sequence, in a flow sequence and as a key', () => {
    for (const s of scalars) {
      agrees(`k: ${s}\n`);
      agrees(`k:\n- ${s}\n`);
      if (!s.includes('\n')) {
        agrees(`k: [${s}, x]\nj: {a: ${s}}\n`);
        agrees(`${s}: v\n`);
      }
    }
  });

  it.each(answers)('answers for %s', (_, text, expected) => {
    expect(agrees(text)).toBe(true);
    expect(liteYaml(text)).toStrictEqual(expected);
  });

  it.each(bails)('leaves %s to the slower path', (_, text) => {
    expect(liteYaml(text)).toBeUndefined();
  });
});

/** Strings with what makes YAML writers quote, fold or escape: indicators, `#`, `: `, quotes, unicode, number-like words, line breaks. */
const chars = fc.constantFrom(
  ...'ab :#-"\'\\{}[],&*!|>%@`?~.0é日\n'.split(''),
  ...['😀', '\n\n', '  ', 'null', 'true', '12', '1e3', '0x1', '--- ', '...', '- ', ': ', ' #'],
);
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.array(chars, { maxLength: 25 }).map((a) => a.join('')),
  fc.constantFrom('', 'word '.repeat(40), 'x'.repeat(120), '1', '-1.5', 'yes', '~', 'a\nb\n', ' lead', 'trail ', 'multi\n  indented\n\nlines'),
);
const leaf = fc.oneof(
  text,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
);
const key = text.filter((k) => k !== '' && k !== '__proto__' && k !== '<<');
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('seq'), tie('map')),
  seq: fc.array(tie('tree'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('tree'), { maxKeys: 4, noNullPrototype: true }),
}));
const document = fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5, noNullPrototype: true });

const optionSets: ToStringOptions[] = [
  {},
  { lineWidth: 40 },
  { lineWidth: 20, minContentWidth: 0 },
  { blockQuote: 'literal' },
  { blockQuote: 'folded' },
  { blockQuote: false },
  { defaultStringType: 'QUOTE_DOUBLE' },
  { defaultStringType: 'QUOTE_SINGLE' },
  { defaultKeyType: 'PLAIN', defaultStringType: 'QUOTE_DOUBLE', doubleQuotedAsJSON: true },
  { collectionStyle: 'flow' },
  { collectionStyle: 'flow', flowCollectionPadding: false },
  { indentSeq: false },
  { indent: 4 },
];

/** YAML-significant pieces a mutation inserts. */
const pieces = [
  ...['a', ' ', '  ', '#', ' #', ':', ': ', '- ', '-', '"', "'", '\\', '\n', '\n\n', '\n  ', '{', '}', '[', ']', ','],
  ...['?', '|', '>', '1', '.', 'é', '😀', '~', '--- ', '...', '%', '&', '*', '!', '<<'],
];

/** Words for hand-built documents: plain text, number-like words, indicators, quotes. */
const word = fc.constantFrom(
  ...['a', 'bb', 'x y', 'true', '1', '-2', '0.5', 'null', '~', 'é', '{{ v }}', 'a:b', 'a#b', "it's", 'say "x"', '- a', '? a', ': a'],
  ...['%a', '@a', '[a]', '{a}', 'a, b', '*', '&', '!', '|', '>', '#', ' ', '  ', '\\', '"', "'"],
);
const words = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
/** Lines after a first one, each `[extra indentation, text, blank lines before it]`. */
const moreLines = fc.array(fc.tuple(fc.nat(3), words, fc.nat(2)), { minLength: 1, maxLength: 3 });

/** What follows `key:` or `-` in a collection at column `n`: a scalar on the line or over lines, a block scalar, or a nested collection. */
function blockValue(n: number, depth: number): fc.Arbitrary<string> {
  const below = (extra: number, blanks: number) => '\n'.repeat(blanks) + '\n' + ' '.repeat(n + 1 + extra);
  const values: fc.Arbitrary<string>[] = [
    fc
      .oneof(
        words,
        words.map((w) => JSON.stringify(w)),
        words.map((w) => `'${w.replace(/'/g, "''")}'`),
        fc.array(words, { maxLength: 3 }).map((a) => `[${a.map((w) => JSON.stringify(w)).join(', ')}]`),
        fc.constantFrom('', '{}', '[]', '[a, 1, true, x y]', '{a: 1, b: [c, d]}', '"a\\tb\\u00e9\\x41"', '""', "''"),
      )
      .map((v) => (v === '' ? '' : ` ${v}`)),
    // a plain scalar over lines (its first word made plain)
    fc
      .tuple(words, moreLines)
      .map(([w, rest]) => ` ${w.trim().replace(/^[-?:]\s|^[\s"'&*!|>%@`#[{\]},]/, 'x')}${rest.map(([d, r, b]) => below(d, b) + r.trim()).join('')}`),
    // a quoted scalar over lines
    fc.tuple(fc.boolean(), words, moreLines).map(([double, w, rest]) => {
      const q = double ? '"' : "'";
      const escape = (x: string) => (double ? x.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : x.replace(/'/g, "''"));
      return ` ${q}${escape(w)}${rest.map(([d, r, b]) => below(d, b) + escape(r)).join('')}${q}`;
    }),
    // a block scalar: lines of text (some more indented) and blank lines, then blank lines
    fc
      .tuple(
        fc.constantFrom('|', '>', '|-', '>-', '|+', '>+'),
        fc.nat(3),
        fc.array(fc.tuple(fc.boolean(), fc.oneof(words, fc.constant('')), fc.nat(2)), { maxLength: 5 }),
        fc.nat(2),
      )
      .map(
        ([header, d, lines, tail]) =>
          ` ${header}${lines.map(([more, w, spaces]) => `\n${w === '' ? ' '.repeat(Math.min(spaces, n + 1 + d)) : ' '.repeat(n + 1 + d + (more ? 1 : 0)) + w}`).join('')}${'\n'.repeat(tail)}`,
      ),
  ];
  if (depth < 3) {
    values.push(
      fc
        .nat(3)
        .chain((d) => blockMapping(n + 1 + d, depth + 1))
        .map((m) => `\n${m}`),
    );
    values.push(
      fc
        .nat(3)
        .chain((d) => blockSequence(n + 1 + d, depth + 1))
        .map((m) => `\n${m}`),
    );
  }
  return fc.oneof(...values);
}

/** Nothing, a comment line or a blank line at some indentation, after an entry. */
const between = fc.oneof(
  fc.constant(''),
  fc.constant(''),
  fc.nat(6).map((i) => `\n${' '.repeat(i)}# c`),
  fc.nat(6).map((i) => `\n${' '.repeat(i)}`),
);
const blockKey = fc.constantFrom('a', 'b', 'c', 'k', 'long key', '"q"', "'s'", '1', 'x.y', 'é', 'a:b', '-k', 'a[0]');

function blockMapping(n: number, depth: number): fc.Arbitrary<string> {
  return fc
    .uniqueArray(blockKey, { minLength: 1, maxLength: 4 })
    .chain((keys) => fc.tuple(...keys.map((k) => fc.tuple(blockValue(n, depth), between).map(([v, b]) => `${' '.repeat(n)}${k}:${v}${b}`))))
    .map((entries) => entries.join('\n'));
}

function blockSequence(n: number, depth: number): fc.Arbitrary<string> {
  const item = fc.oneof(
    blockValue(n, depth).map((v) => `${' '.repeat(n)}-${v}`),
    blockMapping(n + 2, depth + 1).map((m) => `${' '.repeat(n)}- ${m.slice(n + 2)}`),
  );
  return fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => items.join('\n'));
}

/** Hand-built documents, mostly well formed: what config files look like, with every kind of scalar and layout. */
const handBuilt = fc.tuple(fc.boolean(), blockMapping(0, 0), fc.boolean()).map(([dashes, m, nl]) => (dashes ? '---\n' : '') + m + (nl ? '\n' : ''));

describe('the lite YAML reader on random documents', () => {
  it('reads what yaml.stringify writes, under many options, as yaml does (or leaves it)', () => {
    fc.assert(
      fc.property(document, fc.constantFrom(...optionSets), (doc, options) => {
        agrees(stringify(doc, options));
      }),
      { numRuns: 400 },
    );
  });

  it('reads nested flow collections stringify writes as yaml does (or leaves them)', () => {
    fc.assert(
      fc.property(document, fc.boolean(), (doc, padding) => {
        const yamlDoc = parseDocument(stringify(doc));
        visit(yamlDoc, {
          Map: (_, node) => {
            if (node !== yamlDoc.contents) node.flow = true;
          },
          Seq: (_, node) => {
            node.flow = true;
          },
        });
        agrees(yamlDoc.toString({ flowCollectionPadding: padding, lineWidth: 0 }));
      }),
      { numRuns: 200 },
    );
  });

  it('reads mutated texts as yaml does, or leaves them', () => {
    const mutation = fc.tuple(fc.nat(), fc.constantFrom(...pieces, ''), fc.nat(3));
    fc.assert(
      fc.property(document, fc.constantFrom(...optionSets), fc.array(mutation, { minLength: 1, maxLength: 3 }), (doc, options, mutations) => {
        let t = stringify(doc, options);
        for (const [at, insert, cut] of mutations) {
          const p = at % (t.length + 1);
          t = t.slice(0, p) + insert + t.slice(p + cut);
        }
        agrees(t);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads random lines of mappings, sequences and scalars at random indentations as yaml does, or leaves them', () => {
    const scalar = fc.constantFrom(
      ...['a', 'b c', 'x:y', 'a #c', 'a# b', '1', '-1', '0o7', '0x1f', '1.5', '1e2', 'true', 'null', '~', '', '"q"', '"a\\"b"', "'s'", "'it''s'"],
      ...['"\\x41"', '"a  "', '[a, b]', '[]', '{}', '{a: 1}', '[a, [b]]', '|', '|-', '|+', '>', '>-', '-', '- x', '? x', ': x', '&a x', '*a'],
      ...['!t x', '"multi', "'multi", 'word word', 'k: v', '|2', 'é', '😀', '[a', '{a', '.', '...', '---', '- - x', '-x', '<<', '#', '"a"b'],
    );
    const k = fc.constantFrom('a', 'b', 'k', 'a b', '"a"', "'b'", '1', 'true', 'null', '-x', '"a', '<<', '[a]', 'é');
    const line = fc
      .tuple(
        fc.nat(6),
        fc.oneof(
          fc.tuple(k, scalar).map(([a, b]) => `${a}: ${b}`),
          k.map((a) => `${a}:`),
          scalar.map((b) => `- ${b}`),
          fc.tuple(k, scalar).map(([a, b]) => `- ${a}: ${b}`),
          scalar,
          fc.constantFrom('-', '# c', '', '  ', 'end"', "end'", 'more text', '---', '...'),
        ),
      )
      .map(([n, l]) => ' '.repeat(n) + l);
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 10 }), (lines) => {
        agrees(lines.join('\n') + '\n');
      }),
      { numRuns: 3000 },
    );
  });

  it('reads hand-built documents (nested collections, scalars over lines, block scalars, comments) as yaml does, or leaves them', () => {
    let answered = 0;
    fc.assert(
      fc.property(handBuilt, (t) => {
        if (agrees(t)) answered++;
      }),
      { numRuns: 1500 },
    );
    // measured: it answers for about 55% of them (most of the others `yaml` refuses too)
    expect(answered).toBeGreaterThan(600);
  });

  it('answers for what yaml.stringify writes of plain documents (the fast path is taken)', () => {
    // plain: no string opening with a space or a line break, no line of spaces (stringify writes
    // those with an indentation indicator, or as text the reader leaves)
    const plainText = text.filter((s) => !/^[ \n]|(?:^|\n) +(?:\n|$)/.test(s));
    const plainKey = plainText.filter((k) => k !== '' && k !== '__proto__' && k !== '<<');
    const { plainTree } = fc.letrec((tie) => ({
      plainTree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, plainText, fc.integer(), fc.boolean(), fc.constant(null), tie('seq'), tie('map')),
      seq: fc.array(tie('plainTree'), { maxLength: 4 }),
      map: fc.dictionary(plainKey, tie('plainTree'), { maxKeys: 4, noNullPrototype: true }),
    }));
    fc.assert(
      fc.property(fc.dictionary(plainKey, plainTree, { minKeys: 1, maxKeys: 5, noNullPrototype: true }), (doc) => {
        const t = stringify(doc);
        expect(agrees(t), JSON.stringify(t)).toBe(true);
        expect(liteYaml(t)).toStrictEqual(doc);
      }),
      { numRuns: 500 },
    );
  });
});

describe("the lite YAML reader's strings", () => {
  it('hold no slice of the text: 2,000 texts of 100 KB leave far less than 200 MB behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-yaml-lite-'));
    try {
      const script = join(dir, 'retain.mjs');
      writeFileSync(
        script,
        `import { liteYaml } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../../src/config/yaml-lite.ts')).href)};
const slices = process.argv[2] === 'slices';
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const kept = [];
for (let i = 0; i < 2000; i++) {
  const id = String(i).padStart(5, '0');
  // a fresh 100 KB text each time, as read from a file
  const text = 'value: kept-value-' + id + '-abcd\\nkey_' + id + '_long_enough: 1\\nquoted: "quoted value ' + id + ' abc"\\nblock: |\\n  block text ' + id + ' abcd\\nfolded: plain ' + id + ' abcdefgh\\n  continued\\nlist: [flow-item-' + id + '-abc]\\nfiller: ' + 'x'.repeat(100000) + '\\n';
  if (slices) {
    kept.push(text.slice(7, 27));
    continue;
  }
  const data = liteYaml(text);
  if (data.value !== 'kept-value-' + id + '-abcd' || data.list[0] !== 'flow-item-' + id + '-abc') throw new Error('misread');
  kept.push([data.value, Object.keys(data)[1], data.quoted, data.block, data.folded, data.list]);
}
globalThis.gc();
console.log(JSON.stringify({ grownMB: (process.memoryUsage().heapUsed - before) / 1e6, kept: kept.length }));
`,
      );
      const run = (mode: string): { grownMB: number; kept: number } =>
        JSON.parse(
          execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, mode], { cwd: join(import.meta.dirname, '../../..'), encoding: 'utf8' }),
        );
      const lite = run('lite');
      expect(lite.kept).toBe(2000);
      expect(lite.grownMB).toBeLessThan(20);
      // the measure itself: keeping plain 20-character slices of the same texts keeps the texts
      const slices = run('slices');
      expect(slices.grownMB).toBeGreaterThan(150);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
