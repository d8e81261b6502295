/**
 * Prometheus metrics (prom-client). ONE registry per Switchboard, created by the composition root
 * (src/main.ts) and passed down as an optional `metrics` dep; no global registry, so several
 * Switchboards in one process (tests) never share counters. Absent `metrics` = nothing counted.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type CommandOutcomeLabel =
  | 'queued'
  | 'none'
  | 'ambiguous'
  | 'invalid'
  | 'forbidden'
  | 'unknown_user'
  | 'rate_limited'
  | 'forged'
  | 'pending'
  | 'confirmation'
  | 'question'
  | 'answered'
  | 'alert'
  | 'spooled';
export type DeliveryOutcomeLabel = 'sent' | 'failed' | 'skipped' | 'retried';
export type QueueName = 'executions' | 'deliveries' | 'replies';
export type QueueState = 'waiting' | 'active' | 'delayed' | 'failed' | 'prioritized';

/** What a queue-depth source gives at scrape time (BullMQ `Queue.getJobCounts`). */
export interface QueueCounts {
  getJobCounts(...states: QueueState[]): Promise<Partial<Record<string, number>>>;
}

export interface Metrics {
  readonly registry: Registry;
  commandReceived(source: string, outcome: CommandOutcomeLabel): void;
  executionEnded(status: string, action: string, runSeconds?: number): void;
  deliveryOutcome(kind: string, outcome: DeliveryOutcomeLabel): void;
  fallbackQueued(): void;
  configReload(ok: boolean): void;
  /** queues whose depths are read at each scrape */
  watchQueue(name: QueueName, queue: QueueCounts): void;
  /** the Prometheus text exposition */
  scrape(): Promise<{ contentType: string; body: string }>;
}

const QUEUE_STATES: QueueState[] = ['waiting', 'active', 'delayed', 'failed'];
/** read too, and counted as `waiting`: the bulk deliveries queue holds its jobs by priority (per-source fairness) */
const READ_STATES: QueueState[] = [...QUEUE_STATES, 'prioritized'];

/**
 * @example
 * const metrics = createMetrics();
 * metrics.commandReceived('api', 'queued');
 * const { body } = await metrics.scrape();
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  const registers = [registry];
  const commands = new Counter({
    name: 'switchboard_commands_total',
    help: 'Commands received, by source and outcome',
    labelNames: ['source', 'outcome'],
    registers,
  });
  const executions = new Counter({
    name: 'switchboard_executions_total',
    help: 'Executions that reached a terminal status',
    labelNames: ['status'],
    registers,
  });
  const runTime = new Histogram({
    name: 'switchboard_execution_run_seconds',
    help: 'Run time of executions (started to finished), by action',
    labelNames: ['action'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    registers,
  });
  const deliveries = new Counter({
    name: 'switchboard_deliveries_total',
    help: 'Delivery attempts, by channel kind and outcome',
    labelNames: ['kind', 'outcome'],
    registers,
  });
  const retries = new Counter({
    name: 'switchboard_delivery_retries_total',
    help: 'Delivery attempts that failed and will be retried',
    labelNames: ['kind'],
    registers,
  });
  const dead = new Counter({ name: 'switchboard_deliveries_dead_total', help: 'Deliveries that failed for good', labelNames: ['kind'], registers });
  const fallbacks = new Counter({
    name: 'switchboard_delivery_fallbacks_total',
    help: 'Fallback deliveries queued after a delivery failed for good',
    registers,
  });
  const reloads = new Counter({ name: 'switchboard_config_reloads_total', help: 'Config reloads, by result', labelNames: ['result'], registers });
  const lastReload = new Gauge({
    name: 'switchboard_config_last_reload_success',
    help: '1 when the last config reload (or the start) succeeded, else 0',
    registers,
  });
  lastReload.set(1);

  const queues = new Map<QueueName, QueueCounts>();
  new Gauge({
    name: 'switchboard_queue_jobs',
    help: 'Jobs in a queue, by queue and state (read at scrape time)',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const [name, queue] of queues) {
        // an unreachable Redis leaves the gauge empty for this scrape rather than failing it
        const counts = await withTimeout(queue.getJobCounts(...READ_STATES), 1000).catch(() => undefined);
        if (!counts) continue;
        for (const state of QUEUE_STATES) this.set({ queue: name, state }, (counts[state] ?? 0) + (state === 'waiting' ? (counts.prioritized ?? 0) : 0));
      }
    },
  });

  return {
    registry,
    commandReceived: (source, outcome) => commands.inc({ source, outcome }),
    executionEnded(status, action, runSeconds) {
      executions.inc({ status });
      if (runSeconds !== undefined && Number.isFinite(runSeconds) && runSeconds >= 0) runTime.observe({ action }, runSeconds);
    },
    deliveryOutcome(kind, outcome) {
      deliveries.inc({ kind, outcome });
      if (outcome === 'retried') retries.inc({ kind });
      if (outcome === 'failed') dead.inc({ kind });
    },
    fallbackQueued: () => fallbacks.inc(),
    configReload(ok) {
      reloads.inc({ result: ok ? 'ok' : 'failed' });
      lastReload.set(ok ? 1 : 0);
    },
    watchQueue: (name, queue) => void queues.set(name, queue),
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });
}
