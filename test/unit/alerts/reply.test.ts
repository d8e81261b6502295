import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SILENCE_MS, parseAlertReply } from '../../../src/alerts/reply.ts';

describe('parseAlertReply', () => {
  it.each([
    ['ACK 4821', { code: '4821', action: { kind: 'ack' } }],
    ['ack 4821', { code: '4821', action: { kind: 'ack' } }],
    ['ACK #4821', { code: '4821', action: { kind: 'ack' } }],
    ['acknowledge 4821', { code: '4821', action: { kind: 'ack' } }],
    ['4821 ack', { code: '4821', action: { kind: 'ack' } }],
    ['  Ack   4821. ', { code: '4821', action: { kind: 'ack' } }],
    ['UNACK 4821', { code: '4821', action: { kind: 'unack' } }],
    ['SILENCE 4821 2h', { code: '4821', action: { kind: 'silence', durationMs: 7_200_000 } }],
    ['silence 4821 for 2h', { code: '4821', action: { kind: 'silence', durationMs: 7_200_000 } }],
    ['silence #4821 1h30m', { code: '4821', action: { kind: 'silence', durationMs: 5_400_000 } }],
    ['silence 4821 2 hours', { code: '4821', action: { kind: 'silence', durationMs: 7_200_000 } }],
    ['silence 4821', { code: '4821', action: { kind: 'silence', durationMs: DEFAULT_SILENCE_MS } }],
  ])('%j', (text, expected) => {
    expect(parseAlertReply(text)).toEqual(expected);
  });

  it('answers a SILENCE with a bad duration with what was expected', () => {
    const r = parseAlertReply('SILENCE 4821 soon');
    expect(r).toMatchObject({ code: '4821' });
    expect(r && 'error' in r && r.error).toMatch(/SILENCE 4821 needs a duration like 2h .*"soon" is not one/);
  });

  it('asks for the code when a verb comes alone', () => {
    const r = parseAlertReply('ack');
    expect(r && 'error' in r && r.error).toMatch(/Which alert\? Reply ACK and its code/);
  });

  it.each([
    'constructor 4821',
    '__proto__ 4821',
    '4821 toString',
    'restart web',
    'YES 482113',
    'ack all the things now',
    'acked',
    'status 4821',
    '4821',
    'ack 4821 extra',
    'silence web 2h',
  ])('%j is not an alert reply', (text) => {
    expect(parseAlertReply(text)).toBeUndefined();
  });

  it('never throws, and a match always names a code of digits', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom('ack ', 'silence ', 'unack ', 'ACK #').chain((p) => fc.string().map((s) => p + s)),
        ),
        (s) => {
          const r = parseAlertReply(s);
          return r === undefined || r.code === undefined || /^\d+$/.test(r.code);
        },
      ),
    );
  });
});
