import { describe, expect, it } from 'vitest';
import { bodyHash, canonicalJson } from '../../../src/api/idempotency.ts';
import { dataBoundsProblem, jsonTextDeeperThan, valueDepth } from '../../../src/api/json-bounds.ts';

describe('jsonTextDeeperThan', () => {
  it.each([
    ['{}', 1, false],
    ['{"a":[[1]]}', 2, true],
    ['{"a":[[1]]}', 3, false],
    // brackets inside strings, escaped quotes included, do not count
    ['{"a":"[[[[{{{{"}', 1, false],
    ['{"a":"\\"[[[["}', 1, false],
    ['["\\\\",[[1]]]', 2, true],
  ])('%s deeper than %d: %s', (text, max, expected) => {
    expect(jsonTextDeeperThan(text, max)).toBe(expected);
  });

  it('scans 400,000 levels without recursion', () => {
    expect(jsonTextDeeperThan('['.repeat(400_000) + ']'.repeat(400_000), 64)).toBe(true);
  });
});

describe('valueDepth and dataBoundsProblem', () => {
  it('counts nesting with an explicit stack and stops past the bound', () => {
    expect(valueDepth('x', 32)).toBe(0);
    expect(valueDepth({ a: [1, { b: 2 }] }, 32)).toBe(3);
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(valueDepth(deep, 32)).toBe(33);
  });

  it('says what is wrong with data, or nothing', () => {
    expect(dataBoundsProblem({ a: { b: 1 } })).toBeUndefined();
    expect(dataBoundsProblem({ a: [[[1]]] }, 3)).toBe('is nested deeper than 3 levels');
    expect(dataBoundsProblem({ a: 'é'.repeat(10) }, 32, 20)).toBe('is 28 bytes serialized; at most 20 are allowed');
  });
});

describe('canonicalJson', () => {
  it('is one text for one body whatever the key order', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: 'x', u: undefined })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
    expect(bodyHash({ text: 'hi', user: 'alice' })).toBe(bodyHash({ user: 'alice', text: 'hi' }));
    expect(bodyHash({ text: 'hi' })).not.toBe(bodyHash({ text: 'hi', user: 'alice' }));
  });
});
