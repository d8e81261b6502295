import { describe, expect, it } from 'vitest';
import { createPressureGauge, pressureOf, RETRY_AFTER_MAX, RETRY_AFTER_UNKNOWN } from '../../../src/deliveries/pressure.ts';

describe('pressureOf', () => {
  it('accepts below max_backlog whatever the drain rate', () => {
    expect(pressureOf({ backlog: 999, done: 0, at: 2000 }, { backlog: 0, done: 0, at: 1000 }, 1000)).toEqual({ ok: true });
  });

  it('refuses at max_backlog with the seconds the observed drain needs to get back to 90 % of it', () => {
    // 500 finished in 1 s; 1500 - 900 = 600 to drain -> 2 s
    expect(pressureOf({ backlog: 1500, done: 1500, at: 2000 }, { backlog: 1400, done: 1000, at: 1000 }, 1000)).toEqual({
      ok: false,
      waiting: 1500,
      retryAfterSeconds: 2,
    });
  });

  it('answers a fixed Retry-After when nothing drains (no worker) and caps a slow drain', () => {
    const stalled = pressureOf({ backlog: 2000, done: 10, at: 5000 }, { backlog: 2000, done: 10, at: 1000 }, 1000);
    expect(stalled).toEqual({ ok: false, waiting: 2000, retryAfterSeconds: RETRY_AFTER_UNKNOWN });
    expect(pressureOf({ backlog: 2000, done: 0, at: 1000 }, undefined, 1000)).toMatchObject({ retryAfterSeconds: RETRY_AFTER_UNKNOWN });
    // 1 per second for 1100 excess
    expect(pressureOf({ backlog: 2000, done: 11, at: 11_000 }, { backlog: 2000, done: 1, at: 1000 }, 1000)).toMatchObject({
      retryAfterSeconds: RETRY_AFTER_MAX,
    });
  });
});

describe('createPressureGauge', () => {
  it('reads Redis at most once per 250 ms however many ask, and once for concurrent askers', async () => {
    let t = 0;
    let reads = 0;
    let backlog = 10;
    const gauge = createPressureGauge({
      maxBacklog: 10,
      now: () => t,
      read: async () => {
        reads += 1;
        return { backlog, done: 0 };
      },
    });
    const first = await Promise.all(Array.from({ length: 100 }, () => gauge.check()));
    expect(reads).toBe(1);
    expect(first.every((p) => !p.ok)).toBe(true);
    backlog = 0;
    t = 200;
    expect(await gauge.check()).toMatchObject({ ok: false });
    expect(reads).toBe(1);
    t = 260;
    expect(await gauge.check()).toEqual({ ok: true });
    expect(reads).toBe(2);
  });

  it('measures the drain over the recent reads', async () => {
    let t = 0;
    let done = 0;
    const gauge = createPressureGauge({ maxBacklog: 100, now: () => t, read: async () => ({ backlog: 200, done }) });
    await gauge.check();
    t = 1000;
    done = 50;
    // 50/s, 200 - 90 = 110 to drain -> 3 s
    expect(await gauge.check()).toEqual({ ok: false, waiting: 200, retryAfterSeconds: 3 });
  });
});
