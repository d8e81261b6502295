import { describe, expect, it } from 'vitest';
import { safeNext } from '../../../src/web/pages/login.ts';

describe('safeNext', () => {
  it.each([
    ['/playground?text=x', '/playground?text=x'],
    ['/admin/queues', '/admin/queues'],
    [undefined, '/'],
    ['', '/'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['/a b', '/'],
  ])('%s -> %s', (input, expected) => {
    expect(safeNext(input)).toBe(expected);
  });
});
