/** The runner kinds. Adding one = one file + one entry here. */
import { builtinRunner } from './builtin.ts';
import { httpRunner } from './http.ts';
import { moduleRunner } from './module.ts';
import type { Runner, RunnerDeps, RunnerKind } from './runner.ts';
import { shellRunner } from './shell.ts';

export const runnerDefinitions = [shellRunner, httpRunner, moduleRunner, builtinRunner] as const;

export function createRunners(deps: RunnerDeps): Map<RunnerKind, Runner> {
  return new Map(runnerDefinitions.map((d) => [d.kind, d.create(deps)]));
}

export { stopReasonOf } from './runner.ts';
export type { BuiltinDeps, RunContext, Runner, RunnerDeps, RunnerKind, RunOutcome, StopReason } from './runner.ts';
