import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rateWindow, slidingDecision, slowDownText } from '../../../src/auth/rate-limit.ts';

// checkRateLimit itself runs against real Redis in test/integration/ingress/twilio-sms-rate-limit.test.ts

describe('rateWindow', () => {
  it.each([
    [0, 0, 60],
    [1, 0, 60],
    [59_000, 0, 1],
    [59_999, 0, 1],
    [60_000, 1, 60],
    [90_000, 1, 30],
    [90_500, 1, 30],
  ])('puts %i ms in window %i with %i s left', (now, window, retry) => {
    expect(rateWindow(now)).toEqual({ window, retryAfterSeconds: retry });
  });

  it('always leaves at least one second to wait', () => {
    for (let ms = 59_000; ms < 60_000; ms += 7) expect(rateWindow(ms).retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });
});

describe('slidingDecision', () => {
  const MIN = 60_000;
  const T = 1_800_000_000_000; // a minute boundary

  it.each([
    // prev, curr, ms into the minute, limit -> allowed, count, retry
    [0, 0, 0, 1, true, 1, 0],
    [0, 2, 15_000, 3, true, 3, 0],
    [0, 3, 15_000, 3, false, 4, 65],
    [4, 0, 1_000, 4, false, 5, 14],
    [4, 0, 15_000, 4, true, 4, 0],
    [30, 0, 30_000, 30, true, 16, 0],
    [30, 15, 30_000, 30, false, 31, 2],
    [30, 14, 30_000, 30, true, 30, 0],
    // floating point once made this 16 s (60000 - 21 * 60000 / 28 is 14999.999... or 15000.000...1)
    [28, 4, 0, 26, false, 33, 15],
  ])('prev %i, curr %i, %i ms in, limit %i: allowed %s, count %i, retry %i s', (prev, curr, ms, limit, allowed, count, retry) => {
    expect(slidingDecision(prev, curr, T + ms, limit)).toEqual({ allowed, count, retryAfterSeconds: retry });
  });

  it('lets a refused sender through after exactly the wait it gives, not a second before', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: MIN - 1 }),
        fc.integer({ min: 1, max: 40 }),
        (prev, curr, ms, limit) => {
          const now = T + ms;
          const d = slidingDecision(prev, curr, now, limit);
          if (d.allowed) return;
          // the counters as they stand at a later time, nothing more counted (refused commands are not)
          const at = (later: number) => {
            const minutes = Math.floor((later - T) / MIN);
            const [p, c] = minutes === 0 ? [prev, curr] : minutes === 1 ? [curr, 0] : [0, 0];
            return slidingDecision(p, c, later, limit).allowed;
          };
          expect(at(now + d.retryAfterSeconds * 1000)).toBe(true);
          if (d.retryAfterSeconds > 1) expect(at(now + (d.retryAfterSeconds - 1) * 1000)).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('slowDownText', () => {
  it('says to slow down and when to try again', () => {
    const text = slowDownText({ allowed: false, count: 31, retryAfterSeconds: 12 });
    expect(text).toMatch(/slow down/i);
    expect(text).toContain('12s');
    expect(text.length).toBeLessThanOrEqual(160);
  });
});
