/**
 * The fast reader (src/config/yaml-fast.ts) must read every file it answers for exactly as `yaml`
 * (the parser whose errors and positions users see) does, and leave every other file to `yaml`.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastYaml } from '../../../src/config/yaml-fast.ts';
import { parseYamlSource } from '../../../src/config/yaml-source.ts';

import { byYaml, fixtures, texts, yamlFiles } from './yaml-cases.ts';

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
