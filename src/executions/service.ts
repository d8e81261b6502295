/**
 * The producer side: gateways (HTTP API, ingresses, CLI) create, read, list and cancel executions.
 * Records are written by a Lua script (atomic idempotency and id-collision check), then the job is
 * added to the BullMQ queue under the record's id.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.ts';
import { NotFoundError, UnavailableError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { newExecutionId } from './ids.ts';
import { finalizeJobOptions, retentionSecondsOf, runJobOptions, type ExecutionJobData } from './job-options.ts';
import { executionKeys, QUEUE_NAME } from './keys.ts';
import { createRecordStore } from './records.ts';
import { guarded, producerConnection } from './redis.ts';
import { terminalStatuses, type ExecutionRecord, type ExecutionService, type ListQuery, type NewExecution } from './types.ts';

export interface ExecutionServiceOptions {
  config: Config;
  logger: Logger;
  /** a ready-made ioredis client (not closed by `close()`); default: a fail-fast client on `redis.url` */
  connection?: Redis;
  /** how long `cancel` waits for a running execution to stop before returning it (default 5000 ms) */
  cancelWaitMs?: number;
}

/** pages of one user's index read per listing when a status filter skips entries */
const USER_SCAN_ROUNDS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const encodeCursor = (score: string) => Buffer.from(score).toString('base64url');
const decodeCursor = (cursor: string) => {
  const s = Buffer.from(cursor, 'base64url').toString();
  return /^\d+$/.test(s) ? s : undefined;
};

/**
 * @example
 * const executions = createExecutionService({ config, logger });
 * const { execution } = await executions.submit({ action: 'core.ping', params: {}, idempotencyKey: msgId });
 */
export function createExecutionService(opts: ExecutionServiceOptions): ExecutionService {
  const { config } = opts;
  const logger = opts.logger.child({ component: 'executions' });
  const redis = opts.connection ?? producerConnection(config.main.redis.url);
  redis.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  const keys = executionKeys(config.main.redis.prefix);
  const retention = retentionSecondsOf(config.main.executions.retention_days);
  const store = createRecordStore(redis, keys, retention);
  const queue = new Queue<ExecutionJobData>(QUEUE_NAME, { connection: redis, prefix: keys.prefix });
  queue.on('error', (err: Error) => logger.debug({ err: err.message }, 'queue error'));

  const enqueue = (rec: ExecutionRecord) => {
    const retries = config.actions.get(rec.action)?.retries ?? 0;
    return queue.add('run', { execution: rec }, runJobOptions(rec.id, retries, retention));
  };

  async function submit(input: NewExecution) {
    if (!config.actions.has(input.action)) throw new NotFoundError(`unknown action ${input.action}`);
    return guarded(redis, async () => {
      for (let tries = 0; tries < 5; tries++) {
        const now = new Date();
        const res = await store.create(newExecutionId(), input, now);
        if ('collision' in res) continue;
        if (res.created) {
          const execution: ExecutionRecord = {
            id: res.id, status: input.pending ? 'pending' : 'queued', action: input.action, params: input.params ?? {},
            created_at: now.toISOString(), attempts: 0, deliveries: [],
            ...(input.alias && { alias: input.alias }), ...(input.user && { user: input.user }),
            ...(input.origin && { origin: input.origin }), ...(input.text && { text: input.text }),
          };
          // a pending execution waits for its confirmation (src/confirmations/), which enqueues it
          if (!input.pending) await enqueue(execution);
          return { execution, created: true };
        }
        const existing = await store.get(res.id);
        if (!existing) throw new NotFoundError(`execution ${res.id} of this idempotency key has expired`);
        // heals a crash between writing the record and adding its job (a no-op when the job exists)
        if (existing.status === 'queued' && existing.attempts === 0) await enqueue(existing);
        return { execution: existing, created: false };
      }
      throw new UnavailableError('could not allocate an execution id');
    });
  }

  async function get(id: string) {
    return guarded(redis, () => store.get(id));
  }

  async function list(query: ListQuery = {}) {
    const limit = Math.min(200, Math.max(1, Math.floor(query.limit ?? 50)));
    const before = query.cursor ? decodeCursor(query.cursor) : undefined;
    if (query.user !== undefined) return guarded(redis, () => listOfUser(query.user!, query.status, before, limit));
    return guarded(redis, async () => {
      const page = await store.page(query.status, before ? `(${before}` : '+inf', limit + 1);
      const ids = page.slice(0, limit);
      const recs = await store.getMany(ids.map((p) => p.id));
      const gone = ids.filter((_, i) => !recs[i]).map((p) => p.id);
      if (gone.length) await store.dropFromIndex(query.status, gone);
      const items = recs.filter((r): r is ExecutionRecord => !!r && (!query.status || r.status === query.status));
      const last = ids[ids.length - 1];
      return page.length > limit && last ? { items, next_cursor: encodeCursor(last.score) } : { items };
    });
  }

  /**
   * One user's executions, newest first, from their own index; a status filter is applied here,
   * reading at most {@link USER_SCAN_ROUNDS} pages, then the cursor says where to go on.
   */
  async function listOfUser(user: string, status: ListQuery['status'], before: string | undefined, limit: number) {
    const items: ExecutionRecord[] = [];
    let from = before ? `(${before}` : '+inf';
    for (let round = 1; ; round++) {
      const page = await store.pageOfUser(user, from, limit - items.length + 1);
      const ids = page.slice(0, limit - items.length);
      const recs = await store.getMany(ids.map((p) => p.id));
      const gone = ids.filter((_, i) => !recs[i]).map((p) => p.id);
      if (gone.length) await store.dropFromUserIndex(user, gone);
      items.push(...recs.filter((r): r is ExecutionRecord => !!r && r.user === user && (!status || r.status === status)));
      const last = ids[ids.length - 1];
      if (page.length <= ids.length || !last) return { items };
      if (items.length >= limit || round >= USER_SCAN_ROUNDS) return { items, next_cursor: encodeCursor(last.score) };
      from = `(${last.score}`;
    }
  }

  async function cancel(id: string): Promise<ExecutionRecord> {
    return guarded(redis, async () => {
      const outcome = await store.cancel(id);
      if (outcome === 'missing') throw new NotFoundError(`no execution ${id}`);
      if (outcome === 'queued') await dropQueuedJob(id);
      if (outcome === 'running') {
        const deadline = Date.now() + (opts.cancelWaitMs ?? 5000);
        while (Date.now() < deadline) {
          const rec = await store.get(id);
          if (!rec || terminalStatuses.includes(rec.status)) break;
          await sleep(50);
        }
      }
      const rec = await store.get(id);
      if (!rec) throw new NotFoundError(`no execution ${id}`);
      return rec;
    });
  }

  /** Removes the job of an execution canceled while queued and queues its terminal hook instead. */
  async function dropQueuedJob(id: string) {
    const job = await queue.getJob(id);
    try {
      if (job) await job.remove();
    } catch (err) {
      // locked: a worker took it just now; its start script sees `canceled` and runs the hook
      logger.debug({ id, err: (err as Error).message }, 'queued job is active; the worker finalizes it');
      return;
    }
    await queue.add('finalize', { execution: { id } as ExecutionRecord }, finalizeJobOptions(id));
  }

  return {
    submit,
    get,
    list,
    cancel,
    async ping() {
      try {
        return (await guarded(redis, () => redis.ping())) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await queue.close().catch(() => undefined);
      if (!opts.connection) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
