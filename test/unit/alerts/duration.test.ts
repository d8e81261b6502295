import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/alerts/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['90', 90_000],
    ['1.5h', 5_400_000],
    ['2 hours', 7_200_000],
    ['10min', 600_000],
    [' 2H ', 7_200_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '5x', 'h', '5m3', '-5m', '0', '0s', 'm5', '1h-', '99999d'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('never throws and gives a positive number or nothing', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const ms = parseDuration(s);
        return ms === undefined || (Number.isInteger(ms) && ms > 0);
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [5_400_000, '1h30m'],
    [720_000, '12m'],
    [90_000, '1m30s'],
    [86_400_000 + 3_600_000, '1d1h'],
    [400, '0s'],
    [-5, '0s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips whole seconds through parseDuration', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 * 86_400 }), (s) => parseDuration(formatDuration(s * 1000)) === s * 1000));
  });
});
