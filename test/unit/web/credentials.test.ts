import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/types.ts';
import { createLoginCheck } from '../../../src/web/credentials.ts';

const main = {
  users: { alice: { roles: ['ops'], password: 'pw-alice' }, bob: { roles: [] }, carol: { roles: [], password: '' } },
  api_keys: [
    { name: 'ci', key: 'key-ci-123', user: 'alice', act_as_others: false },
    { name: 'ghost', key: 'key-ghost-1', user: 'nobody', act_as_others: false },
  ],
} as unknown as Config['main'];

describe('createLoginCheck', () => {
  const check = createLoginCheck({ main });

  it('accepts a user with their password, and an API key as its user', () => {
    expect(check({ user: 'alice', password: 'pw-alice' })).toEqual({ user: 'alice', via: 'password' });
    expect(check({ api_key: 'key-ci-123' })).toEqual({ user: 'alice', via: 'key:ci' });
  });

  it.each([
    ['a wrong password', { user: 'alice', password: 'pw-alic' }],
    ['a user without a password', { user: 'bob', password: '' }],
    ['an empty configured password', { user: 'carol', password: '' }],
    ['an unknown user', { user: 'mallory', password: 'pw-alice' }],
    ['an inherited property name', { user: 'constructor', password: '' }],
    ['a wrong API key', { api_key: 'key-ci-12' }],
    ['a key whose user is not configured', { api_key: 'key-ghost-1' }],
  ])('refuses %s', (_what, form) => {
    expect(check(form)).toBeUndefined();
  });
});
