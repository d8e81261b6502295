/**
 * Confirmation by reply (docs/contracts.md section 6), the I/O half: open a confirmation for pending
 * executions (a fresh code, stored as a digest), take a person's reply (`YES 482113`, `NO`) or an
 * API/dashboard/button confirm, queue the executions once confirmed, and cancel them, with a reply
 * saying so, when refused, after three wrong codes, or when the time is up (a sweep over Redis, so
 * expiry survives restarts and needs no timer per confirmation).
 *
 * The answers of a confirmation go to the real owner of the number or address: the user's
 * configured phone or email (see {@link ownerOrigin}), never an address taken from the message.
 */
import { timingSafeEqual } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { userAddress, type SenderMedium } from '../auth/identity.ts';
import type { Config } from '../config/types.ts';
import type { DeliveryService } from '../deliveries/types.ts';
import { retentionSecondsOf, runJobOptions, type ExecutionJobData } from '../executions/job-options.ts';
import { executionKeys, QUEUE_NAME } from '../executions/keys.ts';
import { guarded } from '../executions/redis.ts';
import type { ExecutionRecord, ExecutionService, Origin } from '../executions/types.ts';
import type { Logger } from '../log.ts';
import { providers } from '../providers/index.ts';
import type { ReplyRules } from '../providers/reply.ts';
import { codeDigest, newCode, parseConfirmReply } from './codes.ts';
import { createConfirmationStore, MAX_WRONG_PER_CODE, type TryAnswer } from './store.ts';

export type ConfirmResult =
  | { answer: 'confirmed'; executions: ExecutionRecord[]; message: string }
  | { answer: 'canceled' | 'refused' | 'expired'; executions: ExecutionRecord[]; message: string }
  | { answer: 'wrong'; left: number; message: string }
  | { answer: 'locked' | 'code_needed' | 'not_found'; message: string };

export interface OpenedConfirmation {
  /** the confirmation id (the first execution's id) */
  id: string;
  code: string;
  expiresAt: string;
  ttlSeconds: number;
}

export interface ConfirmationService {
  /** Opens a confirmation for freshly created pending executions of `user` on `source`. */
  open(input: { executions: ExecutionRecord[]; source: string; user: string; ttlSeconds: number }): Promise<OpenedConfirmation>;
  /**
   * A message from `user` on `source`: undefined when it is not a confirmation reply or they have
   * nothing to confirm there (the text is then matched as a command, like any other).
   */
  reply(input: { source: string; user: string; text: string }): Promise<ConfirmResult | undefined>;
  /** Whether execution `id` has an open confirmation (a pending one without: its creator died before asking). */
  isOpen(id: string): Promise<boolean>;
  /** Confirms (or, with `refuse`, cancels) the confirmation of execution `id` as `user` (API, dashboard, Slack button). */
  confirmExecution(id: string, user: string, code: string | undefined, opts?: { refuse?: boolean; source?: string }): Promise<ConfirmResult>;
  /** Cancels the confirmations whose time is up and answers their senders; returns how many. */
  sweep(): Promise<number>;
  /** Sweeps every `intervalMs` until stopped. */
  startSweeper(intervalMs?: number): { stop(): void };
  close(): Promise<void>;
}

export interface ConfirmationDeps {
  config: Config;
  logger: Logger;
  redis: Redis;
  executions: Pick<ExecutionService, 'get'>;
  deliveries?: Pick<DeliveryService, 'replyToOrigin' | 'ackExecution'>;
  now?: () => number;
}

/**
 * The origin answers go to: the same medium and conversation, but for SMS and email the
 * configured number or address of the user, so a code never reaches whoever forged the sender.
 *
 * @example
 * ownerOrigin(config, 'alice', { source: 'email', sender: 'alice@example.com', reply: { to: 'x@evil.example' } })
 * // { source: 'email', sender: 'Alice@Example.com', reply: { to: 'alice@example.com' } }
 */
export function ownerOrigin(config: Pick<Config, 'main'>, user: string | undefined, origin: Origin | undefined): Origin | undefined {
  if (!origin || !user) return undefined;
  if (!config.main.users[user]) return undefined;
  const confirm = (providers as readonly { kind: string; reply?: ReplyRules }[]).find((p) => p.kind === origin.source)?.reply?.confirm;
  if (confirm === 'owner') {
    const to = userAddress(config, user, origin.source as SenderMedium);
    return to === undefined ? undefined : { ...origin, reply: { ...origin.reply, to } };
  }
  // chat media identify by user id, which the provider (not the sender) set: the origin is the owner's own
  return confirm === 'origin' ? origin : undefined;
}

const sameDigest = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const list = (recs: ExecutionRecord[]) => recs.map((r) => r.id).join(', ');

