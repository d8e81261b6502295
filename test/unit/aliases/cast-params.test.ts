import { describe, expect, it } from 'vitest';
import { castParams } from '../../../src/aliases/index.ts';
import type { ParameterSpec } from '../../../src/config/schema.ts';

const cast1 = (value: string, spec: ParameterSpec) => castParams({ v: value }, { v: spec }, {});

describe('castParams', () => {
  it.each<[string, ParameterSpec, unknown]>([
    ['42', { type: 'integer' }, 42],
    [' -7 ', { type: 'integer' }, -7],
    ['3.5', { type: 'number' }, 3.5],
    ['1e3', { type: 'number' }, 1000],
    ['yes', { type: 'boolean' }, true],
    ['On', { type: 'boolean' }, true],
    ['1', { type: 'boolean' }, true],
    ['false', { type: 'boolean' }, false],
    ['no', { type: 'boolean' }, false],
    ['off', { type: 'boolean' }, false],
    ['0', { type: 'boolean' }, false],
    ['a, b ,c', { type: 'array' }, ['a', 'b', 'c']],
    ['["a b", 2]', { type: 'array' }, ['a b', 2]],
    ['1,2,3', { type: 'array', items: { type: 'integer' } }, [1, 2, 3]],
    ['{"a": {"b": 1}}', { type: 'object' }, { a: { b: 1 } }],
    ['hello world', { type: 'string' }, 'hello world'],
    ['web', { type: 'string', enum: ['web', 'api'] }, 'web'],
    ['5', { type: 'integer', minimum: 1, maximum: 5 }, 5],
    ['ABC-12', { type: 'string', pattern: '^[A-Z]+-[0-9]+$' }, 'ABC-12'],
    ['abc', { type: 'string', minLength: 3, maxLength: 3 }, 'abc'],
    ['untyped', {}, 'untyped'],
  ])('casts %j by %j', (value, spec, expected) => {
    expect(cast1(value, spec)).toEqual({ ok: true, params: { v: expected } });
  });

  it.each<[string, ParameterSpec, string]>([
    ['abc', { type: 'integer' }, 'bad value for v: expected an integer, got "abc"'],
    ['1.5', { type: 'integer' }, 'bad value for v: expected an integer, got "1.5"'],
    ['ten', { type: 'number' }, 'bad value for v: expected a number, got "ten"'],
    ['maybe', { type: 'boolean' }, 'bad value for v: expected a boolean (true/false, yes/no, on/off, 1/0), got "maybe"'],
    ['[1, 2', { type: 'array' }, 'bad value for v: expected a JSON array, got "[1, 2"'],
    ['[1]', { type: 'object' }, 'bad value for v: expected a JSON object, got "[1]"'],
    ['{a:1}', { type: 'object' }, 'bad value for v: expected a JSON object, got "{a:1}"'],
    ['db', { type: 'string', enum: ['web', 'api'] }, 'bad value for v: expected one of web, api, got "db"'],
    ['0', { type: 'integer', minimum: 1 }, 'bad value for v: expected a value >= 1, got "0"'],
    ['9', { type: 'integer', maximum: 5 }, 'bad value for v: expected a value <= 5, got "9"'],
    ['abc-1', { type: 'string', pattern: '^[A-Z]+-[0-9]+$' }, 'bad value for v: expected a value matching ^[A-Z]+-[0-9]+$, got "abc-1"'],
    ['ab', { type: 'string', minLength: 3 }, 'bad value for v: expected at least 3 characters, got "ab"'],
    ['abcd', { type: 'string', maxLength: 3 }, 'bad value for v: expected at most 3 characters, got "abcd"'],
  ])('refuses %j by %j', (value, spec, error) => {
    expect(cast1(value, spec)).toEqual({ ok: false, parameter: 'v', error });
  });

  it('compiles schema patterns with RE2 and reports a bad pattern', () => {
    const r = cast1('aaa', { type: 'string', pattern: '(a)\\1' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/schema pattern is invalid/);
  });

  it('applies schema defaults when a value is absent', () => {
    const parameters: Record<string, ParameterSpec> = { count: { type: 'integer', default: 5 }, host: { type: 'string' } };
    expect(castParams({ host: 'web', count: undefined }, parameters, {})).toEqual({ ok: true, params: { host: 'web', count: 5 } });
  });

  it('casts alias defaults given as written', () => {
    expect(castParams({ statuses: 'triggered,acknowledged' }, { statuses: { type: 'array' } }, {})).toEqual({
      ok: true,
      params: { statuses: ['triggered', 'acknowledged'] },
    });
  });

  it('reports a missing required parameter', () => {
    expect(castParams({}, { host: { type: 'string', required: true } }, {})).toEqual({
      ok: false,
      parameter: 'host',
      error: 'missing required parameter: host',
      missing: ['host'],
    });
  });

  it('names every missing required parameter, the first as the one at fault', () => {
    const parameters = {
      host: { type: 'string', required: true },
      port: { type: 'integer', required: true },
      tls: { type: 'boolean', required: true, default: true },
    } as const;
    expect(castParams({}, parameters, {})).toEqual({ ok: false, parameter: 'host', error: 'missing required parameter: host', missing: ['host', 'port'] });
  });

  it('adds immutable parameters and refuses values that override them', () => {
    expect(castParams({ q: 'x' }, undefined, { env: 'dev' })).toEqual({ ok: true, params: { q: 'x', env: 'dev' } });
    expect(castParams({ env: 'prod', zone: 'a' }, undefined, { zone: 'b', env: 'dev' })).toEqual({
      ok: false,
      parameter: 'zone',
      error: 'Immutable arguments cannot be overriden: zone,env',
    });
  });

  it('casts string immutables by the schema and keeps other values as given', () => {
    const parameters: Record<string, ParameterSpec> = { max: { type: 'integer' }, tags: { type: 'array' } };
    expect(castParams({}, parameters, { max: '10', tags: ['a'] })).toEqual({ ok: true, params: { max: 10, tags: ['a'] } });
  });

  it('keeps strings when there is no schema', () => {
    expect(castParams({ a: '1', b: undefined }, undefined, {})).toEqual({ ok: true, params: { a: '1' } });
  });
});
