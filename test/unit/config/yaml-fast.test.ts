/**
 * The fast reader (src/config/yaml-fast.ts) must read every file it answers for exactly as `yaml`
 * (the parser whose errors and positions users see) does, and leave every other file to `yaml`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { fastYaml } from '../../../src/config/yaml-fast.ts';
import { parseYamlSource } from '../../../src/config/yaml-source.ts';

const fixtures = join(import.meta.dirname, '../../fixtures');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/i.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** What `yaml` makes of `text`, as the config loader asks it to. */
function byYaml(text: string): { clean: boolean; data: unknown } {
  const doc = parseDocument(text, { uniqueKeys: true, merge: true, prettyErrors: false });
  const clean = doc.errors.length === 0 && doc.warnings.length === 0;
  return { clean, data: clean ? doc.toJS({ maxAliasCount: 1000 }) : undefined };
}

/** Texts where a YAML reader can go wrong: scalar resolution, block scalars, escapes, keys, layout. */
const scalars = [
  '1_000',
  '012',
  '0b101',
  '0o17',
  '0o8',
  '0x1F',
  '0x',
  '+1',
  '-0',
  '+0',
  '.5',
  '1.',
  '-1.5',
  '1e3',
  '1E+3',
  '1.5e-3',
  '.e3',
  '1e',
  '.inf',
  '-.Inf',
  '+.INF',
  '.NaN',
  '.nan',
  'nan',
  'inf',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'Y',
  'True',
  'tRUE',
  'TRUE',
  'false',
  'NULL',
  'Null',
  'nULL',
  '~',
  'null',
  '2020-01-01',
  '2001-12-14t21:59:43.10-05:00',
  '1:2',
  '12:30:00',
  '190:20:30',
  '=',
  '0.',
  '9007199254740993',
  '-9007199254740993',
  '123456789012345678901234567890',
  '0x7fffffffffffffffff',
  '1.7976931348623157e309',
  '"1"',
  "'true'",
  '"\\u263A \\x41 \\t \\\\ \\"q\\""',
  "'it''s'",
  '"a\\\n  b"',
  'a #b',
  'a#b',
  'http://x/y?z=1&w=2',
  "'#x'",
  '{{ execution.result.stdout }}',
  "'{{ a }}: b'",
  '@at',
  '`tick',
  '%pct',
  'a: b',
  '- x',
  '>x',
  '|x',
  '"multi\n  line"',
  'multi\n  plain\n\n  para',
];
const texts = [
  ...scalars.map((s) => `k: ${s}\n`),
  ...scalars.map((s) => `list:\n  - ${s}\n  - [${s.includes('\n') ? 'x' : s}]\n`),
  'k: |\n  a\n   b\n\n  c\n\n\n',
  'k: |-\n  a\n  b\n',
  'k: |+\n  a\n\n\nz: 1\n',
  'k: >\n  folded\n  text\n\n   more\n  indented\n  back\n',
  'k: >-\n  a\n  b\n',
  'k: |2\n    two extra\n  base\n',
  'k: >+\n  keep\n\n',
  'k: |\n  trailing spaces   \n  end\n',
  'a:\n  b:\n    c: [1, {d: e}, "f"]\n  g: {h: [], i: {}}\n',
  'k: # comment\n  v\n',
  'k: v # comment\n# whole line\nj: "x # not a comment"\n',
  '---\nk: v\n...\n',
  '---\nk: v\n',
  '\ufeffk: bom\n',
  'k: v\r\nj: w\r\n',
  'k: "a\r\n  b"\r\n',
  '"quoted key": 1\n\'single\': 2\n1: num key\n1.5: float key\ntrue: bool key\n0x10: hex key\n',
  '__proto__: {polluted: true}\nk: v\n',
  'constructor: x\nhasOwnProperty: y\ntoString: z\n',
  'k: v\nk: w\n',
  '1: a\n"1": b\n',
  'k: v\n---\nj: w\n',
  '',
  '# only a comment\n',
  '- a\n- b\n',
  'just a string\n',
  'k:\n\tv: tab\n',
  'k: "tab\tinside"\n',
  'base: &b {a: 1}\nuse: *b\n',
  'base: &b {a: 1}\nuse:\n  <<: *b\n  c: 2\n',
  'k: !!str 123\n',
  'k: !custom x\n',
  '%YAML 1.2\n---\nk: v\n',
  '? complex\n: value\n',
  '[a, b]: c\n',
  '{a: 1}: c\n',
  '~: null key\n',
  'null: null key\n',
  ': empty key\n',
  'k: [a, b\n',
  'k: {a: 1\n',
  'k: "unterminated\n',
  'k: v\n  bad: indent\n',
  'a:\n  - b\n  c: d\n',
  'k: - x\n',
  'k: a: b\n',
  'k: @reserved\n',
  'k: `reserved\n',
  'key with spaces: v\nk2 : v2\n',
  'k: "\\q"\n',
  "k: ''\n",
  'k: ""\n',
  'k:\n',
  'k: []\nj: {}\n',
  'k:\n- a\n- b\n',
  '- - nested\n  - seq\n',
  `k: ${'x'.repeat(5000)}\n`,
  'k: "ünïcödé ✓ 日本"\n',
  'k: [a, b, ]\n',
  'k: {a: 1, }\n',
  'k: [a,b]\nj: {a:1}\n',
  'k: {a: [1, 2], b: {c: d}}\n',
  'k: [\n  a,\n  b\n  ]\n',
  'k: {\n  a: 1,\n  b: 2\n}\n',
  'k: [\na\n]\n',
  'k: v\n ...\n',
  'deep: ' + '['.repeat(120) + ']'.repeat(120) + '\n',
  'k: $HOME\nj: ${HOME}\n',
  // continuation lines at every indentation
  'k: a\nb\n',
  'k: a\n b\n',
  'a:\n  b: c\n d: e\n',
  'k: "a\nb"\n',
  "k: 'a\n  b'\n",
  'k:\n  - a\n  b\n',
  'k:\n  - a\n    b\n',
  '- a\n  b: c\n',
  'k: a\n  b: c\n',
  'k: [a,\n  b]\n',
  'k: |\nno indent\n',
  'k: >\n\n  x\n',
  '- |\n  a\n- b\n',
  'k:\n  - "a\n    b"\n',
  'k:\n  j: |\n    x\n   y\n',
  'k:\n  j: |\n    x\n  z: y\n',
  'k: |\n  {{ a }}: b\n  "unclosed\n',
  'k: >-\n    deeper\n  shallower\n',
  'k: plain # c\n  more\n',
  "k: 'a' b\n",
  'k: "a" b\n',
  'k: "a"b: c\n',
  'k: x: y\n',
  '- k: v\n  j: w\n- k: v2\n',
  '-   k: v\n    j: w\n',
  'k:\n- a\n-  b\n',
  '  k: indented doc\n  j: v\n',
  'k: v\n  # indented comment\nj: w\n',
  'k: "a # b" # c\n',
  'k: a  #b\n',
  'k: - a\n',
  'k: [a, [b]]\n',
  'k: [{a: 1}]\n',
  'k: {a: {b: c}}\n',
  'k: "\\"" \n',
  "k: 'a''\n  b'\n",
  '"a\nb": c\n',
  'k:\n  "a\n  b"\n',
  'k:\n  "a\n   b"\n',
  '  - k: "a\n   b"\n',
  '  - k: "a\n     b"\n',
  '- "a\n - b"\n',
  '- "a\n  b"\n- "c\n d"\n',
  'k: "a \\\n b \\" c\n  d"\n',
  "k: 'a\n\n  b\n'\n",
  "k: 'a\n\n  b\n  '\n",
  'k: "a\n---\n"\n',
  'k: "a\n...\n"\n',
  'k: "a\n  # not a comment\n  b"\n',
  'k:\n  - "a: b\n    c" # x\n  - d\n',
  'k: a & b\nj: x &y\n',
  'k: plain\n  {{ continued }}\n',
  'k: plain\n{{ bad }}\n',
  '- u1 run {{a}}\n  {{b}} and {{c}}\n',
  'k: "a"\n  b: c\n',
  '- k: |\n   x\n  j: &a v\n',
  '- k: |\n    x\n  j: !!str 1\n',
  '&a k: v\n',
  '!!str k: v\n',
  'k: x!y\nj: "!"\nl: a !b\n',
  'k: [a, !t b]\n',
  'k: {a: &x 1}\n',
  'k: {{a}:b}\n',
  'k: a {{b}}:{{c}}\n',
  'k: {a}:b\n',
  '- "u1 {{x}}: {{y}}\n  {{z}}"\n',
  '- "u1 {{x}}: {{y}}\n {{z}}"\n',
  '- "u1 {{x}}: {{y}}\n{{z}}"\n',
];

