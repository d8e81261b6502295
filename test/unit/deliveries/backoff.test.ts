import { describe, expect, it } from 'vitest';
import { deliveryBackoff, RETRY_CAP_MS } from '../../../src/deliveries/backoff.ts';
import { SinkError } from '../../../src/sinks/sink.ts';

describe('deliveryBackoff', () => {
  it.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [20, RETRY_CAP_MS / 2, RETRY_CAP_MS],
  ])('waits between half and all of the exponential delay after attempt %i', (attempts, min, max) => {
    expect(deliveryBackoff(attempts, 'delivery', undefined, () => 0)).toBe(min);
    expect(deliveryBackoff(attempts, 'delivery', undefined, () => 0.999999)).toBeLessThanOrEqual(max);
    expect(deliveryBackoff(attempts, 'delivery', undefined, () => 0.999999)).toBeGreaterThan(max - 2);
  });

  it('never retries sooner than the Retry-After of the error', () => {
    const err = new SinkError('429', 'rate_limited', true, 2000);
    expect(deliveryBackoff(1, 'delivery', err, () => 0)).toBe(2000);
    expect(deliveryBackoff(1, 'delivery', err, () => 0.99)).toBeLessThan(2250);
  });

  it('honours a Retry-After longer than the cap', () => {
    expect(deliveryBackoff(1, 'delivery', new SinkError('429', 'rate_limited', true, 3_600_000), () => 0)).toBe(3_600_000);
  });
});
