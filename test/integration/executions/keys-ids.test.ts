/** Pure helpers of the execution engine (no Redis); kept beside the engine's other tests. */
import { describe, expect, it } from 'vitest';
import { ID_ALPHABET, isExecutionId, newExecutionId } from '../../../src/executions/ids.ts';
import { executionKeys, hashTagPrefix } from '../../../src/executions/keys.ts';

describe('newExecutionId', () => {
  it('gives 8 characters without look-alikes, colons or all digits', () => {
    const ids = Array.from({ length: 5000 }, newExecutionId);
    for (const id of ids) {
      expect(id).toMatch(/^[23456789abcdefghjkmnpqrstuvwxyz]{8}$/);
      expect(id).not.toMatch(/^\d+$/);
      expect(isExecutionId(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ID_ALPHABET).not.toMatch(/[01ilo:]/);
  });

  it('uses every character of the alphabet', () => {
    const seen = new Set(Array.from({ length: 2000 }, newExecutionId).join(''));
    expect(seen.size).toBe(ID_ALPHABET.length);
  });
});

describe('hashTagPrefix', () => {
  it.each([
    ['sb', '{sb}'],
    ['{sb}', '{sb}'],
    ['app{sb}', 'app{sb}'],
  ])('turns %s into %s', (input, want) => expect(hashTagPrefix(input)).toBe(want));

  it('puts every key under the one hash tag', () => {
    const k = executionKeys('sb');
    for (const key of [k.record('abc'), k.idem('SM1'), k.index, k.statusIndex('queued'), k.seq, k.cancelChannel]) {
      expect(key.startsWith('{sb}:')).toBe(true);
    }
  });
});
