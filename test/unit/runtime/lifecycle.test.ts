import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { FORCED_STOP_EXIT, runUntilSignal, type Stoppable } from '../../../src/runtime/lifecycle.ts';

/** A served process stand-in whose stop() ends when `finish()` is called. */
function served() {
  const calls: string[] = [];
  let finish: () => void = () => undefined;
  const sb: Stoppable = {
    logger: silentLogger,
    config: { main: { executions: { shutdown_grace: 30 } } },
    reload: async (reason) => void calls.push(`reload:${reason}`),
    stop: () => {
      calls.push('stop');
      return new Promise<void>((r) => (finish = r));
    },
  };
  return { sb, calls, finish: () => finish() };
}

describe('runUntilSignal', () => {
  it('reloads on SIGHUP and resolves 0 once SIGTERM has stopped it', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const { sb, calls, finish } = served();
    const done = runUntilSignal(sb, { signals: signals as unknown as NodeJS.Process, exit: (c) => void exits.push(c) });
    signals.emit('SIGHUP');
    expect(calls).toEqual(['reload:SIGHUP']);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(calls).toEqual(['reload:SIGHUP', 'stop']);
    finish();
    expect(await done).toBe(0);
    expect(exits).toEqual([]);
    // SIGHUP is no longer ours once stopped
    expect(signals.listenerCount('SIGHUP')).toBe(0);
  });

  it('exits at once on a second SIGINT while stopping', () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const { sb, calls } = served();
    void runUntilSignal(sb, { signals: signals as unknown as NodeJS.Process, exit: (c) => void exits.push(c) });
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([]);
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([FORCED_STOP_EXIT]);
    expect(calls).toEqual(['stop']);
  });
});
