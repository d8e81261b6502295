/**
 * The text locator (src/config/yaml-locate.ts) must place every path exactly where `yaml` does (the
 * positions users see in diagnostics), or not answer; and it must answer for nearly every path of
 * the files the fast reader reads (else diagnostics parse the file again with `yaml`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastYaml } from '../../../src/config/yaml-fast.ts';
import { locateInText } from '../../../src/config/yaml-locate.ts';
import { parseYamlSource, yamlLocator, type PathSegment } from '../../../src/config/yaml-source.ts';

const fixtures = join(import.meta.dirname, '../../fixtures');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/i.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Every path of `data` (each node), each one also with a missing key and index after it, and with `-` keys spelled `_` (the schema's spelling). */
function paths(data: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  const out: PathSegment[][] = [prefix, [...prefix, 'zz_missing'], [...prefix, 99], [...prefix, 0]];
  if (Array.isArray(data)) data.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (typeof data === 'object' && data !== null) {
    for (const [k, v] of Object.entries(data)) {
      out.push(...paths(v, [...prefix, k]));
      if (k.includes('-')) out.push([...prefix, k.replace(/-/g, '_')]);
    }
  }
  return out;
}

/** Compares the locator with `yaml` on every path of `text`; how many it answered, of how many. */
function compareAll(text: string, name: string): { answered: number; total: number } {
  const data = fastYaml(text);
  let answered = 0;
  let total = 0;
  const byYaml = yamlLocator(text, name);
  for (const path of paths(data)) {
    for (const wantKey of [false, true]) {
      total++;
      const fast = locateInText(text, path, wantKey);
      if (!fast) continue;
      answered++;
      const slow = byYaml(path, wantKey);
      // expect() only on a difference: it is called for tens of thousands of paths
      if (fast.line !== slow.line || fast.col !== slow.col || fast.path !== slow.path) {
        expect({ name, asked: path, wantKey, ...fast }).toEqual({ name, asked: path, wantKey, line: slow.line, col: slow.col, path: slow.path });
      }
    }
  }
  return { answered, total };
}

/** Layouts the locator must read as `yaml` does (or leave to it). */
const texts = [
  'a: 1\nb: 2\n',
  '---\nname: x\nformats:\n  - one\n  - two {{x}}\n',
  '--- # doc\n# comment\n\nname: x\n',
  'name: x\nformats:\n- one\n- two\nack:\n  format: hi\n',
  "formats: [one, \"two, three\", 'it''s', four]\nname: y\n",
  'formats: [ one ,two ]\n',
  'formats: []\n',
  'formats: [a, b,]\n',
  'formats: [restart {{x}}]\n',
  'list:\n  - name: a\n    value: 1\n  - name: b\n    value: [x, y]\n',
  'list:\n  -\n    name: a\n  - - deep\n    - deeper\n',
  'desc: |\n  line one\n  name: not a key\nname: z\n',
  'desc: >-\n  folded\n\n  text\nnext: 1\n',
  'desc: plain text\n  going on\n  - still text\nname: q\n',
  '"quoted key": 1\n\'single\'\'s\': 2\nplain: "multi\n  line"\n',
  'key:   # comment\n  nested: 1\n  other:\n    deeper: yes\n',
  'empty:\nname: x\n',
  'seq:\n  -\n  - b\n',
  '  indented: 1\n  root: 2\n',
  'url: http://x.y/z\nkey with spaces: v\non-failure: retry\non_failure: other\n',
  'channels: a\nroutes: b\n',
  'routes: b\n',
  'a: 1\n---\nb: 2\n',
  'a: 1 # c: d\nb: {x: 1}\n',
  '1: one\nname: x\n',
  'true: yes\nname: x\n',
  'a:\r\n  b: 1\r\n',
  '\ufeffa: 1\n',
  'ack:\n  format: "{{ x }}"\n  append_url: false\nresult:\n  format: |\n    {% for x in y %}{{ x }}{% endfor %}\n',
];

describe('locateInText', () => {
  it('places every path of tricky layouts where yaml does', () => {
    for (const [i, text] of texts.entries()) {
      if (fastYaml(text) === undefined) continue;
      compareAll(text, `text-${i}`);
    }
  });

  it('answers for plain block layouts', () => {
    const text = texts[1]!;
    expect(locateInText(text, ['formats', 1], false)).toEqual({ line: 5, col: 5, path: 'formats.1' });
    expect(locateInText(text, ['formats'], true)).toEqual({ line: 3, col: 1, path: 'formats' });
    expect(locateInText(text, ['formats', 7, 'x'], false)).toEqual({ line: 4, col: 3, path: 'formats.7.x' });
    expect(locateInText(texts[4]!, ['formats', 2], false)).toEqual({ line: 1, col: 30, path: 'formats.2' });
  });

  it('leaves to yaml what it does not read for sure', () => {
    expect(locateInText('a: 1\n---\nb: 2\n', ['b'], false)).toBeUndefined();
    expect(locateInText('b: {x: 1}\n', ['b', 'x'], false)).toBeUndefined();
    expect(locateInText('empty:\nname: x\n', ['empty'], false)).toBeUndefined();
    expect(locateInText('1: one\n', ['1'], false)).toBeUndefined();
    expect(locateInText('a:\r\n  b: 1\r\n', ['a', 'b'], false)).toBeUndefined();
  });

  it('places every path of every fixture file the fast reader reads where yaml does, and answers for most', () => {
    let answered = 0;
    let total = 0;
    let files = 0;
    for (const file of yamlFiles(fixtures)) {
      const text = readFileSync(file, 'utf8');
      if (fastYaml(text) === undefined) continue;
      files++;
      const r = compareAll(text, relative(fixtures, file));
      answered += r.answered;
      total += r.total;
    }
    expect(files).toBeGreaterThan(300);
    // what it leaves to yaml: null values, flow mappings, odd keys (a few percent of the paths)
    expect(answered / total).toBeGreaterThan(0.9);
  }, 60_000);

  it('gives a fast-read file the positions yaml gives (through YamlSource)', () => {
    const text = '---\nname: x\nack:\n  format: "{{ x }"\nformats:\n  - a\n';
    const { source } = parseYamlSource(text, 'aliases/x.yaml', {});
    expect(source.at(['ack', 'format'])).toEqual({ file: 'aliases/x.yaml', line: 4, col: 11, path: 'ack.format' });
    const byYaml = yamlLocator(text, 'aliases/x.yaml');
    expect(source.keyAt(['formats'])).toEqual(byYaml(['formats'], true));
    expect(source.at(['nope', 'deeper'])).toEqual(byYaml(['nope', 'deeper'], false));
  });
});
