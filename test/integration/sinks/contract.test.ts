/**
 * The contract every provider sink passes (as hono's common.case.test.ts serves every router):
 * delivered and recorded by the fake; 429 retryable with retryAfterMs (seconds and HTTP date);
 * 5xx retryable; the provider's permanent error not retryable; abort stops; a timeout stops; and
 * no secret in any error. Each kind lists the cases it skips, with the reason, in harnesses.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { providerSubjects, type ContractCase, type ContractHarness } from './harnesses.ts';
import { expectNoSecret, sinkFailure } from './helpers.ts';

describe.each(providerSubjects)('sink contract: $kind', (subject) => {
  let h: ContractHarness;
  beforeEach(async () => {
    h = await subject.start({});
  });
  afterEach(async () => {
    await h.close();
  });
  const test = (c: ContractCase, name: string, fn: () => Promise<void>) =>
    subject.skip?.[c] ? it.skip(`${name} (skipped: ${subject.skip[c]})`, fn) : it(name, fn);

  test('delivers', 'delivers the message and the provider records it', async () => {
    const before = h.delivered();
    const result = await h.sink.send(h.message(), new AbortController().signal);
    expect(result.skipped).toBeUndefined();
    expect(result.externalId).toBeTruthy();
    expect(h.delivered()).toBe(before + 1);
  });

  test('rate-limited', 'fails retryable with retryAfterMs on 429 + Retry-After seconds', async () => {
    h.rateLimitNext('7');
    const err = await sinkFailure(h.sink.send(h.message(), new AbortController().signal));
    expect(err.retryable).toBe(true);
    expect(err.reason).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(7000);
    expectNoSecret(err, h.secrets);
  });

  test('retry-after-date', 'reads a Retry-After HTTP date', async () => {
    h.rateLimitNext(new Date(Date.now() + 120_000).toUTCString());
    const err = await sinkFailure(h.sink.send(h.message(), new AbortController().signal));
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThan(60_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  test('server-error', 'fails retryable on a server error', async () => {
    h.serverErrorNext();
    const err = await sinkFailure(h.sink.send(h.message(), new AbortController().signal));
    expect(err.retryable).toBe(true);
    expectNoSecret(err, h.secrets);
  });

  test('permanent', 'fails for good on the provider’s permanent error', async () => {
    h.permanentErrorNext();
    const err = await sinkFailure(h.sink.send(h.message(), new AbortController().signal));
    expect(err.retryable).toBe(false);
    expect(err.retryAfterMs).toBeUndefined();
    expectNoSecret(err, h.secrets);
  });

  test('abort', 'sends nothing when the signal is already aborted', async () => {
    const before = h.attempts();
    const err = await sinkFailure(h.sink.send(h.message(), AbortSignal.abort()));
    expect(err.retryable).toBe(true);
    expect(h.attempts()).toBe(before);
  });

  test('abort', 'stops waiting when aborted mid-request', async () => {
    h.hangNext();
    const before = h.attempts();
    const ac = new AbortController();
    const sending = h.sink.send(h.message(), ac.signal);
    await h.waitForAttempts(before + 1);
    ac.abort();
    const err = await sinkFailure(sending);
    expect(err.retryable).toBe(true);
    expect(err.reason).toBe('timeout');
    expectNoSecret(err, h.secrets);
  });
});

describe.each(providerSubjects)('sink contract: $kind with a short timeout', (subject) => {
  it.skipIf(subject.skip?.timeout)('fails retryable when the provider does not answer in time', async () => {
    const h = await subject.start({ timeoutMs: 300 });
    try {
      h.hangNext();
      const err = await sinkFailure(h.sink.send(h.message(), new AbortController().signal));
      expect([err.reason, err.retryable]).toEqual(['timeout', true]);
      expectNoSecret(err, h.secrets);
    } finally {
      await h.close();
    }
  });
});
