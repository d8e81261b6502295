/**
 * Execution records in Redis: one hash per execution (scalar fields plus JSON for params, origin,
 * result, deliveries), indexes for newest-first listing, all changed through the Lua scripts in
 * scripts.ts so that concurrent gateways and workers never lose an update.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Redis } from 'ioredis';
import type { ExecutionKeys } from './keys.ts';
import type { OutputDelta } from './live-output.ts';
import { withTruncation } from './runners/output-buffer.ts';
import {
  STATUS_ORDER,
  cancelScript,
  claimHookScript,
  completeScript,
  createScript,
  finishScript,
  leaseScript,
  outputScript,
  pruneScript,
  startScript,
  sweepHooksScript,
} from './scripts.ts';
import type { ExecutionRecord, ExecutionStatus, LiveOutput, NewExecution } from './types.ts';
import { defineScript, defineScriptOverKeys } from '../redis/script.ts';
import { runWithJobAdd } from '../redis/job-add.ts';

type Args = (string | number | Buffer)[];
/** the keys of every script that changes a status (scripts.ts: KEYS[1..11]) */
const STATUS_KEYS = ['record', 'index', ...STATUS_ORDER, 'hookPending', 'liveOutput'] as const;
type StatusKeys = { [K in (typeof STATUS_KEYS)[number]]: string };
const SCRIPTS = {
  sbCreate: defineScript<'record' | 'index' | 'statusIndex' | 'seq' | 'idem' | 'userIndex', Args, unknown>({
    name: 'sbCreate',
    keys: ['record', 'index', 'statusIndex', 'seq', 'idem', 'userIndex'],
    lua: createScript,
  }),
  sbPrune: defineScript<'index' | (typeof STATUS_ORDER)[number], Args, unknown>({ name: 'sbPrune', keys: ['index', ...STATUS_ORDER], lua: pruneScript }),
  sbStart: defineScript<keyof StatusKeys, Args, unknown>({ name: 'sbStart', keys: STATUS_KEYS, lua: startScript }),
  sbFinish: defineScript<keyof StatusKeys, Args, unknown>({ name: 'sbFinish', keys: STATUS_KEYS, lua: finishScript }),
  sbCancel: defineScript<keyof StatusKeys, Args, unknown>({ name: 'sbCancel', keys: STATUS_KEYS, lua: cancelScript }),
  sbComplete: defineScript<keyof StatusKeys, Args, unknown>({ name: 'sbComplete', keys: STATUS_KEYS, lua: completeScript }),
  sbClaim: defineScript<'record' | 'hookPending', Args, unknown>({ name: 'sbClaim', keys: ['record', 'hookPending'], lua: claimHookScript }),
  sbSweep: defineScript<'hookPending', Args, unknown>({ name: 'sbSweep', keys: ['hookPending'], lua: sweepHooksScript }),
  sbOutput: defineScript<'record' | 'liveOutput', Args, unknown>({ name: 'sbOutput', keys: ['record', 'liveOutput'], lua: outputScript }),
  sbLease: defineScriptOverKeys<Args, number[]>({ name: 'sbLease', lua: leaseScript }),
};

const JSON_FIELDS = ['params', 'origin', 'result', 'deliveries'] as const;

/** Lone surrogates become U+FFFD, as they would sent as plain arguments (Redis's cjson refuses their escapes). */
const wellFormed = (s: string): string => (s as string & { toWellFormed(): string }).toWellFormed();

/** Turns HGETALL output (object or flat list) into a record. */
export function decodeRecord(raw: Record<string, string> | string[]): ExecutionRecord | undefined {
  let h: Record<string, string>;
  if (Array.isArray(raw)) {
    h = {};
    for (let i = 0; i + 1 < raw.length; i += 2) h[raw[i]!] = raw[i + 1]!;
  } else h = raw;
  if (!h.id || !h.status) return undefined;
  const json = (k: (typeof JSON_FIELDS)[number]) => (h[k] !== undefined && h[k] !== '' ? JSON.parse(h[k]) : undefined);
  const rec: ExecutionRecord = {
    id: h.id,
    status: h.status as ExecutionStatus,
    action: h.action ?? '',
    params: json('params') ?? {},
    created_at: h.created_at ?? '',
    attempts: Number(h.attempts ?? 0),
    deliveries: json('deliveries') ?? [],
  };
  if (h.alias) rec.alias = h.alias;
  if (h.user) rec.user = h.user;
  if (h.text) rec.text = h.text;
  const origin = json('origin');
  if (origin) rec.origin = origin;
  if (h.started_at) rec.started_at = h.started_at;
  if (h.finished_at) rec.finished_at = h.finished_at;
  if (h.result !== undefined && h.result !== '') rec.result = json('result');
  if (h.error) rec.error = h.error;
  return rec;
}

