import { describe, expect, it } from 'vitest';
import { listQuerySchema, scopedQuery, timeBound } from '../../../src/api/execution-query.ts';

describe('execution listing filters', () => {
  it('reads times as UTC and a bare date as its whole day', () => {
    expect(timeBound('2026-05-01', 'from')).toBe('2026-05-01T00:00:00.000Z');
    expect(timeBound('2026-05-01', 'to')).toBe('2026-05-01T23:59:59.999Z');
    expect(timeBound('2026-05-01T12:30', 'from')).toBe('2026-05-01T12:30:00.000Z');
    expect(timeBound('2026-05-01T12:30:00+02:00', 'from')).toBe('2026-05-01T10:30:00.000Z');
    expect(timeBound('yesterday', 'from')).toBeUndefined();
  });

  it('treats empty form fields as no filter', () => {
    expect(listQuerySchema.parse({ q: '', user: ' ', status: '', from: '' })).toEqual({});
  });

  it('keeps a listing inside the caller’s scope', () => {
    const f = listQuerySchema.parse({ user: 'bob', q: 'restart' });
    expect(scopedQuery(f, { user: 'alice' })).toBeUndefined();
    expect(scopedQuery(f, {})).toEqual({ user: 'bob', text: 'restart' });
    expect(scopedQuery(listQuerySchema.parse({ q: 'x' }), { user: 'alice' })).toEqual({ user: 'alice', text: 'x' });
  });
});
