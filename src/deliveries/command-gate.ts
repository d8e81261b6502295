/**
 * Strict priority of command work over bulk work inside one process. The gate counts the
 * command-path work in flight here: command HTTP requests being handled (`POST /api/v1/commands`,
 * `/ingress/*`), execution jobs running in this process's execution worker, and answers being
 * delivered by the `replies` worker. The bulk delivery worker awaits `idle(maxWaitMs)` before it
 * starts each bulk job: while any command work is in flight (and for `lingerMs` after the last one
 * ends, the gap while a command's next step is fetched from Redis), no new bulk send starts. Sends
 * already running go on. The wait is bounded (`deliveries.command_gate_wait_ms`), so a steady
 * stream of commands slows the bulk but never starves it.
 */

export interface CommandGate {
  /** one piece of command work started; call the returned function once when it ends */
  enter(): () => void;
  /** runs `work` counted as command work */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** command work in flight now */
  busy(): number;
  /** resolves once no command work is in flight (nor ended within `lingerMs`), or after `maxWaitMs` */
  idle(maxWaitMs: number): Promise<void>;
}

export interface CommandGateOptions {
  /** ms after the last command work ended during which the gate still counts as busy (default 5) */
  lingerMs?: number;
  /** clock, ms (default `Date.now`) */
  now?: () => number;
}

/**
 * @example
 * const gate = createCommandGate();
 * app.use('/ingress/*', async (_c, next) => gate.track(next));
 * // bulk worker processor
 * await gate.idle(250);
 */
export function createCommandGate(opts: CommandGateOptions = {}): CommandGate {
  const lingerMs = opts.lingerMs ?? 5;
  const now = opts.now ?? Date.now;
  let inFlight = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  const waiters = new Set<() => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const quietFor = () => now() - lastEnd;
  const release = () => {
    timer = undefined;
    if (inFlight > 0 || waiters.size === 0) return;
    const left = lingerMs - quietFor();
    if (left > 0) {
      timer = setTimeout(release, left);
      return;
    }
    const all = [...waiters];
    waiters.clear();
    for (const w of all) w();
  };
  const schedule = () => {
    if (timer === undefined && inFlight === 0 && waiters.size > 0) timer = setTimeout(release, Math.max(0, lingerMs - quietFor()));
  };

  const enter = () => {
    inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      inFlight--;
      lastEnd = now();
      schedule();
    };
  };

  return {
    enter,
    async track(work) {
      const exit = enter();
      try {
        return await work();
      } finally {
        exit();
      }
    },
    busy: () => inFlight,
    idle(maxWaitMs) {
      if (inFlight === 0 && quietFor() >= lingerMs) return Promise.resolve();
      if (maxWaitMs <= 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(cap);
          waiters.delete(done);
          resolve();
        };
        const cap = setTimeout(done, maxWaitMs);
        waiters.add(done);
        schedule();
      });
    },
  };
}

/** A gate that never waits (no command work is counted): the default where none is given. */
export const openGate: CommandGate = {
  enter: () => () => undefined,
  track: (work) => work(),
  busy: () => 0,
  idle: () => Promise.resolve(),
};
