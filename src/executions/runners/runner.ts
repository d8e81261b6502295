/**
 * The contract every runner kind implements. A runner turns an action plus validated parameters
 * into a {@link RunOutcome}; timeouts and cancellation reach it through `ctx.signal`, whose
 * `reason` ('timeout' | 'canceled' | 'shutdown') the worker reads to pick the final status.
 */
import type { ActionConfig, Config } from '../../config/types.ts';
import type { Logger } from '../../log.ts';
import type { ExecutionRecord, ExecutionService } from '../types.ts';

export type RunnerKind = 'shell' | 'http' | 'module' | 'builtin';

export interface RunOutcome {
  status: 'succeeded' | 'failed';
  result?: unknown;
  error?: string;
}

export interface RunContext {
  signal: AbortSignal;
  logger: Logger;
  execution: ExecutionRecord;
  /** a runner that starts a process group says so (its leader's pid), so a lost run can be stopped later */
  onSpawn?(pid: number): void;
  /** what the action prints, as it prints it: shown live on the record while it runs (src/executions/live-output.ts) */
  output?(stream: 'stdout' | 'stderr', chunk: Buffer | string): void;
  /** a line of progress for the live message where the command came from (a module's `context.progress(text)`; src/executions/progress.ts) */
  progress?(text: string): void;
}

export interface Runner {
  run(action: ActionConfig, params: Record<string, unknown>, ctx: RunContext): Promise<RunOutcome>;
  /**
   * True for actions that are instant and free of side effects (running one twice is harmless):
   * the worker then runs them first and records queued -> terminal in one atomic step, skipping
   * the separate `running` write. Such runs are never retried and ignore timeouts.
   */
  instant?(action: ActionConfig): boolean;
}

/** What built-in actions need from the rest of the system; injected by whoever starts the worker. */
export interface BuiltinDeps {
  /** `core.help [filter] [page]`: the alias engine's help listing for what `user` may run */
  help?(user: string | undefined, filter: string | undefined, page: number): Promise<unknown>;
  /** `core.status` / `core.cancel`; the worker provides one over the same Redis by default */
  executions?: Pick<ExecutionService, 'get' | 'cancel'>;
}

/** Everything a runner factory may use. */
export interface RunnerDeps {
  config: Config;
  /** the base environment the shell runner filters with `env_allow` (the lead passes process.env) */
  env: Record<string, string | undefined>;
  builtins: BuiltinDeps;
  /** seconds between SIGTERM and SIGKILL when a shell action is stopped */
  killGraceSeconds: number;
}

export interface RunnerDefinition {
  kind: RunnerKind;
  create(deps: RunnerDeps): Runner;
}

export const defineRunner = (d: RunnerDefinition) => d;

/** The reason an aborted run was stopped. */
export type StopReason = 'timeout' | 'canceled' | 'shutdown';
export const stopReasonOf = (signal: AbortSignal): StopReason | undefined =>
  signal.aborted ? ((['timeout', 'canceled', 'shutdown'] as const).find((r) => r === signal.reason) ?? 'canceled') : undefined;
