/**
 * The producer side: gateways (HTTP API, ingresses, CLI) create, read, list and cancel executions.
 * Records are written by a Lua script (atomic idempotency and id-collision check); a queued one's
 * job is added to the BullMQ queue under the record's id in the same script call (src/redis/job-add.ts).
 */
import { createIORedisClient, Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.ts';
import { NotFoundError, UnavailableError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { newExecutionId } from './ids.ts';
import { finalizeJobOptions, retentionSecondsOf, runJobOptions, type ExecutionJobData } from './job-options.ts';
import { executionKeys, QUEUE_NAME } from './keys.ts';
import { createRecordStore, type CreateResult } from './records.ts';
import { coalesceWrites, guarded, producerConnection, whenReady } from './redis.ts';
import { duplicateConnection, redisSettings } from '../redis/connection.ts';
import { captureJobAdd, jobAddScripts } from '../redis/job-add.ts';
import { redactText } from '../log.ts';
import {
  LIST_SCAN_MAX,
  terminalStatuses,
  type ExecutionPage,
  type ExecutionRecord,
  type ExecutionService,
  type ListQuery,
  type NewExecution,
} from './types.ts';

export interface ExecutionServiceOptions {
  config: Config;
  logger: Logger;
  /** a ready-made ioredis client (not closed by `close()`); default: a fail-fast client on `redis:` (src/redis/connection.ts) */
  connection?: Redis;
  /** how long `cancel` waits for a running execution to stop before returning it (default 5000 ms) */
  cancelWaitMs?: number;
}

/** index entries read per round trip of a filtered listing */
const SCAN_BATCH = 100;
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
  const redis = opts.connection ?? producerConnection(redisSettings(config));
  // a connection given is its owner's to watch: a listener added to it here would outlive this service
  if (!opts.connection) redis.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  const keys = executionKeys(config.main.redis.prefix);
  const retention = retentionSecondsOf(config.main.executions.retention_days);
  const store = createRecordStore(redis, keys, retention);
  const queue = new Queue<ExecutionJobData>(QUEUE_NAME, { connection: redis, prefix: keys.prefix });
  queue.on('error', (err: Error) => logger.debug({ err: err.message }, 'queue error'));

  const jobOptionsOf = (rec: ExecutionRecord) => runJobOptions(rec.id, config.actions.get(rec.action)?.retries ?? 0, retention);
  const enqueue = (rec: ExecutionRecord) => queue.add('run', { execution: rec }, jobOptionsOf(rec));

  /**
   * The submit's script call goes on a connection of its own, on which BullMQ's job-add scripts are
   * defined too (for the MULTI fallback below: an ioredis MULTI copies every script defined on its
   * connection onto itself, and the shared one carries BullMQ's 50-odd and ours, 7 % of a gateway's
   * CPU in bench e2e). Made on the first submit; fails fast like the shared one.
   */
  let submitRedis: Redis | undefined;
  let submitSide:
    | Promise<{ store: typeof store; conn: Redis; client: ReturnType<typeof createIORedisClient<Redis>>; adds: ReturnType<typeof jobAddScripts> }>
    | undefined;
  const submitConnection = () =>
    (submitSide ??= (async () => {
      const shared = (await queue.getBackend().client) as unknown as Redis;
      const adds = jobAddScripts(shared);
      if (!submitRedis) {
        const conn = coalesceWrites(duplicateConnection(redis, {}));
        conn.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
        for (const [name, script] of adds) conn.defineCommand(name, { lua: script.lua, numberOfKeys: script.numberOfKeys });
        submitRedis = conn;
      }
      // the submits that arrive while it connects wait here together (one listener, not one each)
      await whenReady(submitRedis);
      return { store: createRecordStore(submitRedis, keys, retention), conn: submitRedis, client: createIORedisClient(submitRedis), adds };
    })().catch((err) => {
      submitSide = undefined;
      throw err;
    }));

  /**
   * The record and its job in one script call (src/redis/job-add.ts: both are written or neither). When
   * the script finds the idempotency key already used, or the id taken, the job is added anyway:
   * one whose record does not exist, or whose record is another's (its `created_at` differs from the
   * job's), is never run (the worker's start and complete scripts); the first is removed below, the
   * second left (its id may be another execution's live job). Should BullMQ ever build its add
   * otherwise than through one script call, the two go in one MULTI instead, as they did before.
   */
  async function createQueued(id: string, input: NewExecution, now: Date, execution: ExecutionRecord): Promise<CreateResult> {
    const { store: txStore, conn, client, adds } = await submitConnection();
    // Redis away: UnavailableError at once (guarded), as on the shared connection
    await whenReady(conn);
    // the job id is the execution id, given to the constructor as Queue.add does from opts.jobId
    const job = new Job(queue, 'run', { execution }, jobOptionsOf(execution), id);
    const capture = captureJobAdd(job as Job);
    const script = capture.call && adds.get(capture.call.name);
    let res: CreateResult;
    if (capture.call && script && capture.settle) {
      let reply: { outcome: CreateResult; added: unknown };
      try {
        reply = await txStore.createWithJob(id, input, now, { name: capture.call.name, ...script, args: capture.call.args });
      } catch (err) {
        capture.settle.reject(err);
        throw err;
      }
      capture.settle.resolve(reply.added);
      // BullMQ's own check of its reply (a negative code: its error)
      await capture.added;
      res = reply.outcome;
    } else {
      capture.settle?.reject(new Error('not sent: the submit uses a MULTI'));
      const tx = client.multi();
      const outcome = txStore.queueCreate(tx, id, input, now);
      job.addJob(tx as unknown as Parameters<Job['addJob']>[0]).catch(() => undefined);
      const replies = await tx.exec();
      if (!replies) throw new UnavailableError('the execution was not recorded: its transaction was discarded');
      const [created, added] = replies;
      if (created?.[0]) throw created[0];
      res = outcome(created?.[1]);
      if (added?.[0]) throw added[0];
      if (typeof added?.[1] === 'number' && added[1] < 0) throw new Error(`the execution's job was not added (BullMQ code ${added[1]})`);
    }
    // an idempotent hit: the job added under the new id has no record; it would be skipped, but is not kept
    if ('created' in res && !res.created) await queue.remove(id).catch(() => undefined);
    return res;
  }

  async function submit(input: NewExecution) {
    if (!config.actions.has(input.action)) throw new NotFoundError(`unknown action ${input.action}`);
    return guarded(redis, async () => {
      for (let tries = 0; tries < 5; tries++) {
        const now = new Date();
        const id = newExecutionId();
        const execution: ExecutionRecord = {
          id,
          status: input.pending ? 'pending' : 'queued',
          action: input.action,
          params: input.params ?? {},
          created_at: now.toISOString(),
          attempts: 0,
          deliveries: [],
          ...(input.alias && { alias: input.alias }),
          ...(input.user && { user: input.user }),
          ...(input.origin && { origin: input.origin }),
          ...(input.text && { text: input.text }),
        };
        // a pending execution waits for its confirmation (src/confirmations/), which enqueues it
        const res = input.pending ? await store.create(id, input, now) : await createQueued(id, input, now, execution);
        if ('collision' in res) continue;
        if (res.created) return { execution, created: true };
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

  /**
   * Newest first from the narrowest index (the user's, else the status's, else all), between the
   * time bounds (scores are creation times), keeping records that pass every filter. Reads at most
   * {@link LIST_SCAN_MAX} entries per call: a sparse filter returns what it found with a
   * `next_cursor` to go on, so one request never walks the whole history.
   */
  async function list(query: ListQuery = {}): Promise<ExecutionPage> {
    const limit = Math.min(200, Math.max(1, Math.floor(query.limit ?? 50)));
    const before = query.cursor ? decodeCursor(query.cursor) : undefined;
    const fromMs = query.from !== undefined ? Date.parse(query.from) : Number.NaN;
    const toMs = query.to !== undefined ? Date.parse(query.to) : Number.NaN;
    // score = created ms * 1000 + (seq % 1000): [from, to] covers whole milliseconds
    const min = Number.isFinite(fromMs) ? String(fromMs * 1000) : '-inf';
    const toScore = Number.isFinite(toMs) ? (toMs + 1) * 1000 : undefined;
    let max = before ? `(${before}` : '+inf';
    if (toScore !== undefined && (before === undefined || toScore <= Number(before))) max = `(${toScore}`;
    const { user, status } = query;
    const needle = query.text?.toLowerCase();
    const keep = (r: ExecutionRecord) =>
      (user === undefined || r.user === user) &&
      (!status || r.status === status) &&
      (query.alias === undefined || r.alias === query.alias) &&
      (query.source === undefined || r.origin?.source === query.source) &&
      (needle === undefined || (r.text !== undefined && redactText(r.text, config.secrets).toLowerCase().includes(needle))) &&
      (!Number.isFinite(fromMs) || Date.parse(r.created_at) >= fromMs) &&
      (!Number.isFinite(toMs) || Date.parse(r.created_at) <= toMs);
    const read = (from: string, n: number) => (user !== undefined ? store.pageOfUser(user, from, n, min) : store.page(status, from, n, min));
    const drop = (ids: string[]) => (user !== undefined ? store.dropFromUserIndex(user, ids) : store.dropFromIndex(status, ids));
    return guarded(redis, async () => {
      const items: ExecutionRecord[] = [];
      let scanned = 0;
      let from = max;
      for (;;) {
        const want = Math.min(LIST_SCAN_MAX - scanned, Math.max(limit - items.length, SCAN_BATCH));
        const page = await read(from, want + 1);
        const ids = page.slice(0, want);
        const recs = await store.getMany(ids.map((p) => p.id));
        const gone = ids.filter((_, i) => !recs[i]).map((p) => p.id);
        if (gone.length) await drop(gone);
        for (const [i, entry] of ids.entries()) {
          scanned++;
          const rec = recs[i];
          if (rec && keep(rec)) items.push(rec);
          if (items.length === limit) {
            const more = i < ids.length - 1 || page.length > ids.length;
            return more ? { items, next_cursor: encodeCursor(entry.score), scanned } : { items, scanned };
          }
        }
        const last = ids[ids.length - 1];
        if (page.length <= ids.length || !last) return { items, scanned };
        if (scanned >= LIST_SCAN_MAX) return { items, next_cursor: encodeCursor(last.score), scanned };
        from = `(${last.score}`;
      }
    });
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
      if (submitRedis) await submitRedis.quit().catch(() => submitRedis?.disconnect());
      if (!opts.connection) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
