import { describe, expect, it } from 'vitest';
import { codeDigest, confirmationTtl, describeTtl, newCode, parseConfirmReply, promptText } from '../../../src/confirmations/codes.ts';

describe('confirmationTtl', () => {
  it.each([
    [{ confirm: true }, 'sms', 'verified', 300],
    [{ confirm: { sources: ['sms', 'email'], ttl: 60 } }, 'email', 'verified', 60],
    [{ confirm: { sources: ['sms'], ttl: 60 } }, 'slack', 'verified', undefined],
    [{ confirm: { sources: ['sms'], ttl: 60 } }, 'email', 'unverified', 60],
    [{ confirm: false }, 'email', 'unverified', 300],
    [undefined, 'email', 'unverified', 300],
    [undefined, 'sms', 'verified', undefined],
    [undefined, 'api', undefined, undefined],
  ] as const)('%j from %s (%s) → %s', (alias, source, proof, ttl) => {
    expect(confirmationTtl(alias as never, source, proof)).toBe(ttl);
  });
});

describe('parseConfirmReply', () => {
  it.each([
    ['YES 482113', { kind: 'yes', code: '482113' }],
    ['yes 482113.', { kind: 'yes', code: '482113' }],
    ['  482113 ', { kind: 'yes', code: '482113' }],
    ['y: 482113', { kind: 'yes', code: '482113' }],
    ['YES', { kind: 'yes_without_code' }],
    ['NO', { kind: 'no' }],
    ['no 482113', { kind: 'no', code: '482113' }],
    ['cancel', { kind: 'no' }],
    ['restart web', undefined],
    ['yes please restart', undefined],
    ['123', undefined],
  ])('%j → %j', (text, reply) => {
    expect(parseConfirmReply(text)).toEqual(reply);
  });
});

describe('codes', () => {
  it('makes six random digits, and digests that depend on the confirmation and the code', () => {
    const codes = new Set(Array.from({ length: 50 }, () => newCode()));
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);
    expect(codes.size).toBeGreaterThan(40);
    expect(codeDigest('a', '123456')).toMatch(/^[0-9a-f]{64}$/);
    expect(codeDigest('a', '123456')).not.toBe(codeDigest('b', '123456'));
    expect(codeDigest('a', '123456')).not.toBe(codeDigest('a', '123457'));
  });

  it('words the prompt as the contract shows it', () => {
    expect(describeTtl(300)).toBe('5 minutes');
    expect(describeTtl(60)).toBe('1 minute');
    expect(describeTtl(90)).toBe('90 seconds');
    expect(promptText('482113', 300, 'restart  web\non prod')).toBe('Reply YES 482113 within 5 minutes to run: restart web on prod');
  });
});
