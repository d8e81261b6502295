import { describe, expect, it, vi } from 'vitest';
import { lastLine, PROGRESS_LINE_MAX, ProgressReporter, type ProgressUpdate } from '../../../src/executions/progress.ts';

/** A reporter whose emits are recorded; `next(n)` resolves once `n` reports in all were emitted. */
function recorder(o: { intervalMs?: number; fail?: (u: ProgressUpdate) => boolean } = {}) {
  const sent: ProgressUpdate[] = [];
  const errors: string[] = [];
  const waiters: { n: number; done: () => void }[] = [];
  const reporter = new ProgressReporter({
    intervalMs: o.intervalMs ?? 20,
    emit: async (u) => {
      sent.push(u);
      for (const w of waiters.filter((x) => sent.length >= x.n)) w.done();
      if (o.fail?.(u)) throw new Error(`emit ${u.step} failed`);
    },
    onError: (err) => errors.push(err.message),
  });
  const next = (n: number) =>
    new Promise<void>((done, fail) => {
      if (sent.length >= n) return done();
      const timer = setTimeout(() => fail(new Error(`only ${sent.length} of ${n} reports: ${JSON.stringify(sent)}`)), 5000);
      waiters.push({ n, done: () => (clearTimeout(timer), done()) });
    });
  return { reporter, sent, errors, next };
}

describe('lastLine', () => {
  it.each([
    ['step 1\nstep 2\n\n', 'step 2'],
    ['  padded  ', 'padded'],
    ['bar 10%\rbar 20%\r', 'bar 20%'],
    ['a\r\nb\r\n', 'b'],
    ['\n \n\t\n', undefined],
  ])('%j -> %j', (text, expected) => {
    expect(lastLine(text)).toBe(expected);
  });

  it('cuts a long line with an ellipsis', () => {
    const line = lastLine('x'.repeat(PROGRESS_LINE_MAX * 2))!;
    expect(line).toHaveLength(PROGRESS_LINE_MAX);
    expect(line.endsWith('…')).toBe(true);
  });
});

describe('ProgressReporter', () => {
  it('reports the start as step 0 without a line', async () => {
    const { reporter, sent, next } = recorder();
    reporter.start();
    reporter.start();
    await next(1);
    expect(sent).toEqual([{ step: 0 }]);
    reporter.close();
  });

  it('reports the last complete non-empty line printed, on either stream, waiting for a line to end', async () => {
    const { reporter, sent, next } = recorder();
    reporter.start();
    await next(1);
    reporter.output('stdout', Buffer.from('copying 1/3\ncopying 2/3\n\ncopy'));
    await next(2);
    expect(sent[1]).toEqual({ step: 1, line: 'copying 2/3' });
    reporter.output('stdout', 'ing 3/3\n');
    await next(3);
    expect(sent[2]).toEqual({ step: 2, line: 'copying 3/3' });
    reporter.output('stderr', 'warning: disk 91%\n');
    await next(4);
    expect(sent[3]).toEqual({ step: 3, line: 'warning: disk 91%' });
    reporter.close();
  });

  it('sends one report for a burst, with its latest line, and nothing for an unchanged line', async () => {
    const { reporter, sent, next } = recorder({ intervalMs: 50 });
    reporter.start();
    for (let i = 1; i <= 100; i++) reporter.output('stdout', `line ${i}\n`);
    await next(2);
    expect(sent[1]).toEqual({ step: 1, line: 'line 100' });
    reporter.output('stdout', 'line 100\n');
    reporter.progress('done soon');
    await next(3);
    expect(sent.map((u) => u.line)).toEqual([undefined, 'line 100', 'done soon']);
    reporter.close();
  });

  it("takes a module's progress text, its last non-empty line", async () => {
    const { reporter, sent, next } = recorder();
    reporter.progress('phase 1\nphase 2\n');
    await next(1);
    expect(sent).toEqual([{ step: 1, line: 'phase 2' }]);
    reporter.close();
  });

  it('decodes a character split across chunks', async () => {
    const { reporter, sent, next } = recorder();
    const bytes = Buffer.from('größe ✓\n');
    reporter.output('stdout', bytes.subarray(0, 3));
    reporter.output('stdout', bytes.subarray(3));
    await next(1);
    expect(sent[0]?.line).toBe('größe ✓');
    reporter.close();
  });

  it('goes on after a failed report and passes the error on', async () => {
    const { reporter, sent, errors, next } = recorder({ fail: (u) => u.step === 0 });
    reporter.start();
    await next(1);
    reporter.progress('after the failure');
    await next(2);
    expect(errors).toEqual(['emit 0 failed']);
    expect(sent[1]).toEqual({ step: 1, line: 'after the failure' });
    reporter.close();
  });

  it('reports nothing once closed, not even a line waiting for its turn', async () => {
    vi.useFakeTimers();
    try {
      const { reporter, sent, next } = recorder({ intervalMs: 60_000 });
      reporter.start();
      await next(1);
      reporter.progress('waits a minute for its turn');
      reporter.close();
      reporter.progress('after the end');
      reporter.start();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(sent).toEqual([{ step: 0 }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends a line waiting for its turn once the interval has passed', async () => {
    vi.useFakeTimers();
    try {
      const { reporter, sent, next } = recorder({ intervalMs: 60_000 });
      reporter.start();
      await next(1);
      reporter.progress('waits a minute for its turn');
      await vi.advanceTimersByTimeAsync(59_000);
      expect(sent).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(sent).toEqual([{ step: 0 }, { step: 1, line: 'waits a minute for its turn' }]);
      reporter.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
