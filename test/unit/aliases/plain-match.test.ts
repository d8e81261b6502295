import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFormat, type CompiledFormat } from '../../../src/aliases/compile-format.ts';
import { extractOne } from '../../../src/aliases/extract.ts';
import { plainStats } from '../../../src/aliases/plain-match.ts';

/** The same format without its regex-free program: extraction through the RE2 regex. */
function viaRegex(f: CompiledFormat): CompiledFormat {
  return { source: f.source, regex: f.regex, params: f.params, pad: f.pad, indexWords: f.indexWords, words: f.words };
}

function compiled(format: string): CompiledFormat {
  const c = compileFormat(format);
  if (!c.ok) throw new Error(c.message);
  return c.format;
}

const word = fc.stringMatching(/^[a-zA-Z][a-z0-9]{0,5}$/);
const punct = fc.constantFrom('-', ':', ',', '.', '/', '@', '#');
const blank = fc.constantFrom(' ', '  ', '\t', ' \n ', '');
const value = fc.stringMatching(/^[A-Za-z0-9.:/_=?@-]{1,6}( [A-Za-z0-9.:/_=?@-]{1,6}){0,2}$/);
/** values as people quote them, and the stray quotes, braces and case-folding letters that test the edges */
const quoted = fc.oneof(
  value.map((v) => `"${v}"`),
  value.map((v) => `'${v}'`),
  value.map((v) => `{"k": "${v}"}`),
  fc.constantFrom('""', "''", '{}', '"', "'", '{', '}', '{a} b}', '"a" b"', "it's", 'say "hi', '\u017f', 'K', 'İ', 'é', '\u000b'),
);

describe('matchPlain (the regex-free path for formats of words, blanks and placeholders)', () => {
  it('is used only for formats without regex syntax of their own', () => {
    expect(compiled('restart {{service}} on {{env=staging}}').plain).toBeDefined();
    expect(compiled('(restart|bounce) {{service}}').plain).toBeUndefined();
    expect(compiled('^ping {{host}}$').plain).toBeUndefined();
  });

  it.each([
    ['restart {{service}} on {{env=staging}}', 'Restart web on prod', { service: 'web', env: 'prod' }],
    ['restart {{service}} on {{env=staging}}', 'restart  web   on\tprod', { service: 'web', env: 'prod' }],
    ['deploy {{app}} {{version}}', 'deploy api 1.4.2', { app: 'api', version: '1.4.2' }],
    ['disk {{path=/}}', 'disk', { path: '/' }],
    ['google {{query}} and return {{count=5}} results', 'google a and b and return 7 results', { query: 'a and b', count: '7' }],
    ['run {{cmd}}', 'run ls -la /tmp', { cmd: 'ls -la /tmp' }],
  ])('matches %s against %j like the regex does', (format, text, expected) => {
    const f = compiled(format);
    expect(extractOne(f, text)).toEqual(expected);
    expect(extractOne(viaRegex(f), text)).toEqual(expected);
  });

  it('gives exactly what the RE2 regex gives, on random formats and texts (quotes, braces and case folding included)', () => {
    const part = fc.oneof(
      word.map((w) => ({ w })),
      punct.map((p) => ({ p })),
      fc.constant({ v: 'req' as const }),
      fc.constant({ v: 'def' as const }),
    );
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 7 }),
        fc.array(fc.oneof(value, word, punct, blank, quoted), { maxLength: 9 }),
        fc.array(blank, { minLength: 8, maxLength: 8 }),
        (parts, fillers, blanks) => {
          let n = 0;
          const format = parts.map((x) => ('w' in x ? x.w : 'p' in x ? x.p : x.v === 'req' ? `{{p${n++}}}` : `{{p${n++}=d${n}}}`)).join(' ');
          const c = compileFormat(format);
          if (!c.ok || !c.format.plain) return;
          let k = 0;
          const rendered = parts.map((x) => ('w' in x ? x.w : 'p' in x ? x.p : (fillers[k++] ?? ''))).map((t, i) => t + (blanks[i % 8] || ' '));
          const texts = [rendered.join(''), rendered.join('').toUpperCase(), fillers.join(' '), `${rendered.join('')} ${fillers.join(' ')}`];
          for (const text of texts) expect(extractOne(c.format, text)).toEqual(extractOne(viaRegex(c.format), text));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it.each([
    ['say {{msg}} to {{who}}', 'say "hi there" to {"a": 1}', { msg: 'hi there', who: '{"a": 1}' }],
    ['say {{msg}} to {{who}}', `say '' to "x`, { msg: '', who: '"x' }],
    ['say {{msg}} to {{who}}', 'say {a} to} to b', { msg: '{a} to}', who: 'b' }],
    ['set {{key}} {{value={}}}', 'set k {"a": {"b": 1}}', { key: 'k', value: '{"a": {"b": 1}}' }],
    ['ſtop {{x}}', 'STOP now', { x: 'now' }],
    ['stop {{x}}', 'ſtop now', { x: 'now' }],
  ])('reads quoted and {json} values like the regex: %s on %j', (format, text, expected) => {
    const f = compiled(format);
    expect(extractOne(f, text)).toEqual(expected);
    expect(extractOne(viaRegex(f), text)).toEqual(expected);
  });

  it.each([
    ['a {{x}} b {{y}} c {{z}}', `a ${'b '.repeat(1500)}c`],
    ['a {{x}} b {{y}} c {{z}}', `a ${'b '.repeat(1500)}c d`],
    ['{{x}} {{y=1}} {{z}}', `${' '.repeat(1000)}x${' '.repeat(1000)}y${' '.repeat(1000)}`],
    ['say {{x}} {{y}} end', `say ${'{ } '.repeat(600)}`],
    ['say {{x}} {{y}} end', `say ${'"a" \'b\' '.repeat(300)}`],
  ])('stays linear on a long text: %s', (format, text) => {
    // counted, not timed: the number of (token, position) states tried stays within tokens x length
    const f = compiled(format);
    expect(extractOne(f, text)).toEqual(extractOne(viaRegex(f), text));
    const states = plainStats.states;
    expect(states).toBeLessThanOrEqual(4 * (f.plain!.count + 1) * (text.length + 2));
  });
});
