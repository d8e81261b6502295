import { describe, expect, it } from 'vitest';
import { countSegments, fitSegments, isGsm7 } from '../../../src/providers/sms/segments.ts';

describe('countSegments', () => {
  it.each([
    ['empty', '', 'GSM-7', 0, 0],
    ['plain ASCII', 'hello', 'GSM-7', 5, 1],
    ['160 GSM-7 characters fill one segment', 'a'.repeat(160), 'GSM-7', 160, 1],
    ['161 GSM-7 characters need two (153 each)', 'a'.repeat(161), 'GSM-7', 161, 2],
    ['306 GSM-7 characters fill two', 'a'.repeat(306), 'GSM-7', 306, 2],
    ['307 GSM-7 characters need three', 'a'.repeat(307), 'GSM-7', 307, 3],
    ['basic-table accents stay GSM-7', 'é à ü Ñ ß Å £ ¥ §', 'GSM-7', 17, 1],
    ['extension characters count double', '{}[]~^|\\€', 'GSM-7', 18, 1],
    ['80 euro signs are 160 septets: one segment', '€'.repeat(80), 'GSM-7', 160, 1],
    ['81 euro signs are 162 septets: two segments', '€'.repeat(81), 'GSM-7', 162, 2],
    ['an escape sequence is never split across segments', '€'.repeat(153), 'GSM-7', 306, 3],
    ['one non-GSM character switches to UCS-2', 'a'.repeat(69) + '✓', 'UCS-2', 70, 1],
    ['71 UCS-2 units need two segments (67 each)', 'a'.repeat(70) + '✓', 'UCS-2', 71, 2],
    ['134 UCS-2 units fill two', '✓' + 'a'.repeat(133), 'UCS-2', 134, 2],
    ['135 UCS-2 units need three', '✓' + 'a'.repeat(134), 'UCS-2', 135, 3],
    ['an emoji is two UTF-16 units', '😀'.repeat(35), 'UCS-2', 70, 1],
    ['a surrogate pair is never split across segments', '😀'.repeat(67), 'UCS-2', 134, 3],
    ['accented letters outside GSM-7 switch to UCS-2', 'á', 'UCS-2', 1, 1],
  ])('counts %s', (_name, text, encoding, units, segments) => {
    expect(countSegments(text)).toEqual({ encoding, units, segments });
  });
});

describe('isGsm7', () => {
  it('accepts the basic and extension tables and rejects others', () => {
    expect(isGsm7('Hello @ world! {x} €5\n')).toBe(true);
    expect(isGsm7('curly ’quote’')).toBe(false);
    expect(isGsm7('…')).toBe(false);
  });
});

describe('fitSegments', () => {
  const words = 'deploy of web finished on host number'.split(' ');
  const long = Array.from({ length: 60 }, (_, i) => words[i % words.length]).join(' ');

  it('keeps a text that fits unchanged', () => {
    expect(fitSegments('all good', 1, 'ex1')).toBe('all good');
  });

  it('cuts an over-budget GSM-7 text at a word and ends with the id', () => {
    const out = fitSegments(long, 1, 'abc123');
    expect(out.endsWith('... [id abc123]')).toBe(true);
    expect(countSegments(out)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    const kept = out.slice(0, -'... [id abc123]'.length);
    expect(long.startsWith(kept)).toBe(true);
    expect(long[kept.length]).toBe(' ');
    expect(out.length).toBeGreaterThan(140);
  });

  it('uses the whole budget of several segments', () => {
    const out = fitSegments(long + ' ' + long, 2, 'abc123');
    expect(countSegments(out).segments).toBe(2);
    expect(out.length).toBeGreaterThan(290);
  });

  it('ends a UCS-2 text with a real ellipsis', () => {
    const out = fitSegments(`✓ ${long}`, 1, 'abc123');
    expect(out.endsWith('… [id abc123]')).toBe(true);
    expect(countSegments(out)).toMatchObject({ encoding: 'UCS-2', segments: 1 });
  });

  it('cuts inside a single over-long word when it must', () => {
    const out = fitSegments('x'.repeat(400), 1, 'id9');
    expect(out.endsWith('... [id id9]')).toBe(true);
    expect(countSegments(out).segments).toBe(1);
  });
});
