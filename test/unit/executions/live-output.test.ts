/**
 * LiveOutput: the throttled, bounded publisher of a run's output. The writer is a recording
 * function (the store's `appendOutput` in production); time is Vitest's fake clock, so the
 * throttle is checked by advancing it, not by waiting.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveOutput, type OutputDelta } from '../../../src/executions/live-output.ts';

interface Written {
  stdout: string;
  stderr: string;
  stdoutDropped: number;
  stderrDropped: number;
}

function recorder(answer: () => Promise<boolean> = async () => true) {
  const writes: Written[] = [];
  const write = (d: OutputDelta) => {
    writes.push({ stdout: d.stdout.toString(), stderr: d.stderr.toString(), stdoutDropped: d.stdoutDropped, stderrDropped: d.stderrDropped });
    return answer();
  };
  return { writes, write };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LiveOutput', () => {
  it('writes nothing for an action that prints nothing', async () => {
    const r = recorder();
    const live = new LiveOutput({ limit: 100, write: r.write });
    live.push('stdout', '');
    await vi.advanceTimersByTimeAsync(5_000);
    live.close();
    expect(r.writes).toEqual([]);
  });

  it('writes the first output at once, then at most every interval, each write holding only what is new', async () => {
    const r = recorder();
    const live = new LiveOutput({ limit: 1000, write: r.write, intervalMs: 250 });
    live.push('stdout', 'one\n');
    await vi.advanceTimersByTimeAsync(0);
    expect(r.writes).toEqual([{ stdout: 'one\n', stderr: '', stdoutDropped: 0, stderrDropped: 0 }]);
    live.push('stdout', 'two\n');
    live.push('stderr', 'warn\n');
    live.push('stdout', 'three\n');
    await vi.advanceTimersByTimeAsync(100);
    expect(r.writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(r.writes).toHaveLength(2);
    expect(r.writes[1]).toEqual({ stdout: 'two\nthree\n', stderr: 'warn\n', stdoutDropped: 0, stderrDropped: 0 });
    live.close();
  });

  it('writes sooner when a burst of bytes is waiting', async () => {
    const r = recorder();
    const live = new LiveOutput({ limit: 100_000, write: r.write, intervalMs: 250, burstBytes: 4096 });
    live.push('stdout', 'a');
    await vi.advanceTimersByTimeAsync(0);
    live.push('stdout', 'x'.repeat(5000));
    await vi.advanceTimersByTimeAsync(1);
    expect(r.writes.map((w) => w.stdout.length)).toEqual([1, 5000]);
    live.close();
  });

  it('keeps the first `limit` bytes of each stream and counts the rest', async () => {
    const r = recorder();
    const live = new LiveOutput({ limit: 10, write: r.write });
    live.push('stdout', '0123456789abcdef');
    live.push('stderr', 'err');
    await vi.advanceTimersByTimeAsync(0);
    live.push('stdout', 'more');
    await vi.advanceTimersByTimeAsync(300);
    expect(r.writes).toEqual([
      { stdout: '0123456789', stderr: 'err', stdoutDropped: 6, stderrDropped: 0 },
      // past the limit only the count changes
      { stdout: '', stderr: '', stdoutDropped: 10, stderrDropped: 0 },
    ]);
    live.close();
  });

  it('never has two writes in flight; what came meanwhile goes in the next one', async () => {
    let release: (v: boolean) => void = () => undefined;
    const r = recorder(() => new Promise<boolean>((resolve) => (release = resolve)));
    const live = new LiveOutput({ limit: 100_000, write: r.write, intervalMs: 10, burstBytes: 4 });
    live.push('stdout', 'first');
    await vi.advanceTimersByTimeAsync(0);
    live.push('stdout', 'second');
    live.push('stdout', 'third');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(r.writes).toHaveLength(1);
    release(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(r.writes.map((w) => w.stdout)).toEqual(['first', 'secondthird']);
    release(true);
    live.close();
  });

  it('stops when the record says the run is over', async () => {
    const r = recorder(async () => false);
    const live = new LiveOutput({ limit: 100, write: r.write, intervalMs: 10 });
    live.push('stdout', 'a');
    await vi.advanceTimersByTimeAsync(0);
    live.push('stdout', 'b');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(r.writes.map((w) => w.stdout)).toEqual(['a']);
  });

  it('keeps the bytes of a failed write for the next one', async () => {
    let fail = true;
    const errors: string[] = [];
    const r = recorder(async () => {
      if (fail) throw new Error('Redis is not reachable');
      return true;
    });
    const live = new LiveOutput({ limit: 100, write: r.write, intervalMs: 250, onError: (e) => errors.push(e.message) });
    live.push('stdout', 'kept ');
    await vi.advanceTimersByTimeAsync(0);
    fail = false;
    live.push('stdout', 'and more');
    await vi.advanceTimersByTimeAsync(300);
    expect(errors).toEqual(['Redis is not reachable']);
    expect(r.writes.map((w) => w.stdout)).toEqual(['kept ', 'kept and more']);
    live.close();
  });

  it('writes nothing once closed', async () => {
    const r = recorder();
    const live = new LiveOutput({ limit: 100, write: r.write });
    live.push('stdout', 'a');
    live.close();
    live.push('stdout', 'b');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(r.writes).toEqual([]);
  });
});