/** The live output hash (keys.ts `liveOutput`) as text; an incomplete UTF-8 sequence at the end waits for its next bytes. */
export function decodeLiveOutput(h: Record<string, Buffer>): LiveOutput | undefined {
  if (!h.updated_at) return undefined;
  const text = (b: Buffer | undefined) => (b ? new StringDecoder('utf8').write(b) : '');
  const dropped = (b: Buffer | undefined) => Number(b?.toString() ?? 0) || 0;
  return {
    stdout: withTruncation(text(h.stdout), dropped(h.stdout_dropped)),
    stderr: withTruncation(text(h.stderr), dropped(h.stderr_dropped)),
    updated_at: h.updated_at.toString(),
  };
}

export type StartResult =
  | { kind: 'run'; attempts: number; lost: boolean }
  /** another run of it goes on (its lease is live): this job was handed out twice; try again in `retryInMs` */
  | { kind: 'busy'; retryInMs: number }
  | { kind: 'done'; attempts: number }
  | { kind: 'terminal'; status: ExecutionStatus; claimed: boolean; record?: ExecutionRecord }
  | { kind: 'canceled' | 'lost'; record: ExecutionRecord }
  | { kind: 'missing' };

/** the create script's reply: {1, id, prune} created, {0, existing id} idempotent hit, {2, ''} id collision */
type CreateReply = [number, string, number?];
export type CreateResult = { created: boolean; id: string } | { collision: true };

export interface RecordStore {
  create(id: string, input: NewExecution, now: Date): Promise<CreateResult>;
  /**
   * Queues the create script on `tx` (a MULTI or pipeline made from this store's connection, e.g.
   * with the job's add after it); returns how to read its reply from `tx.exec()`'s results.
   */
  queueCreate(tx: object, id: string, input: NewExecution, now: Date): (reply: unknown) => CreateResult;
  /**
   * the create and BullMQ's job add (`add`: the script `Job.addJob` chose, with its Lua and its
   * flat list of keys and args) in one script call (src/redis/job-add.ts): both or neither
   */
  createWithJob(
    id: string,
    input: NewExecution,
    now: Date,
    add: { name: string; lua: string; numberOfKeys: number; args: readonly (string | number | Buffer)[] },
  ): Promise<{ outcome: CreateResult; added: unknown }>;
  /** the record, with its live `output` while a run has printed something */
  get(id: string): Promise<ExecutionRecord | undefined>;
  /** records without their live output (listings stay small) */
  getMany(ids: string[]): Promise<(ExecutionRecord | undefined)[]>;
  /**
   * `createdAt`: the job's snapshot's; a record created at another instant is not this job's (answered `missing`).
   * `lease`: this run's token and lease; a run started takes it, one found under another's live lease is `busy`.
   */
  start(id: string, maxRuns: number, createdAt?: string, lease?: RunLease): Promise<StartResult>;
  /** renews (or, with `ms` 0, lets go) the leases of these runs in one call; the ids whose run is no longer current */
  renewLeases(runs: { id: string; token: string }[], ms: number): Promise<string[]>;
  /** final: terminal status, claims the hook; true when this call made it terminal */
  finish(id: string, status: ExecutionStatus, fields: { result?: unknown; error?: string }): Promise<boolean>;
  /** an instant run that already happened: queued -> terminal in one step */
  complete(
    id: string,
    status: ExecutionStatus,
    fields: { result?: unknown; error?: string },
    startedAt: string,
    finishedAt: string,
    createdAt?: string,
  ): Promise<StartResult>;
  /** a failed run that will be retried: back to queued, error kept */
  retry(id: string, error: string, result?: unknown): Promise<void>;
  /** appends to the live output of run `attempt`; false once that run is not the current one (ended, or taken over) */
  appendOutput(id: string, attempt: number, delta: OutputDelta): Promise<boolean>;
  cancel(id: string): Promise<'pending' | 'queued' | 'running' | 'terminal' | 'missing'>;
  claimHook(id: string): Promise<ExecutionRecord | undefined>;
  /** what the current run spawned (see process-tag.ts), kept on the record, never in the API */
  setProcess(id: string, tag: string): Promise<void>;
  /** the process tag of the run before, read and removed */
  takeProcess(id: string): Promise<string | undefined>;
  /**
   * the terminal hook of `id` ran: drop it from the hook outbox. Batched: the ids go with the next
   * `complete` call of this store (no command of their own), or after {@link HOOK_DONE_DELAY_MS} in
   * one ZREM when none comes; resolves once they are gone.
   */
  hookDone(id: string): Promise<void>;
  /** sends the ids `hookDone` still holds now (a worker stopping) */
  flushHookDone(): Promise<void>;
  /** ids whose hook has been owed for more than `ageMs` (their worker died), re-stamped for this caller */
  sweepHooks(ageMs: number, limit: number): Promise<string[]>;
  cancelRequested(ids: string[]): Promise<string[]>;
  /** index entries newest first, scores from `before` (inclusive unless `(`-prefixed) down to `min` (default `-inf`) */
  page(status: ExecutionStatus | undefined, before: string, limit: number, min?: string): Promise<{ id: string; score: string }[]>;
  dropFromIndex(status: ExecutionStatus | undefined, ids: string[]): Promise<void>;
  /** like {@link page} over one user's executions (every status) */
  pageOfUser(user: string, before: string, limit: number, min?: string): Promise<{ id: string; score: string }[]>;
  dropFromUserIndex(user: string, ids: string[]): Promise<void>;
}

