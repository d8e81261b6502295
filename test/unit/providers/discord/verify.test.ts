import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignatureError } from '../../../../src/auth/signature-error.ts';
import { discordPublicKey, verifyDiscordRequest } from '../../../../src/providers/discord/verify.ts';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const PUBLIC_HEX = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
const other = generateKeyPairSync('ed25519').privateKey;
const NOW = 1_765_000_000_000;
const TS = String(NOW / 1000);
const BODY = '{"type":1,"id":"1","application_id":"2"}';
const signed = (ts: string, body: string, key = privateKey) => sign(null, Buffer.from(ts + body), key).toString('hex');

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(SignatureError);
    return (err as SignatureError).code;
  }
}

describe('verifyDiscordRequest', () => {
  const base = { publicKey: PUBLIC_HEX, body: BODY, timestamp: TS, signature: signed(TS, BODY), nowMs: NOW };

  it('accepts a request signed with the application key over timestamp + body', () => {
    expect(codeOf(() => verifyDiscordRequest(base))).toBeUndefined();
    expect(codeOf(() => verifyDiscordRequest({ ...base, body: Buffer.from(BODY), publicKey: PUBLIC_HEX.toUpperCase() }))).toBeUndefined();
  });

  it.each([
    ['another key', { signature: signed(TS, BODY, other) }, 'signature_mismatch'],
    ['a changed body', { body: BODY.replace('"type":1', '"type":2') }, 'signature_mismatch'],
    ['a changed timestamp', { timestamp: String(Number(TS) + 1) }, 'signature_mismatch'],
    ['a signature that is not hex', { signature: 'zz'.repeat(64) }, 'signature_mismatch'],
    ['a short signature', { signature: signed(TS, BODY).slice(0, 100) }, 'signature_mismatch'],
    ['no signature', { signature: undefined }, 'signature_missing'],
    ['no timestamp', { timestamp: undefined }, 'signature_missing'],
    ['a timestamp in milliseconds', { timestamp: String(NOW), signature: signed(String(NOW), BODY) }, 'signature_missing'],
    ['a timestamp that is not a number', { timestamp: '12a', signature: signed('12a', BODY) }, 'signature_missing'],
    ['a timestamp 301 s old', { timestamp: String(Number(TS) - 301), signature: signed(String(Number(TS) - 301), BODY) }, 'signature_stale'],
    ['a timestamp 301 s ahead', { timestamp: String(Number(TS) + 301), signature: signed(String(Number(TS) + 301), BODY) }, 'signature_stale'],
  ] as const)('refuses %s', (_name, over, code) => {
    expect(codeOf(() => verifyDiscordRequest({ ...base, ...over }))).toBe(code);
  });

  it('accepts a timestamp 300 s old (the window edge)', () => {
    const ts = String(Number(TS) - 300);
    expect(codeOf(() => verifyDiscordRequest({ ...base, timestamp: ts, signature: signed(ts, BODY) }))).toBeUndefined();
  });
});

describe('discordPublicKey', () => {
  it('refuses a key that is not 32 bytes of hex', () => {
    expect(() => discordPublicKey('abc')).toThrow(/64 hex digits/);
    expect(() => discordPublicKey(`${PUBLIC_HEX}00`)).toThrow(/64 hex digits/);
  });
});
