/** Properties that hold for any input: expansion is literal, positions point at what was written. */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { expandEnv } from '../../../src/config/env.ts';
import { parseYamlSource } from '../../../src/config/yaml-source.ts';

const name = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/);
const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);

describe('expandEnv properties', () => {
  it('leaves text without $ unchanged', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('$')),
        (text) => {
          expect(expandEnv(text, {})).toEqual({ ok: true, value: text, changed: false });
        },
      ),
    );
  });

  it('substitutes a value literally, never expanding what it contains', () => {
    fc.assert(
      fc.property(
        name,
        fc.string(),
        fc.string().filter((s) => !s.includes('$')),
        (n, value, around) => {
          const result = expandEnv(`${around}\${${n}}${around}`, { [n]: value });
          expect(result).toEqual({ ok: true, value: `${around}${value}${around}`, changed: true, ...(value !== '' && { substituted: [value] }) });
        },
      ),
    );
  });
});

describe('YamlSource.at', () => {
  it('points every path of a generated document at the line holding its value', () => {
    const doc = fc.dictionary(
      key,
      fc.oneof(fc.integer(), fc.array(fc.integer(), { minLength: 1, maxLength: 3 }), fc.dictionary(key, fc.integer(), { minKeys: 1, maxKeys: 3 })),
      {
        minKeys: 1,
        maxKeys: 5,
      },
    );
    fc.assert(
      fc.property(doc, (data) => {
        const text = stringify(data);
        const lines = text.split('\n');
        const { source } = parseYamlSource(text, 'f.yaml', {});
        for (const [k, v] of Object.entries(data)) {
          const leaves: [(string | number)[], number][] =
            typeof v === 'number' ? [[[k], v]] : Array.isArray(v) ? v.map((x, i) => [[k, i], x]) : Object.entries(v).map(([k2, x]) => [[k, k2], x]);
          for (const [path, value] of leaves) {
            const at = source.at(path);
            expect(at.path).toBe(path.join('.'));
            expect(lines[at.line - 1]?.slice(at.col - 1).startsWith(String(value))).toBe(true);
          }
        }
      }),
    );
  });
});