/** a run's claim on its record while it goes on (start script): a token of its own, renewed for `ms` at a time */
export interface RunLease {
  token: string;
  ms: number;
}

function startResult(r: (string | number)[]): StartResult {
  const kind = r[0] as string;
  if (kind === 'run') return { kind, attempts: Number(r[1]), lost: r[2] === 1 };
  if (kind === 'busy') return { kind, retryInMs: Number(r[1]) };
  if (kind === 'done') return { kind, attempts: Number(r[1]) };
  if (kind === 'terminal') {
    return { kind, status: r[1] as ExecutionStatus, claimed: r[2] === 1, record: decodeRecord(r.slice(3) as string[]) };
  }
  if (kind === 'canceled' || kind === 'lost') return { kind, record: decodeRecord(r.slice(1) as string[])! };
  return { kind: 'missing' };
}

/** how long `hookDone` ids wait for a `complete` call to carry them before they are sent alone, ms */
export const HOOK_DONE_DELAY_MS = 20;
/** at most this many ids wait (one script call's arguments stay small) */
const HOOK_DONE_MAX = 200;

/** `hookDone` ids not yet sent, and the promise their callers hold */
interface DoneBatch {
  ids: string[];
  promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export function createRecordStore(redis: Redis, keys: ExecutionKeys, ttlSeconds: number): RecordStore {
  const s = SCRIPTS;
  const ttl = String(Math.max(1, Math.round(ttlSeconds)));
  const statusIndexes = Object.fromEntries(STATUS_ORDER.map((st) => [st, keys.statusIndex(st)])) as { [K in (typeof STATUS_ORDER)[number]]: string };
  const statusKeys = (id: string): StatusKeys => ({
    record: keys.record(id),
    index: keys.index,
    ...statusIndexes,
    hookPending: keys.hookPending,
    liveOutput: keys.liveOutput(id),
  });
  const iso = () => new Date().toISOString();
  let done: DoneBatch | undefined;
  /** the batch of `hookDone` ids as it stands, detached: the caller sends them */
  const takeDone = (): DoneBatch | undefined => {
    const b = done;
    done = undefined;
    if (b) clearTimeout(b.timer);
    return b;
  };
  const flushDone = () => {
    const b = takeDone();
    if (b) redis.zrem(keys.hookPending, ...b.ids).then(() => b.resolve(), b.reject);
    return b?.promise ?? Promise.resolve();
  };
  const pageOf = async (key: string, before: string, limit: number, min = '-inf') => {
    const flat = await redis.zrevrangebyscore(key, before, min, 'WITHSCORES', 'LIMIT', 0, limit);
    const out: { id: string; score: string }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i]!, score: flat[i + 1]! });
    return out;
  };

  const createCall = (id: string, input: NewExecution, now: Date) => {
    const status = input.pending ? 'pending' : 'queued';
    const fields: string[] = [
      'id',
      id,
      'status',
      status,
      'action',
      input.action,
      'params',
      JSON.stringify(input.params ?? {}),
      'created_at',
      now.toISOString(),
      'attempts',
      '0',
      'deliveries',
      '[]',
    ];
    if (input.alias) fields.push('alias', input.alias);
    if (input.user) fields.push('user', input.user);
    if (input.text) fields.push('text', input.text);
    if (input.origin) fields.push('origin', JSON.stringify(input.origin));
    const idem = input.idempotencyKey;
    const record = keys.record(id);
    const createKeys = {
      record,
      index: keys.index,
      statusIndex: keys.statusIndex(status),
      seq: keys.seq,
      idem: idem ? keys.idem(idem) : record,
      userIndex: input.user ? keys.userIndex(input.user) : record,
    };
    const args: Args = [id, idem ? '1' : '0', ttl, now.getTime(), JSON.stringify(fields.map(wellFormed))];
    return { keys: createKeys, args };
  };
  const createOutcome = (res: CreateReply, now: Date): CreateResult => {
    if (res[0] === 2) return { collision: true };
    if (res[2] === 1) {
      // entries older than the retention: their records have expired (not awaited: housekeeping)
      const cutoff = ((now.getTime() - Number(ttl) * 1000) * 1000).toFixed(0);
      s.sbPrune.run(redis, { index: keys.index, ...statusIndexes }, cutoff).catch(() => undefined);
    }
    return { created: res[0] === 1, id: res[1] };
  };

  return {
    async create(id, input, now) {
      const call = createCall(id, input, now);
      return createOutcome((await s.sbCreate.run(redis, call.keys, ...call.args)) as CreateReply, now);
    },
    queueCreate(tx, id, input, now) {
      const call = createCall(id, input, now);
      s.sbCreate.queue(redis, tx, call.keys, ...call.args);
      return (reply) => createOutcome(reply as CreateReply, now);
    },
    async createWithJob(id, input, now, add) {
      const call = createCall(id, input, now);
      const create = { name: s.sbCreate.name, lua: createScript, keys: s.sbCreate.keys.map((k) => call.keys[k]), args: call.args };
      const [created, added] = await runWithJobAdd(redis, create, add);
      return { outcome: createOutcome(created as CreateReply, now), added };
    },
    async setProcess(id, tag) {
      await redis.hset(keys.record(id), 'proc', tag);
    },
    async takeProcess(id) {
      const res = await redis.multi().hget(keys.record(id), 'proc').hdel(keys.record(id), 'proc').exec();
      const tag = res?.[0]?.[1];
      return typeof tag === 'string' ? tag : undefined;
    },
    async get(id) {
      // one round trip; the output hash is dropped by the script that ends the run, so a record read
      // as running with its output gone, or terminal, simply shows none
      const [rec, out] = (await redis.pipeline().hgetall(keys.record(id)).hgetallBuffer(keys.liveOutput(id)).exec()) ?? [];
      if (rec?.[0]) throw rec[0];
      const record = decodeRecord((rec?.[1] ?? {}) as Record<string, string>);
      const output = record?.status === 'running' && !out?.[0] ? decodeLiveOutput((out?.[1] ?? {}) as Record<string, Buffer>) : undefined;
      if (record && output) record.output = output;
      return record;
    },
    async appendOutput(id, attempt, d) {
      const r = await s.sbOutput.run(
        redis,
        { record: keys.record(id), liveOutput: keys.liveOutput(id) },
        String(attempt),
        d.stdout,
        d.stderr,
        d.stdoutDropped,
        d.stderrDropped,
        iso(),
        ttl,
      );
      return r === 1;
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      const p = redis.pipeline();
      for (const id of ids) p.hgetall(keys.record(id));
      const out = (await p.exec()) ?? [];
      return out.map(([err, h]) => (err ? undefined : decodeRecord(h as Record<string, string>)));
    },
    async start(id, maxRuns, createdAt, lease) {
      const r = await s.sbStart.run(redis, statusKeys(id), iso(), maxRuns, ttl, createdAt ?? '', lease?.token ?? '', Math.round(lease?.ms ?? 0));
      return startResult(r as (string | number)[]);
    },
    async renewLeases(runs, ms) {
      if (runs.length === 0) return [];
      const r = await s.sbLease.run(
        redis,
        runs.map((x) => keys.record(x.id)),
        Math.round(ms),
        ...runs.map((x) => x.token),
      );
      return runs.filter((_, i) => r[i] !== 1).map((x) => x.id);
    },
    async complete(id, status, fields, startedAt, finishedAt, createdAt) {
      const result = fields.result === undefined ? '' : JSON.stringify(fields.result);
      const b = takeDone();
      try {
        const r = await s.sbComplete.run(
          redis,
          statusKeys(id),
          status,
          startedAt,
          finishedAt,
          result,
          fields.error ?? '',
          ttl,
          createdAt ?? '',
          ...(b?.ids ?? []),
        );
        b?.resolve();
        return startResult(r as (string | number)[]);
      } catch (err) {
        // whether they left is unknown: the sweep runs such a hook again, as after a failed ZREM
        b?.reject(err as Error);
        throw err;
      }
    },
    async finish(id, status, fields) {
      const result = fields.result === undefined ? '' : JSON.stringify(fields.result);
      const r = (await s.sbFinish.run(redis, statusKeys(id), status, iso(), result, fields.error ?? '', ttl, 'final')) as unknown[];
      return r[0] === 1;
    },
    async retry(id, error, result) {
      const res = result === undefined ? '' : JSON.stringify(result);
      await s.sbFinish.run(redis, statusKeys(id), 'queued', iso(), res, error, ttl, 'retry');
    },
    async cancel(id) {
      const r = (await s.sbCancel.run(redis, statusKeys(id), iso(), ttl, keys.cancelChannel)) as string[];
      return r[0] as 'pending' | 'queued' | 'running' | 'terminal' | 'missing';
    },
    async claimHook(id) {
      const r = (await s.sbClaim.run(redis, { record: keys.record(id), hookPending: keys.hookPending })) as unknown[];
      return r[0] === 1 ? decodeRecord(r.slice(1) as string[]) : undefined;
    },
    hookDone(id) {
      // every execution ends with one: while executions keep ending, the ids ride on the next
      // `complete` (one Redis command less per command, bench e2e); a quiet worker sends them alone
      if (!done) {
        let resolve!: () => void;
        let reject!: (err: Error) => void;
        const promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        done = { ids: [], promise, resolve, reject, timer: setTimeout(flushDone, HOOK_DONE_DELAY_MS) };
      }
      const batch = done;
      batch.ids.push(id);
      if (batch.ids.length >= HOOK_DONE_MAX) void flushDone();
      return batch.promise;
    },
    flushHookDone: flushDone,
    async sweepHooks(ageMs, limit) {
      return (await s.sbSweep.run(redis, { hookPending: keys.hookPending }, Math.round(ageMs), limit)) as string[];
    },
    async cancelRequested(ids) {
      if (ids.length === 0) return [];
      const p = redis.pipeline();
      for (const id of ids) p.hget(keys.record(id), 'cancel');
      const out = (await p.exec()) ?? [];
      return ids.filter((_, i) => out[i]?.[1] === '1');
    },
    async page(status, before, limit, min) {
      return pageOf(status ? keys.statusIndex(status) : keys.index, before, limit, min);
    },
    async pageOfUser(user, before, limit, min) {
      return pageOf(keys.userIndex(user), before, limit, min);
    },
    async dropFromUserIndex(user, ids) {
      if (ids.length === 0) return;
      await redis.zrem(keys.userIndex(user), ...ids);
    },
    async dropFromIndex(status, ids) {
      if (ids.length === 0) return;
      await redis.zrem(status ? keys.statusIndex(status) : keys.index, ...ids);
    },
  };
}
