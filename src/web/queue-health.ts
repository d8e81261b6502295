/**
 * Queue health: BullMQ job counts of the `executions`, `deliveries` and `replies` queues, how many workers
 * listen on each, and the delivery pipeline's counters (`{sb}:dlv-stats`).
 */
import type { Queue } from 'bullmq';
import type { Config } from '../config/types.ts';
import { deliveryKeys } from '../deliveries/keys.ts';
import { guarded } from '../executions/redis.ts';
import type { QueueHandles } from './queues.ts';

export const jobStates = ['wait', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

export interface QueueHealth {
  name: string;
  counts: Record<(typeof jobStates)[number], number>;
  /** undefined when Redis refuses CLIENT LIST */
  workers: number | undefined;
}

export interface Health {
  queues: QueueHealth[];
  deliveryStats: Record<string, number>;
  checkedAt: string;
}

async function queueHealth(queue: Queue): Promise<QueueHealth> {
  const [counts, workers] = await Promise.all([queue.getJobCounts(...jobStates), queue.getWorkersCount().catch(() => undefined)]);
  const out = Object.fromEntries(jobStates.map((s) => [s, counts[s] ?? 0])) as QueueHealth['counts'];
  return { name: queue.name, counts: out, workers };
}

/** Reads the counts; a Redis that is down is an UnavailableError (see `guarded`). */
export async function readHealth(config: Config, handles: QueueHandles): Promise<Health> {
  const [executions, deliveries, replies, stats] = await guarded(handles.redis, () =>
    Promise.all([
      queueHealth(handles.executions),
      queueHealth(handles.deliveries),
      queueHealth(handles.replies),
      handles.redis.hgetall(deliveryKeys(config.main.redis.prefix).stats),
    ]),
  );
  const deliveryStats = Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, Number(v) || 0]));
  return { queues: [executions, deliveries, replies], deliveryStats, checkedAt: new Date().toISOString() };
}
