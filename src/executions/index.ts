/** The execution engine: producer service, worker, runners. */
export { createExecutionService, type ExecutionServiceOptions } from './service.ts';
export { startExecutionWorker, type ExecutionWorker, type ExecutionWorkerHooks, type ExecutionWorkerOptions } from './worker.ts';
export { runnerDefinitions } from './runners/index.ts';
export { ProgressReporter, type ProgressUpdate } from './progress.ts';
export type { BuiltinDeps, Runner, RunContext, RunOutcome } from './runners/index.ts';
export { executionKeys, hashTagPrefix, QUEUE_NAME } from './keys.ts';
export { isExecutionId, newExecutionId } from './ids.ts';
export * from './types.ts';
