import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCommandGate, openGate } from '../../../src/deliveries/command-gate.ts';

/** resolves `p` within the fake clock, reporting whether it settled */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe('createCommandGate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is idle at once when no command work is in flight', async () => {
    const gate = createCommandGate({ lingerMs: 5 });
    expect(gate.busy()).toBe(0);
    expect(await settled(gate.idle(250))).toBe(true);
  });

  it('holds bulk work while a command is in flight and releases it after the linger', async () => {
    const gate = createCommandGate({ lingerMs: 5 });
    const exit = gate.enter();
    expect(gate.busy()).toBe(1);
    const waiting = gate.idle(250);
    await vi.advanceTimersByTimeAsync(100);
    expect(await settled(waiting)).toBe(false);
    exit();
    expect(gate.busy()).toBe(0);
    // the next step of a command (its job fetched from Redis) comes within the linger
    await vi.advanceTimersByTimeAsync(2);
    expect(await settled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(5);
    expect(await settled(waiting)).toBe(true);
  });

  it('never holds bulk work longer than the bound, however busy', async () => {
    const gate = createCommandGate({ lingerMs: 5 });
    gate.enter();
    const waiting = gate.idle(250);
    await vi.advanceTimersByTimeAsync(249);
    expect(await settled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(waiting)).toBe(true);
    expect(gate.busy()).toBe(1);
  });

  it('does not wait at all with a bound of 0', async () => {
    const gate = createCommandGate();
    gate.enter();
    expect(await settled(gate.idle(0))).toBe(true);
  });

  it('counts overlapping work and is idle only when the last one ends', async () => {
    const gate = createCommandGate({ lingerMs: 0 });
    const a = gate.enter();
    const b = gate.enter();
    const waiting = gate.idle(1000);
    a();
    a(); // a second call of the same exit counts nothing
    expect(gate.busy()).toBe(1);
    expect(await settled(waiting)).toBe(false);
    b();
    expect(await settled(waiting)).toBe(true);
  });

  it('tracks a piece of work until it settles, failures included', async () => {
    const gate = createCommandGate({ lingerMs: 0 });
    let finish!: () => void;
    const work = gate.track(() => new Promise<void>((r) => (finish = r)));
    expect(gate.busy()).toBe(1);
    finish();
    await work;
    expect(gate.busy()).toBe(0);
    await expect(gate.track(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.busy()).toBe(0);
  });

  it('releases every waiter together once idle', async () => {
    const gate = createCommandGate({ lingerMs: 0 });
    const exit = gate.enter();
    const waiters = [gate.idle(500), gate.idle(500), gate.idle(500)];
    exit();
    expect(await settled(Promise.all(waiters))).toBe(true);
  });
});

describe('openGate', () => {
  it('never waits and counts nothing', async () => {
    openGate.enter();
    expect(openGate.busy()).toBe(0);
    await expect(openGate.idle(250)).resolves.toBeUndefined();
    await expect(openGate.track(async () => 7)).resolves.toBe(7);
  });
});
