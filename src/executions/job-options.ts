/**
 * What the executions queue carries and how BullMQ treats it. Retries are BullMQ attempts with
 * exponential backoff and jitter; the worker decides per run whether a failure is retried.
 */
import type { JobsOptions } from 'bullmq';
import type { ExecutionRecord } from './types.ts';

/** Job names on the executions queue. `finalize` runs the terminal hook of an execution canceled while queued. */
export type ExecutionJobName = 'run' | 'finalize';

/** The job payload: the record as created (the worker's template context), so no read is needed. */
export interface ExecutionJobData {
  execution: ExecutionRecord;
}

export const RETRY_BASE_DELAY_MS = 1000;

export function runJobOptions(id: string, retries: number, retentionSeconds: number): JobsOptions {
  return {
    jobId: id,
    attempts: retries + 1,
    backoff: { type: 'exponential', delay: RETRY_BASE_DELAY_MS, jitter: 0.5 },
    removeOnComplete: true,
    removeOnFail: { age: retentionSeconds, count: 10_000 },
  };
}

export function finalizeJobOptions(id: string): JobsOptions {
  return { jobId: `${id}-f`, lifo: true, removeOnComplete: true, removeOnFail: { count: 1000 } };
}

export const retentionSecondsOf = (days: number | undefined) => Math.round((days ?? 30) * 86_400);