/** The words of each answer (all media; Slack escapes them at its edge). */
function messageOf(t: TryAnswer, recs: ExecutionRecord[]): string {
  switch (t.answer) {
    case 'confirmed':
      return `Confirmed. Queued ${list(recs)}: ${recs[0]?.alias ?? recs[0]?.action ?? ''}`;
    case 'refused':
      return `Canceled ${list(recs)}: you said no. Nothing was run.`;
    case 'expired':
      return `Canceled ${list(recs)}: not confirmed in time. Nothing was run.`;
    case 'canceled':
      return `Canceled ${list(recs)}: ${MAX_WRONG_PER_CODE} wrong codes. Nothing was run.`;
    case 'wrong':
      return `Wrong code; ${t.left} ${t.left === 1 ? 'try' : 'tries'} left. Nothing was run.`;
    case 'locked':
      return 'Too many wrong codes; try again later. Nothing was run.';
    default:
      return 'Nothing to confirm.';
  }
}

const REASONS = { refuse: 'refused by the sender', expire: 'not confirmed in time', wrong: `${MAX_WRONG_PER_CODE} wrong confirmation codes` } as const;

/** @example const confirmations = createConfirmationService({ config, logger, redis, executions, deliveries }); */
export function createConfirmationService(deps: ConfirmationDeps): ConfirmationService {
  const { config, redis } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ component: 'confirmations' });
  const keys = executionKeys(config.main.redis.prefix);
  const retention = retentionSecondsOf(config.main.executions.retention_days);
  const store = createConfirmationStore(redis, keys, retention, now);
  const forKey = (id: string) => `${keys.prefix}:confirm-for:${id}`;
  let queue: Queue<ExecutionJobData> | undefined;
  const jobs = () => {
    if (!queue) {
      queue = new Queue<ExecutionJobData>(QUEUE_NAME, { connection: redis, prefix: keys.prefix });
      queue.on('error', (err: Error) => log.debug({ err: err.message }, 'queue error'));
    }
    return queue;
  };

  const records = async (ids: string[]) => (await Promise.all(ids.map((id) => deps.executions.get(id)))).filter((r): r is ExecutionRecord => r !== undefined);

  /** Adds the run job of each confirmed execution (the job id is the execution id: a repeat adds nothing). */
  async function enqueue(recs: ExecutionRecord[]) {
    for (const rec of recs) {
      const retries = config.actions.get(rec.action)?.retries ?? 0;
      await jobs().add('run', { execution: rec }, runJobOptions(rec.id, retries, retention));
    }
  }

  /** The transition `t` happened: queue what was confirmed, describe what ended. */
  async function settle(t: TryAnswer): Promise<ConfirmResult> {
    if (t.answer === 'confirmed') {
      const recs = await records(t.ids);
      // canceled meanwhile (POST /cancel): the code was right, but nothing is left to queue
      if (recs.length === 0) return { answer: 'not_found', message: 'Nothing to confirm.' };
      await enqueue(recs);
      log.info({ executions: t.ids }, 'confirmed; queued');
      return { answer: 'confirmed', executions: recs, message: messageOf(t, recs) };
    }
    if (t.answer === 'canceled' || t.answer === 'refused' || t.answer === 'expired') {
      const recs = await records(t.ids);
      log.info({ executions: t.ids, answer: t.answer }, 'confirmation ended; canceled');
      return { answer: t.answer, executions: recs, message: messageOf(t, recs) };
    }
    if (t.answer === 'wrong') return { answer: 'wrong', left: t.left, message: messageOf(t, []) };
    if (t.answer === 'locked') return { answer: 'locked', message: messageOf(t, []) };
    return { answer: 'not_found', message: messageOf(t, []) };
  }

  async function open(input: { executions: ExecutionRecord[]; source: string; user: string; ttlSeconds: number }): Promise<OpenedConfirmation> {
    const id = input.executions[0]!.id;
    const code = newCode();
    const expiresAtMs = now() + input.ttlSeconds * 1000;
    await guarded(redis, async () => {
      await store.create({
        id,
        digest: codeDigest(id, code),
        ids: input.executions.map((e) => e.id),
        source: input.source,
        user: input.user,
        expiresAtMs,
        ttlSeconds: input.ttlSeconds,
      });
      const m = redis.multi();
      for (const e of input.executions) m.set(forKey(e.id), id, 'EX', input.ttlSeconds + 86_400);
      await m.exec();
    });
    log.info({ confirmation: id, executions: input.executions.map((e) => e.id), source: input.source, user: input.user }, 'confirmation asked');
    return { id, code, expiresAt: new Date(expiresAtMs).toISOString(), ttlSeconds: input.ttlSeconds };
  }

  /** A code against one person's open confirmations: the one it matches is confirmed, else one wrong try against each. */
  async function tryCode(cids: string[], code: string): Promise<ConfirmResult> {
    for (const cid of cids) {
      const t = await store.attempt(cid, 'code', { digest: codeDigest(cid, code), reason: REASONS.expire });
      if (t.answer === 'nomatch' || t.answer === 'gone') continue;
      if (t.answer === 'expired') {
        await answerEnded(t, cid);
        continue;
      }
      return settle(t);
    }
    let result: ConfirmResult | undefined;
    for (const [i, cid] of cids.entries()) {
      const t = await store.attempt(cid, 'wrong', { reason: REASONS.wrong, countPerson: i === 0 });
      if (t.answer === 'gone') continue;
      const r = await settle(t);
      // a cancel outranks "tries left" in what the sender reads
      if (!result || r.answer === 'canceled' || r.answer === 'expired') result = r;
    }
    return result ?? { answer: 'not_found', message: 'Nothing to confirm.' };
  }

  /** Settles `t` and tells the owner, on the command's medium, that their confirmation ended (expired). */
  async function answerEnded(t: TryAnswer, cid: string): Promise<ConfirmResult> {
    const r = await settle(t);
    const first = 'executions' in r ? r.executions[0] : undefined;
    const origin = ownerOrigin(config, first?.user, first?.origin);
    if (origin && deps.deliveries) await deps.deliveries.replyToOrigin(origin, r.message, { id: `confirm-${cid}-end`, subject: first?.text ?? 'Switchboard' });
    return r;
  }

  return {
    open,
    async reply({ source, user, text }) {
      const parsed = parseConfirmReply(text);
      if (!parsed) return undefined;
      return guarded(redis, async () => {
        const cids = await store.openOf(source, user);
        if (cids.length === 0) return undefined;
        if (parsed.kind === 'yes_without_code') return { answer: 'code_needed', message: 'Reply YES and the code you were sent.' } as const;
        if (parsed.kind === 'yes') return tryCode(cids, parsed.code);
        // NO: the confirmation of that code, else every open one of this person on this medium
        let targets = cids;
        if (parsed.code !== undefined) {
          const code = parsed.code;
          // the code only says which one to refuse; an unknown code refuses them all (refusing is always safe)
          const found: string[] = [];
          for (const cid of cids) {
            const stored = await redis.hget(`${keys.prefix}:confirm:${cid}`, 'digest');
            if (stored && sameDigest(stored, codeDigest(cid, code))) found.push(cid);
          }
          if (found.length > 0) targets = found;
        }
        const ended: ExecutionRecord[] = [];
        for (const cid of targets) {
          const r = await settle(await store.attempt(cid, 'refuse', { reason: REASONS.refuse }));
          if ('executions' in r) ended.push(...r.executions);
        }
        if (ended.length === 0) return { answer: 'not_found', message: 'Nothing to confirm.' } as const;
        return { answer: 'refused', executions: ended, message: `Canceled ${list(ended)}: you said no. Nothing was run.` } as const;
      });
    },
    async isOpen(id) {
      return guarded(redis, async () => {
        const cid = await redis.get(forKey(id));
        return cid !== null && (await store.ownerOf(cid)) !== undefined;
      });
    },
    async confirmExecution(id, user, code, opts = {}) {
      return guarded(redis, async () => {
        const cid = await redis.get(forKey(id));
        const owner = cid ? await store.ownerOf(cid) : undefined;
        if (!cid || !owner || owner.user !== user) return { answer: 'not_found', message: 'Nothing to confirm.' } as const;
        if (opts.refuse) return settle(await store.attempt(cid, 'refuse', { reason: REASONS.refuse }));
        if (code === undefined || !/^\d{1,12}$/.test(code)) return { answer: 'code_needed', message: 'Send the code you were sent.' } as const;
        const t = await store.attempt(cid, 'code', { digest: codeDigest(cid, code), reason: REASONS.expire });
        if (t.answer === 'nomatch') return settle(await store.attempt(cid, 'wrong', { reason: REASONS.wrong, countPerson: true }));
        return t.answer === 'expired' ? answerEnded(t, cid) : settle(t);
      });
    },
    async sweep() {
      let n = 0;
      for (const cid of await store.due(now(), 100)) {
        const t = await store.attempt(cid, 'expire', { reason: REASONS.expire });
        if (t.answer !== 'expired') continue;
        n += 1;
        await answerEnded(t, cid).catch((err: Error) => log.warn({ confirmation: cid, err: err.message }, 'expiry not answered'));
      }
      return n;
    },
    startSweeper(intervalMs = 1000) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        this.sweep()
          .catch((err: Error) => log.debug({ err: err.message }, 'confirmation sweep failed'))
          .finally(() => (running = false));
      }, intervalMs);
      timer.unref();
      return { stop: () => clearInterval(timer) };
    },
    async close() {
      await queue?.close().catch(() => undefined);
    },
  };
}
