import { describe, expect, it } from 'vitest';
import { rateWindow, slowDownText } from '../../../src/auth/rate-limit.ts';

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

describe('slowDownText', () => {
  it('says to slow down and when to try again', () => {
    const text = slowDownText({ allowed: false, count: 31, retryAfterSeconds: 12 });
    expect(text).toMatch(/slow down/i);
    expect(text).toContain('12s');
    expect(text.length).toBeLessThanOrEqual(160);
  });
});
