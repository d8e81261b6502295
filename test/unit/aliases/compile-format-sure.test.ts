/**
 * compileFormat checks most formats without compiling them with RE2 (compile-format.ts `valid`): its
 * answer, and the group number of every parameter, must be RE2's own. Every corpus format and a
 * set of texts RE2 refuses or numbers in a way of its own are compiled both ways and compared.
 */
import { describe, expect, it } from 'vitest';
import { compileFormat, sureOfRe2 } from '../../../src/aliases/compile-format.ts';
import { corpusFormats } from '../../corpus.ts';

/** Regex syntax inside formats: what RE2 takes, what it refuses, and groups numbered around ours. */
const tricky = [
  'run (a|b) {{x}}',
  'run (?P<mode>fast|slow) {{x}}',
  'run (?<mode>fast|slow) {{x}}',
  '(x)(y) {{a}} (?:z) (w) {{b}}',
  '((a)|(b))+ {{x}}? (c)*? {{y=1}}',
  'deploy {{x}}(?: to {{env}})?',
  '(?i)deploy {{x}}',
  '(?is)deploy {{x}}',
  '(?ii)deploy {{x}}',
  '(?U)deploy {{x}}+',
  '(?i-s:x) {{a}}',
  '(?-i)x {{a}}',
  '(?-)x {{a}}',
  '(?i-)x {{a}}',
  '(?i:a|b) {{a}}',
  '(?:) {{a}}',
  '()* {{a}}',
  '(|a) {{a}}',
  'a| {{a}}',
  '^run {{x}}$',
  '\\Arun {{x}}\\z',
  '\\brun\\b {{x}}',
  'run\\s+{{x}}\\S*\\d+\\D?\\w\\W',
  'run\\e {{x}}',
  'run\\q {{x}}',
  'run\\0 {{x}}',
  'run\\a {{x}}',
  'run\\Z {{x}}',
  'run\\pL {{x}}',
  'run\\p{Greek} {{x}}',
  'run\\p{Nope} {{x}}',
  'run\\x41 {{x}}',
  'run\\x{110000} {{x}}',
  'run [a-z]+ {{x}}',
  'run [z-a] {{x}}',
  'run [a-a] {{x}}',
  'run [^0-9_] {{x}}',
  'run [-a] {{x}}',
  'run [a-] {{x}}',
  'run [a-b-c] {{x}}',
  'run []a] {{x}}',
  'run [^]a] {{x}}',
  'run [[:alpha:]] {{x}}',
  'run [[:nope:]] {{x}}',
  'run [\\d.] {{x}}',
  'run [\\q] {{x}}',
  'run [!.] {{x}}',
  'run a{2} {{x}}',
  'run a{2,1} {{x}}',
  'run a{1001} {{x}}',
  'run (a{1000}){1000} {{x}}',
  'run a** {{x}}',
  'run a*+ {{x}}',
  'run a+?? {{x}}',
  'run a??? {{x}}',
  'run .* {{x}}',
  'run {{x}}*',
  'run {{x}} *',
  'run \uD83D\uDE80 {{x}}',
  'run \uD83D {{x}}',
  `run ${'('.repeat(20)}x${')'.repeat(20)} {{a}}`,
  `run ${'('.repeat(1100)}x${')'.repeat(1100)} {{a}}`,
  `run ${'{{x}} '.repeat(1)}${'a'.repeat(2000)}`,
];

/** What a compile outcome says: ok and every parameter's groups, or the message. */
function outcome(source: string, alwaysRe2: boolean): unknown {
  const c = compileFormat(source, { alwaysRe2 });
  return c.ok ? { ok: true, params: c.format.params } : { ok: false, message: c.message };
}

describe('formats checked without RE2', () => {
  const formats = corpusFormats();

  it('compile as they do with RE2, with the same group numbers, for every corpus format', () => {
    expect(formats.length).toBeGreaterThan(300);
    let sure = 0;
    for (const f of formats) {
      if (sureOfRe2(f)) sure++;
      expect(outcome(f, false), f).toEqual(outcome(f, true));
    }
    // most corpus formats are checked without RE2 (the point of it)
    expect(sure).toBeGreaterThan(formats.length * 0.9);
  });

  it.each(tricky.map((f) => [f.slice(0, 60), f]))('%s: same outcome as RE2', (_, f) => {
    expect(outcome(f, false)).toEqual(outcome(f, true));
  });

  it('leaves syntax RE2 refuses to RE2, which reports it', () => {
    for (const f of ['run [z-a] {{x}}', 'run\\q {{x}}', 'run a** {{x}}', 'run a{1001} {{x}}', '(?-)x {{a}}', 'run\\e {{x}}']) {
      expect(sureOfRe2(f), f).toBe(false);
      expect(compileFormat(f).ok, f).toBe(false);
    }
    expect(sureOfRe2('run (?P<mode>a|b) (c)? [a-z]+ {{x}}')).toBe(true);
  });
});
