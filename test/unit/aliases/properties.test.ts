import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAliases, matchFormat, normalizeText, renderFormat } from '../../../src/aliases/index.ts';
import { splitExtras } from '../../../src/aliases/extras.ts';

const LITERALS = ['restart', 'on', 'to', 'with', 'deploy', 'Show', 'run', 'for'];

/** A value as typed and the value it must parse back to. */
const value = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._:/-]{0,11}$/).map((w) => ({ typed: `v${w}`, parsed: `v${w}` })),
  fc.array(fc.stringMatching(/^[a-zA-Z0-9 .,!?-]{1,8}$/), { minLength: 1, maxLength: 3 }).map((ws) => {
    const inner = ws.join(' ');
    return { typed: `"${inner}"`, parsed: inner };
  }),
  fc.array(fc.stringMatching(/^[a-z ]{0,6}$/), { maxLength: 3 }).map((ws) => {
    const inner = ws.join(' ');
    return { typed: `'${inner}'`, parsed: inner };
  }),
  fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.oneof(fc.integer(), fc.stringMatching(/^[a-z ]{0,6}$/)), { maxKeys: 3 }).map((o) => {
    const json = JSON.stringify(o, null, 1).replace(/\n/g, ' ');
    return { typed: json, parsed: json };
  }),
);

/** A format: literal words and placeholders; every placeholder but the last is followed by a literal. */
const format = fc
  .array(fc.tuple(fc.constantFrom(...LITERALS), fc.boolean()), { minLength: 1, maxLength: 5 })
  .chain((parts) => fc.tuple(fc.constant(parts), fc.array(value, { minLength: parts.length, maxLength: parts.length }), fc.boolean()));

describe('matchFormat (properties)', () => {
  it('parses any rendered command back to the values it was rendered with', () => {
    fc.assert(
      fc.property(format, ([parts, values, trailing]) => {
        // literal, placeholder, literal, placeholder...; a trailing placeholder takes the rest
        const pieces: string[] = [];
        const given: Record<string, string> = {};
        const expected: Record<string, string> = {};
        parts.forEach(([lit, withParam], i) => {
          pieces.push(lit);
          if (withParam || (trailing && i === parts.length - 1)) {
            pieces.push(`{{p${i}}}`);
            given[`p${i}`] = values[i]!.typed;
            expected[`p${i}`] = values[i]!.parsed;
          }
        });
        const f = pieces.join(' ');
        const text = renderFormat(f, given);
        const r = matchFormat(f, text);
        expect(r.kind === 'matched' ? r.params : r).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('matches rendered commands whatever the case of literal words and the blanks between them', () => {
    fc.assert(
      fc.property(format, fc.constantFrom(' ', '  ', '\t', '\n', ' \t '), ([parts, values], blank) => {
        const f = parts.map(([lit], i) => `${lit} {{p${i}}}`).join(' ');
        const given = Object.fromEntries(values.map((v, i) => [`p${i}`, v.typed]));
        const text = renderFormat(f, given)
          .split(' ')
          .map((w) => (LITERALS.includes(w) ? w.toUpperCase() : w))
          .join(blank);
        expect(matchFormat(f, text).kind).toBe('matched');
      }),
      { numRuns: 200 },
    );
  });
});

const PATHOLOGICAL = ['(a+)+$', '(a|a)*b', '(.*){1,100}x', '(a*)*b {{x}}', '((a+)+)+ {{x}}', '(x+x+)+y', '([a-z]+)*[0-9]', '\\b(\\w+\\s?)*$'];

describe('compileAliases (properties)', () => {
  const kinds = ['matched', 'none', 'ambiguous', 'invalid'];

  it('answers any text with a typed result, never an exception', () => {
    const { matcher } = compileAliases([
      ...PATHOLOGICAL.map((f, i) => ({ id: `p${i}`, action: 'x', enabled: true, formats: [f], immutableParameters: {} })),
      { id: 'r', action: 'r', enabled: true, formats: ['restart {{s}} on {{h}}', '{{a}} {{b}} {{c=1}}'], immutableParameters: {} },
    ]);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 })), (text) => {
        expect(kinds).toContain(matcher.match(text).kind);
      }),
      { numRuns: 300 },
    );
  });

  it('answers 4 KB inputs against pathological formats with a typed result', () => {
    const { matcher } = compileAliases(PATHOLOGICAL.map((f, i) => ({ id: `p${i}`, action: 'x', enabled: true, formats: [f], immutableParameters: {} })));
    for (const text of ['a'.repeat(4096), `${'a'.repeat(4095)}!`, `${'x'.repeat(4000)} y`, '{'.repeat(2048) + '"'.repeat(2048), 'k=v '.repeat(1024)]) {
      expect(kinds).toContain(matcher.match(text.slice(0, 4096)).kind);
    }
    expect(matcher.match('a'.repeat(4097)).kind).toBe('invalid');
  });

  it('compiles any format string to a matcher or a problem, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 })), fc.string({ maxLength: 60 }), (f, text) => {
        const { matcher, problems } = compileAliases([{ id: 'a', action: 'a', enabled: true, formats: [f], immutableParameters: {} }]);
        expect(problems.every((p) => p.severity === 'error' && p.message.length > 0)).toBe(true);
        expect(kinds).toContain(matcher.match(text).kind);
      }),
      { numRuns: 500 },
    );
  });
});

describe('normalizeText (properties)', () => {
  it('returns trimmed text without CR or Unicode blanks for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom('api', 'sms', 'email', 'slack' as const), (text, source) => {
        const out = normalizeText(text, source);
        expect(out).toBe(out.trim());
        expect(out).not.toMatch(/[\r\u00A0\u2000-\u200A\u3000]/);
      }),
    );
  });
});

describe('splitExtras (properties)', () => {
  it('returns a head that starts the text unchanged, for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        const { head } = splitExtras(text);
        expect(text.startsWith(head)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