describe('the fast YAML reader', () => {
  const files = yamlFiles(fixtures);

  it('reads every fixture file it answers for as yaml does', () => {
    let answered = 0;
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      const fast = fastYaml(text, () => false);
      if (fast === undefined) continue;
      answered++;
      const y = byYaml(text);
      expect(y.clean, relative(fixtures, path)).toBe(true);
      expect(fast, relative(fixtures, path)).toStrictEqual(y.data);
    }
    // the fast path is the common one: most fixture files take it
    expect(files.length).toBeGreaterThan(400);
    expect(answered).toBeGreaterThan(files.length * 0.6);
  });

  it.each(texts.map((t) => [JSON.stringify(t).slice(0, 80), t]))('reads %s as yaml does, or leaves it to yaml', (_, text) => {
    const fast = fastYaml(text, () => false);
    if (fast === undefined) return;
    const y = byYaml(text);
    expect(y.clean).toBe(true);
    expect(fast).toStrictEqual(y.data);
  });

  it('answers for plain files, numbers and block scalars included', () => {
    expect(fastYaml('n: 0o17\nh: 0x1F\nu: 1_000\nf: 1.5e3\nb: True\nz: ~\ns: |\n  a\n  b\n')).toStrictEqual({
      n: 15,
      h: 31,
      u: '1_000',
      f: 1500,
      b: true,
      z: null,
      s: 'a\nb\n',
    });
  });

  it.each([
    ['anchors', 'base: &b {a: 1}\nuse: *b\n'],
    ['tags', 'k: !!str 123\n'],
    ['directives', '%YAML 1.2\n---\nk: v\n'],
    ['tabs', 'k: "a\tb"\n'],
    ['duplicate keys', 'k: v\nk: w\n'],
    ['two documents', 'k: v\n---\nj: w\n'],
    ['an empty file', ''],
    ['a list', '- a\n'],
    ['a null key', '~: x\n'],
    ['a flow key', '[a, b]: c\n'],
    ['a syntax error', 'k: [a, b\n'],
  ])('leaves %s to yaml', (_, text) => {
    expect(fastYaml(text)).toBeUndefined();
  });

  it.each([
    ['NaN', 'k: .nan\n'],
    ['an infinity', 'k: [1, -.inf]\n'],
    ['-0', 'k: {j: -0}\n'],
    ['-0.0', 'k: -0.0\n'],
    ['a __proto__ key', '__proto__: x\n'],
    ['a nested null key', 'k:\n  null: x\n'],
  ])('leaves %s (what its JSON copy would change) to yaml', (_, text) => {
    expect(fastYaml(text)).toBeUndefined();
  });

  it('leaves a `$` to yaml when it is expanded, not when it is not', () => {
    expect(fastYaml('k: ${HOME}\n')).toBeUndefined();
    expect(fastYaml('k: "\\x24{HOME}"\n')).toBeUndefined();
    expect(fastYaml('k: ${HOME}\n', () => false)).toStrictEqual({ k: '${HOME}' });
  });
});

