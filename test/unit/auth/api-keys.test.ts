import { describe, expect, it } from 'vitest';
import { createApiKeyVerifier, findApiKey, parseBearer, type ApiKey } from '../../../src/auth/api-keys.ts';

const keys: ApiKey[] = [
  { name: 'ci', key: 'ci-secret-key-0001', user: 'alice', act_as_others: false },
  { name: 'bridge', key: 'bridge-secret-key-0002', user: 'svc', act_as_others: true },
  { name: 'unset', key: '', user: 'bob', act_as_others: false },
];

describe('parseBearer', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   abc  ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %j as %j', (header, token) => {
    expect(parseBearer(header)).toBe(token);
  });
});

describe('createApiKeyVerifier', () => {
  const verify = createApiKeyVerifier(keys);

  it('returns the key a token belongs to', () => {
    expect(verify('ci-secret-key-0001')?.name).toBe('ci');
    expect(verify('bridge-secret-key-0002')?.name).toBe('bridge');
  });

  it.each([
    ['a wrong key', 'ci-secret-key-0002'],
    ['a prefix of a key', 'ci-secret'],
    ['a key with extra characters', 'ci-secret-key-0001x'],
    ['a key in another case', 'CI-SECRET-KEY-0001'],
    ['an empty token', ''],
    ['no token', undefined],
  ])('returns undefined for %s', (_label, token) => {
    expect(verify(token)).toBeUndefined();
  });

  it('never matches a configured key left empty by an unset variable', () => {
    expect(verify('')).toBeUndefined();
    expect(findApiKey([{ name: 'x', key: '', user: 'bob', act_as_others: false }], '')).toBeUndefined();
  });

  it('compares fixed-length digests, so very long tokens are refused without error', () => {
    expect(verify('x'.repeat(100_000))).toBeUndefined();
  });
});

describe('findApiKey', () => {
  it('finds a key in one call', () => {
    expect(findApiKey(keys, 'ci-secret-key-0001')?.user).toBe('alice');
  });
});
