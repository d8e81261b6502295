import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/types.ts';
import { hashPassword } from '../../../src/auth/password-hash.ts';
import { createLoginCheck } from '../../../src/web/credentials.ts';

const main = {
  users: {
    alice: { roles: ['ops'], password: 'pw-alice' },
    bob: { roles: [] },
    carol: { roles: [], password: '' },
    dave: { roles: [], password_hash: await hashPassword('pw-dave', { N: 1024, r: 8, p: 1 }) },
    erin: { roles: [], password: 'pw-old', password_hash: await hashPassword('pw-erin', { N: 1024, r: 8, p: 1 }) },
  },
  api_keys: [
    { name: 'ci', key: 'key-ci-123', user: 'alice', act_as_others: false },
    { name: 'ghost', key: 'key-ghost-1', user: 'nobody', act_as_others: false },
  ],
} as unknown as Config['main'];

describe('createLoginCheck', () => {
  const check = createLoginCheck({ main });

  it('accepts a user with their password, and an API key as its user', async () => {
    expect(await check({ user: 'alice', password: 'pw-alice' })).toEqual({ user: 'alice', via: 'password' });
    expect(await check({ api_key: 'key-ci-123' })).toEqual({ user: 'alice', via: 'key:ci' });
  });

  it('accepts a user with the password their password_hash was made from, and prefers the hash over a clear password', async () => {
    expect(await check({ user: 'dave', password: 'pw-dave' })).toEqual({ user: 'dave', via: 'password' });
    expect(await check({ user: 'erin', password: 'pw-erin' })).toEqual({ user: 'erin', via: 'password' });
    expect(await check({ user: 'erin', password: 'pw-old' })).toBeUndefined();
  });

  it.each([
    ['a wrong password', { user: 'alice', password: 'pw-alic' }],
    ['a user without a password', { user: 'bob', password: '' }],
    ['an empty configured password', { user: 'carol', password: '' }],
    ['an unknown user', { user: 'mallory', password: 'pw-alice' }],
    ['an inherited property name', { user: 'constructor', password: '' }],
    ['a wrong API key', { api_key: 'key-ci-12' }],
    ['a key whose user is not configured', { api_key: 'key-ghost-1' }],
    ['a wrong password against a hash', { user: 'dave', password: 'pw-dav' }],
    ['an empty password against a hash', { user: 'dave', password: '' }],
  ])('refuses %s', async (_what, form) => {
    expect(await check(form)).toBeUndefined();
  });
});