describe('parseYamlSource through the fast reader', () => {
  it('still names the line and column of a value, parsed again with positions on demand', () => {
    const text = '---\nname: restart\nformats:\n  - "restart {{service}}"\n  - display: d\n    representation: [a, b]\n';
    expect(fastYaml(text)).toBeDefined();
    const { source, diagnostics } = parseYamlSource(text, 'aliases/x.yaml', {});
    expect(diagnostics).toEqual([]);
    expect(source.at(['formats', 1, 'representation', 1])).toEqual({ file: 'aliases/x.yaml', line: 6, col: 25, path: 'formats.1.representation.1' });
    expect(source.keyAt(['name'])).toEqual({ file: 'aliases/x.yaml', line: 2, col: 1, path: 'name' });
    expect(source.at(['nope', 'deeper'])).toEqual({ file: 'aliases/x.yaml', line: 2, col: 1, path: 'nope.deeper' });
  });

  it('expands ${VAR} through yaml, with its paths and positions', () => {
    const { source, diagnostics } = parseYamlSource('a: 1\nport: ${PORT}\nurl: "x${MISSING}"\n', 'c.yaml', { PORT: '80' });
    expect(source.expandedWhole).toEqual(new Set(['port']));
    expect(diagnostics).toEqual([expect.objectContaining({ file: 'c.yaml', line: 3, col: 6, path: 'url', severity: 'error' })]);
  });
});
