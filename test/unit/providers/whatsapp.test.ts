import { describe, expect, it } from 'vitest';
import { fitWhatsApp, inSession, isWhatsApp, WHATSAPP_MAX_CHARS, whatsappSender } from '../../../src/providers/sms/whatsapp.ts';

describe('inSession', () => {
  const at = Date.parse('2026-01-01T10:00:00Z');
  it.each([
    ['just after the last message', '2026-01-01T10:00:00Z', at + 1000, true],
    ['a second before 24 hours', '2026-01-01T10:00:00Z', at + 24 * 3_600_000 - 1000, true],
    ['24 hours after', '2026-01-01T10:00:00Z', at + 24 * 3_600_000, false],
    ['no message on record', undefined, at, false],
    ['a timestamp that is not one', 'yesterday-ish', at, false],
  ])('%s: %s', (_, last, now, expected) => {
    expect(inSession(last, now)).toBe(expected);
  });
});

describe('whatsappSender', () => {
  it('is whatsapp_from, else from as whatsapp:, else none', () => {
    expect(whatsappSender({ whatsapp_from: 'whatsapp:+15550009999', from: '+15550001111' })).toBe('whatsapp:+15550009999');
    expect(whatsappSender({ from: '+15550001111' })).toBe('whatsapp:+15550001111');
    expect(whatsappSender({})).toBeUndefined();
  });
});

describe('isWhatsApp', () => {
  it('tells a WhatsApp address from a number', () => {
    expect([isWhatsApp('whatsapp:+15551230001'), isWhatsApp('+15551230001')]).toEqual([true, false]);
  });
});

describe('fitWhatsApp', () => {
  it('keeps a text that fits and cuts a long one at a word with the reference id', () => {
    expect(fitWhatsApp(' done ', 'x1')).toBe('done');
    const cut = fitWhatsApp('word '.repeat(500), 'x1');
    expect(cut.length).toBeLessThanOrEqual(WHATSAPP_MAX_CHARS);
    expect(cut).toMatch(/word… \[id x1\]$/);
  });
});
