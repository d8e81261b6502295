import { describe, expect, it } from 'vitest';
import { nextConcurrency } from '../../../src/deliveries/loop-guard.ts';

const policy = { min: 1, max: 20, targetMs: 10 };

describe('nextConcurrency', () => {
  it('halves the bulk concurrency while the loop runs later than the target', () => {
    expect(nextConcurrency(20, 10.5, policy)).toBe(10);
    expect(nextConcurrency(5, 40, policy)).toBe(2);
  });

  it('never goes below min, nor below 1 whatever min says', () => {
    expect(nextConcurrency(1, 500, policy)).toBe(1);
    expect(nextConcurrency(3, 500, { ...policy, min: 2 })).toBe(2);
    expect(nextConcurrency(1, 500, { ...policy, min: 0 })).toBe(1);
  });

  it('treats an unmeasured interval (the loop blocked throughout) as over the target', () => {
    expect(nextConcurrency(8, Number.POSITIVE_INFINITY, policy)).toBe(4);
    expect(nextConcurrency(8, Number.NaN, policy)).toBe(4);
  });

  it('gives back one slot per interval while the delay is under half the target, up to max', () => {
    expect(nextConcurrency(1, 0, policy)).toBe(2);
    expect(nextConcurrency(19, 4.9, policy)).toBe(20);
    expect(nextConcurrency(20, 0, policy)).toBe(20);
  });

  it("gives way only when its own loop is busy: a delay while the loop is mostly idle is the host's load, and grows back", () => {
    expect(nextConcurrency(8, 40, policy, 0.9)).toBe(4);
    expect(nextConcurrency(8, 40, policy, 0.5)).toBe(4);
    expect(nextConcurrency(8, 40, policy, 0.2)).toBe(9);
    expect(nextConcurrency(20, 40, policy, 0.2)).toBe(20);
    expect(nextConcurrency(8, 40, { ...policy, busyAt: 0.1 }, 0.2)).toBe(4);
    // no sample in the whole interval: one turn held the loop, this process's own doing
    expect(nextConcurrency(8, Number.POSITIVE_INFINITY, policy, 0.2)).toBe(4);
  });

  it('keeps the concurrency between half the target and the target', () => {
    expect(nextConcurrency(7, 5, policy)).toBe(7);
    expect(nextConcurrency(7, 10, policy)).toBe(7);
  });

  it('brings a value set outside the bounds back within them', () => {
    expect(nextConcurrency(50, 7, policy)).toBe(20);
    expect(nextConcurrency(0, 7, policy)).toBe(1);
  });

  it('recovers from a storm to the full concurrency once the loop is idle again', () => {
    let c = 20;
    for (const d of [30, 30, 30, 30, 30]) c = nextConcurrency(c, d, policy);
    expect(c).toBe(1);
    for (let i = 0; i < 19; i++) c = nextConcurrency(c, 1, policy);
    expect(c).toBe(20);
  });
});
