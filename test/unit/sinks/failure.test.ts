import { describe, expect, it } from 'vitest';
import { httpStatusError, parseRetryAfter, transportError } from '../../../src/sinks/failure.ts';

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:27:30 GMT');
  it.each([
    ['2', 2000],
    ['0', 0],
    ['1.5', 1500],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 30_000],
    ['Wed, 21 Oct 2015 07:00:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
  ])('reads %j as %j ms', (value, ms) => expect(parseRetryAfter(value, now)).toBe(ms));
  it('reads a missing header as undefined', () => expect(parseRetryAfter(null)).toBeUndefined());
});

describe('httpStatusError', () => {
  it.each([
    [429, 'rate_limited', true],
    [500, 'server_error', true],
    [503, 'server_error', true],
    [408, 'timeout', true],
    [401, 'auth_error', false],
    [403, 'auth_error', false],
    [404, 'client_error', false],
    [422, 'client_error', false],
  ])('classifies HTTP %i as %s (retryable %s)', (status, reason, retryable) => {
    const e = httpStatusError('x', status, '', [], 1000);
    expect([e.reason, e.retryable]).toEqual([reason, retryable]);
    expect(e.retryAfterMs).toBe(retryable ? 1000 : undefined);
  });

  it('redacts secrets from the detail', () => {
    expect(httpStatusError('hook', 500, 'token s3cr3t-value leaked', ['s3cr3t-value']).message).toBe('hook: HTTP 500 token [redacted] leaked');
  });
});

describe('transportError', () => {
  it('names an abort of the caller’s signal', () => {
    const e = transportError('x', new Error('boom'), { caller: AbortSignal.abort(), signal: AbortSignal.abort(), timeoutMs: 5 }, []);
    expect([e.reason, e.retryable, e.message]).toEqual(['timeout', true, 'x: aborted']);
  });
  it('names a passed deadline', () => {
    const e = transportError(
      'x',
      new Error('This operation was aborted'),
      { caller: new AbortController().signal, signal: AbortSignal.abort(), timeoutMs: 300 },
      [],
    );
    expect([e.reason, e.retryable, e.message]).toEqual(['timeout', true, 'x: timed out after 300 ms']);
  });
  it('classifies a refused connection as a retryable network error', () => {
    const err = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const live = new AbortController().signal;
    const e = transportError('x', err, { caller: live, signal: live, timeoutMs: 5 }, []);
    expect([e.reason, e.retryable, e.message]).toEqual(['network', true, 'x: fetch failed (ECONNREFUSED)']);
  });
});
