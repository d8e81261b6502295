/**
 * A served process's life after start: SIGHUP reloads the config; SIGTERM or SIGINT stops it
 * (intake, then the workers with up to `executions.shutdown_grace` to finish their jobs, then the
 * connections) and the process ends within the grace plus {@link STOP_MARGIN_SECONDS} whatever Redis
 * is doing: when stopping outlives that (Redis not answering, a connection that never closes),
 * the process exits anyway with code {@link FORCED_STOP_EXIT}. A second SIGTERM or SIGINT exits at once.
 */
import type { Logger } from '../log.ts';

/** after the grace, time for the stopped executions to be recorded and the connections closed */
export const STOP_MARGIN_SECONDS = 3;
/** the exit code when the process had to be ended before it had stopped cleanly */
export const FORCED_STOP_EXIT = 1;

export interface Stoppable {
  logger: Logger;
  /** the running config's `executions.shutdown_grace`, in seconds */
  readonly config: { main: { executions: { shutdown_grace: number } } };
  reload(reason: string): Promise<unknown>;
  stop(): Promise<void>;
}

export interface SignalOptions {
  /** where signals arrive (default: the process) */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
  /** ends the process (default `process.exit`) */
  exit?: (code: number) => void;
}

/**
 * Resolves with the exit code once a SIGTERM or SIGINT has stopped `sb`.
 * @example process.exitCode = await runUntilSignal(await startSwitchboard(opts));
 */
export function runUntilSignal(sb: Stoppable, opts: SignalOptions = {}): Promise<number> {
  const signals = opts.signals ?? process;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const onHup = () => void sb.reload('SIGHUP');
  signals.on('SIGHUP', onHup);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        sb.logger.warn({ signal }, 'second signal: exiting now');
        exit(FORCED_STOP_EXIT);
        return;
      }
      stopping = true;
      const grace = sb.config.main.executions.shutdown_grace;
      const deadline = grace + STOP_MARGIN_SECONDS;
      sb.logger.info({ signal, grace_seconds: grace }, 'shutting down');
      let stopped = false;
      // unref'd: a process that has stopped cleanly ends on its own before it fires
      setTimeout(() => {
        if (stopped) sb.logger.warn('stopped, but something still holds the process open; exiting');
        else sb.logger.error({ seconds: deadline }, 'shutdown took longer than executions.shutdown_grace allows (is Redis answering?); exiting anyway');
        exit(stopped ? 0 : FORCED_STOP_EXIT);
      }, deadline * 1000).unref();
      void sb
        .stop()
        .catch((e: Error) => sb.logger.error({ err: e.message }, 'error while stopping'))
        .then(() => {
          stopped = true;
          signals.off('SIGHUP', onHup);
          resolve(0);
        });
    };
    signals.on('SIGTERM', onSignal);
    signals.on('SIGINT', onSignal);
  });
}
