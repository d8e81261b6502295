import { describe, expect, it } from 'vitest';
import { allowFromConfig, mayRun, resolveUser, visibleAliases, type Principal } from '../../../src/auth/authorize.ts';
import type { Config } from '../../../src/config/types.ts';

const alice: Principal = { name: 'alice', roles: ['ops', 'dev'] };
const bob: Principal = { name: 'bob', roles: ['viewer'] };
const nobody: Principal = { name: 'carol', roles: [] };

describe('mayRun', () => {
  it.each([
    ['a user with an allowed role', alice, { allow: ['ops'] }, true],
    ['a user with one of several allowed roles', alice, { allow: ['admin', 'dev'] }, true],
    ['a user without any allowed role', bob, { allow: ['ops'] }, false],
    ['any known user when allow is absent', bob, {}, true],
    ['a user without roles when allow is absent', nobody, {}, true],
    ['nobody when allow is empty', alice, { allow: [] }, false],
    ['an unknown user, even when allow is absent', undefined, {}, false],
  ] as const)('decides for %s', (_label, user, alias, expected) => {
    expect(mayRun(user, alias)).toBe(expected);
  });

  it('refuses an alias it knows nothing about', () => {
    expect(mayRun(alice, undefined)).toBe(false);
  });
});

const config = {
  main: { users: { alice: { roles: ['ops'] }, bob: { roles: ['viewer'] } } },
  aliases: [{ id: 'ops.restart', allow: ['ops'] }, { id: 'core.ping' }, { id: 'view.status', allow: ['viewer', 'ops'] }],
} as unknown as Config;

describe('resolveUser', () => {
  it('returns the configured user with roles', () => {
    expect(resolveUser(config, 'bob')).toEqual({ name: 'bob', roles: ['viewer'] });
  });

  it.each([undefined, 'mallory', 'toString', '__proto__'])('returns undefined for %j', (name) => {
    expect(resolveUser(config, name)).toBeUndefined();
  });
});

describe('visibleAliases', () => {
  const matcher = { aliases: [{ id: 'ops.restart' }, { id: 'core.ping' }, { id: 'view.status' }, { id: 'ghost' }] };
  const allowOf = allowFromConfig(config);

  it('lists what each user may run, in order', () => {
    expect(visibleAliases(resolveUser(config, 'alice'), matcher, allowOf).map((a) => a.id)).toEqual(['ops.restart', 'core.ping', 'view.status']);
    expect(visibleAliases(resolveUser(config, 'bob'), matcher, allowOf).map((a) => a.id)).toEqual(['core.ping', 'view.status']);
  });

  it('lists nothing for an unknown user', () => {
    expect(visibleAliases(undefined, matcher, allowOf)).toEqual([]);
  });
});
