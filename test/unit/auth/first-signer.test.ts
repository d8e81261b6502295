import { describe, expect, it } from 'vitest';
import { firstSigner, SignatureError } from '../../../src/auth/signature-error.ts';

/** Accepts `secret` only: a missing one fails as missing, another one as a mismatch. */
const verifyWith = (presented: string | undefined) => (secret: string) => {
  if (presented === undefined) throw new SignatureError('signature_missing', 'no signature');
  if (presented !== secret) throw new SignatureError('signature_mismatch', 'wrong');
};

describe('firstSigner', () => {
  it('returns the first channel that verifies, in order', () => {
    expect(firstSigner(['a', 'b', 'b'], verifyWith('b'), 'none')).toBe('b');
  });

  it('throws the last failure when no channel verifies', () => {
    expect(() => firstSigner(['a', 'b'], verifyWith('c'), 'none')).toThrow(expect.objectContaining({ code: 'signature_mismatch' }));
    expect(() => firstSigner(['a'], verifyWith(undefined), 'none')).toThrow(expect.objectContaining({ code: 'signature_missing', message: 'no signature' }));
  });

  it('refuses as unsigned, with the given message, when there is no channel', () => {
    expect(() => firstSigner([], verifyWith('a'), 'inbound X is disabled')).toThrow(
      expect.objectContaining({ code: 'signature_missing', message: 'inbound X is disabled' }),
    );
  });

  it('lets any other error through', () => {
    expect(() =>
      firstSigner(
        ['a'],
        () => {
          throw new TypeError('boom');
        },
        'none',
      ),
    ).toThrow(TypeError);
  });
});
