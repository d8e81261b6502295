import { describe, expect, it } from 'vitest';
import { findUnknownConditionKeys, flattenWhen, matchesWhen, matchGlob, readPath } from '../../../src/routing/index.ts';
import type { Notification } from '../../../src/notify/index.ts';

const n: Notification = {
  id: 'EX1/on_failure/ops',
  name: 'ops',
  trigger: 'on_failure',
  subject: 'ops.restart failed',
  message: 'm',
  data: { severity: 'critical', service: { name: 'web', tier: 1 }, tags: ['db', 'prod'], count: 3 },
  status: 'failed',
  action: 'ops.restart',
  alias: 'ops.restart',
  user: 'alice',
  executionId: 'EX1',
  origin: { source: 'sms', sender: '+1555' },
};

describe('matchGlob', () => {
  it.each<[string, string, boolean]>([
    ['ops.*', 'ops.restart', true],
    ['ops.*', 'ops.db.backup', true],
    ['ops.*', 'opsXrestart', false],
    ['ops.*', 'db.backup', false],
    ['*', 'anything', true],
    ['*', '', true],
    ['ops.re?tart', 'ops.restart', true],
    ['*.backup', 'db.backup', true],
    ['a+b', 'a+b', true],
    ['a+b', 'aab', false],
    ['(x)', '(x)', true],
    ['Failed', 'failed', false],
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(matchGlob(pattern, value)).toBe(expected);
  });
});

describe('matchesWhen', () => {
  it.each<[string, Record<string, unknown> | undefined, boolean]>([
    ['absent when', undefined, true],
    ['empty when', {}, true],
    ['status exact', { status: 'failed' }, true],
    ['status other', { status: 'succeeded' }, false],
    ['status any-of', { status: ['failed', 'timeout'] }, true],
    ['status any-of, none holds', { status: ['succeeded', 'canceled'] }, false],
    ['action glob', { action: 'ops.*' }, true],
    ['action glob miss', { action: 'db.*' }, false],
    ['action any-of globs', { action: ['db.*', 'ops.re*'] }, true],
    ['alias', { alias: 'ops.restart' }, true],
    ['user', { user: ['bob', 'alice'] }, true],
    ['user miss', { user: 'bob' }, false],
    ['trigger', { trigger: 'on_failure' }, true],
    ['trigger miss', { trigger: 'on_complete' }, false],
    ['source', { source: 'sms' }, true],
    ['data path', { 'data.severity': 'critical' }, true],
    ['data path miss', { 'data.severity': 'warning' }, false],
    ['data deep path', { 'data.service.name': 'web' }, true],
    ['data number against string', { 'data.service.tier': '1' }, true],
    ['data number against number', { 'data.count': 3 }, true],
    ['data list value: any element', { 'data.tags': 'prod' }, true],
    ['data list value with any-of', { 'data.tags': ['staging', 'db'] }, true],
    ['data missing path', { 'data.nope': 'x' }, false],
    ['data missing path against null', { 'data.nope': null }, true],
    ['nested data map', { data: { severity: 'crit*', service: { name: 'web' } } }, true],
    ['nested data map miss', { data: { severity: 'warning' } }, false],
    ['all keys must hold', { status: 'failed', action: 'ops.*', 'data.severity': 'critical' }, true],
    ['all keys must hold, one fails', { status: 'failed', action: 'ops.*', 'data.severity': 'low' }, false],
    ['unknown key never holds', { severity: 'critical' }, false],
  ])('%s', (_, when, expected) => {
    expect(matchesWhen(n, when)).toBe(expected);
  });

  it('fails a key the notification lacks (an API notification has no status)', () => {
    const api: Notification = { id: 'r/api/ops', name: 'ops', trigger: 'api', subject: 's', message: 'm', data: {} };
    expect(matchesWhen(api, { status: 'failed' })).toBe(false);
    expect(matchesWhen(api, { trigger: 'api' })).toBe(true);
  });
});

describe('flattenWhen / findUnknownConditionKeys / readPath', () => {
  it('flattens nested data maps to dot paths', () => {
    expect(flattenWhen({ status: 'failed', data: { a: { b: 1 } } })).toEqual([
      ['status', 'failed'],
      ['data.a.b', 1],
    ]);
  });

  it('lists keys no condition reads', () => {
    expect(findUnknownConditionKeys({ status: 'x', severity: 'y', 'data.severity': 'z', data: { ok: 1 } })).toEqual(['severity']);
  });

  it('reads dot paths, including list indexes', () => {
    expect(readPath({ a: { b: [1, 2] } }, 'a.b.1')).toBe(2);
    expect(readPath({ a: 'x' }, 'a.b')).toBeUndefined();
  });
});
