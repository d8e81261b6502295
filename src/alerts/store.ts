/**
 * Alert records in Redis (keys: src/alerts/keys.ts), changed only by Lua scripts so concurrent
 * gateways and workers never lose an update:
 *
 * - intake (`sbAlertIntake`): a firing alert whose fingerprint has an open record on the channel is
 *   a repeat (`repeats + 1`); otherwise a new record with a free short code. A resolved one closes
 *   the open record ONCE (frees its code and fingerprint); a resolved without an open record is
 *   ignored, so Alertmanager's repeated `resolved` never follows up twice.
 * - update (`sbAlertUpdate`): ack, unack, silence, an escalation step, or an event alone (refused),
 *   each checked against the record's state inside the script.
 *
 * The record's `deliveries` field is the delivery ledger's (src/deliveries/ledger.ts upserts there).
 */
import type { Redis } from 'ioredis';
import { defineScript } from '../redis/script.ts';
import { CODE_CANDIDATES, codeCandidates, newAlertId } from './codes.ts';
import type { AlertKeys } from './keys.ts';
import type { AlertEvent, AlertRecord, IncomingAlert } from './types.ts';

/** Events kept per record (the oldest go first); repeats are folded into one event. */
const MAX_EVENTS = 200;

const PUSH_EVENT = `
local function pushEvent(key, ev, fold)
  local raw = redis.call('HGET', key, 'events')
  local list = {}
  if raw and raw ~= '' and raw ~= '[]' and raw ~= '{}' then list = cjson.decode(raw) end
  local e = cjson.decode(ev)
  local last = list[#list]
  if fold and last and last.kind == e.kind then list[#list] = e else list[#list + 1] = e end
  while #list > ${MAX_EVENTS} do table.remove(list, 1) end
  redis.call('HSET', key, 'events', cjson.encode(list))
end
`;

/**
 * KEYS: fp, open (record of the id the caller read at fp, or any key when none), openCode (its code
 * key, or any key), fresh (record of a new alert), index, firing, resolved, channel, seq, code1..code8.
 * ARGV: [1] id read at fp ('' none), [2] new id, [3] status, [4] now ISO, [5] now ms, [6] fields
 * JSON of a new record, [7] retention seconds, [8] ends_at ('' none), [9..16] candidate codes,
 * [17] repeated event JSON, [18] resolved event JSON.
 * Returns {outcome, id, code}: fired | repeated | resolved | ignored, or {retry} when fp changed
 * since the caller read it, or {codes} when every candidate code is taken.
 */
const INTAKE = `${PUSH_EVENT}
local cur = redis.call('GET', KEYS[1]) or ''
if cur ~= ARGV[1] then return {'retry'} end
if cur ~= '' and redis.call('EXISTS', KEYS[2]) == 0 then
  -- the record expired (retention) while its fingerprint key stayed: forget it
  redis.call('DEL', KEYS[1])
  if redis.call('GET', KEYS[3]) == cur then redis.call('DEL', KEYS[3]) end
  cur = ''
end
local ttl = tonumber(ARGV[7])
if ARGV[3] == 'firing' then
  if cur ~= '' then
    redis.call('HINCRBY', KEYS[2], 'repeats', 1)
    redis.call('HSET', KEYS[2], 'updated_at', ARGV[4])
    pushEvent(KEYS[2], ARGV[17], true)
    return {'repeated', cur, redis.call('HGET', KEYS[2], 'code') or ''}
  end
  local code = nil
  for i = 0, ${CODE_CANDIDATES - 1} do
    if redis.call('SET', KEYS[10 + i], ARGV[2], 'NX', 'EX', ttl) then code = ARGV[9 + i]; break end
  end
  if not code then return {'codes'} end
  local fields = cjson.decode(ARGV[6])
  for k, v in pairs(fields) do redis.call('HSET', KEYS[4], k, v) end
  redis.call('HSET', KEYS[4], 'code', code)
  redis.call('EXPIRE', KEYS[4], ttl)
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ttl)
  local score = tonumber(ARGV[5]) * 1000 + (redis.call('INCR', KEYS[9]) % 1000)
  redis.call('ZADD', KEYS[5], score, ARGV[2])
  redis.call('ZADD', KEYS[6], score, ARGV[2])
  redis.call('ZADD', KEYS[8], score, ARGV[2])
  return {'fired', ARGV[2], code}
end
if cur == '' then return {'ignored'} end
local code = redis.call('HGET', KEYS[2], 'code') or ''
redis.call('HSET', KEYS[2], 'status', 'resolved', 'updated_at', ARGV[4])
if ARGV[8] ~= '' then redis.call('HSET', KEYS[2], 'ends_at', ARGV[8]) end
pushEvent(KEYS[2], ARGV[18], false)
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[3]) == cur then redis.call('DEL', KEYS[3]) end
local score = redis.call('ZSCORE', KEYS[6], cur)
redis.call('ZREM', KEYS[6], cur)
if score then redis.call('ZADD', KEYS[7], score, cur) end
return {'resolved', cur, code}
`;

/**
 * KEYS[1] record. ARGV: [1] op (ack | unack | silence | escalate | event), [2] now ISO, [3] now ms,
 * [4] event JSON, [5] user, [6] silence JSON / step, [7] silence until ms.
 * Returns -1 no record, 0 not firing, 2 nothing to do (already acked, not acked, step sent), 1 done.
 */
const UPDATE = `${PUSH_EVENT}
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local op = ARGV[1]
if op == 'event' then pushEvent(KEYS[1], ARGV[4], false); return 1 end
if redis.call('HGET', KEYS[1], 'status') ~= 'firing' then return 0 end
local acked = redis.call('HGET', KEYS[1], 'acked_by')
if op == 'ack' then
  if acked then return 2 end
  redis.call('HSET', KEYS[1], 'acked_by', ARGV[5], 'acked_at', ARGV[2])
elseif op == 'unack' then
  if not acked then return 2 end
  redis.call('HDEL', KEYS[1], 'acked_by', 'acked_at')
elseif op == 'silence' then
  redis.call('HSET', KEYS[1], 'silence', ARGV[6], 'silence_until_ms', ARGV[7])
  if not acked then redis.call('HSET', KEYS[1], 'acked_by', ARGV[5], 'acked_at', ARGV[2]) end
elseif op == 'escalate' then
  if acked then return 2 end
  local until_ms = tonumber(redis.call('HGET', KEYS[1], 'silence_until_ms') or '0')
  if until_ms > tonumber(ARGV[3]) then return 2 end
  if tonumber(redis.call('HGET', KEYS[1], 'escalation_step') or '0') >= tonumber(ARGV[6]) then return 2 end
  redis.call('HSET', KEYS[1], 'escalation_step', ARGV[6])
else
  return redis.error_reply('unknown op')
end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[2])
pushEvent(KEYS[1], ARGV[4], false)
return 1
`;

const codeKeyNames = Array.from({ length: CODE_CANDIDATES }, (_, i) => `code${i + 1}` as const);
type CodeKey = (typeof codeKeyNames)[number];

const intakeScript = defineScript<'fp' | 'open' | 'openCode' | 'fresh' | 'index' | 'firing' | 'resolved' | 'channel' | 'seq' | CodeKey, string[], string[]>({
  name: 'sbAlertIntake',
  keys: ['fp', 'open', 'openCode', 'fresh', 'index', 'firing', 'resolved', 'channel', 'seq', ...codeKeyNames],
  lua: INTAKE,
});

const updateScript = defineScript<'record', string[], number>({ name: 'sbAlertUpdate', keys: ['record'], lua: UPDATE });

export type IntakeOutcome = 'fired' | 'repeated' | 'resolved' | 'ignored';

export type UpdateOp =
  | { op: 'ack'; user: string }
  | { op: 'unack'; user: string }
  | { op: 'silence'; user: string; silence: NonNullable<AlertRecord['silence']> }
  | { op: 'escalate'; step: number }
  | { op: 'event' };

/** -1 no record, 0 not firing, 2 nothing to do, 1 done */
export type UpdateResult = -1 | 0 | 1 | 2;

export interface AlertStore {
  intake(input: {
    channel: string;
    kind: AlertRecord['kind'];
    alert: IncomingAlert;
    digits: number;
    now: number;
  }): Promise<{ outcome: IntakeOutcome; id?: string; code?: string }>;
  update(id: string, op: UpdateOp, event: AlertEvent, now: number): Promise<UpdateResult>;
  get(id: string): Promise<AlertRecord | undefined>;
  /** the id of the OPEN alert holding `code` */
  idOfCode(code: string): Promise<string | undefined>;
  list(query: { status?: 'firing' | 'resolved'; channel?: string; limit: number; cursor?: string }): Promise<{ alerts: AlertRecord[]; next_cursor?: string }>;
}

const json = <T>(raw: string | undefined, empty: T): T => {
  if (raw === undefined || raw === '' || raw === '{}') return empty;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return empty;
  }
};
const map = (raw: string | undefined): Record<string, string> => {
  const v = json<unknown>(raw, {});
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {};
};
const list = <T>(raw: string | undefined): T[] => {
  const v = json<unknown>(raw, []);
  return Array.isArray(v) ? (v as T[]) : [];
};

/** A record hash as the API shape. */
export function recordFromHash(h: Record<string, string>): AlertRecord | undefined {
  if (!h.id || !h.code) return undefined;
  const silence = json<AlertRecord['silence'] | undefined>(h.silence, undefined);
  return {
    id: h.id,
    code: h.code,
    channel: h.channel ?? '',
    kind: h.kind === 'grafana' ? 'grafana' : 'alertmanager',
    fingerprint: h.fingerprint ?? '',
    status: h.status === 'resolved' ? 'resolved' : 'firing',
    labels: map(h.labels),
    annotations: map(h.annotations),
    starts_at: h.starts_at ?? '',
    ...(h.ends_at && { ends_at: h.ends_at }),
    ...(h.generator_url && { generator_url: h.generator_url }),
    received_at: h.received_at ?? '',
    updated_at: h.updated_at ?? '',
    repeats: Number(h.repeats ?? 0),
    ...(h.acked_by && { acked_by: h.acked_by }),
    ...(h.acked_at && { acked_at: h.acked_at }),
    ...(silence && { silence }),
    escalation_step: Number(h.escalation_step ?? 0),
    events: list<AlertEvent>(h.events),
    deliveries: list<AlertRecord['deliveries'][number]>(h.deliveries),
  };
}

const MAX_LIST_SCAN = 1000;

/**
 * @example
 * const store = createAlertStore(redis, alertKeys('sb'), 30 * 86_400);
 * const { outcome, id, code } = await store.intake({ channel: 'am-prod', kind: 'alertmanager', alert, digits: 4, now: Date.now() });
 */
export function createAlertStore(redis: Redis, keys: AlertKeys, retentionSeconds: number): AlertStore {
  const ttl = Math.max(60, Math.round(retentionSeconds));
  const get = async (id: string) => recordFromHash(await redis.hgetall(keys.record(id)));
  return {
    async intake({ channel, kind, alert, digits, now }) {
      const iso = new Date(now).toISOString();
      const fpKey = keys.fingerprint(channel, alert.fingerprint);
      const fresh = newAlertId();
      const fields: Record<string, string> = {
        id: fresh,
        channel,
        kind,
        fingerprint: alert.fingerprint,
        status: 'firing',
        labels: JSON.stringify(alert.labels),
        annotations: JSON.stringify(alert.annotations),
        starts_at: alert.startsAt,
        received_at: iso,
        updated_at: iso,
        repeats: '0',
        escalation_step: '0',
        events: JSON.stringify([{ at: iso, kind: 'fired' }]),
        deliveries: '[]',
        ...(alert.generatorURL !== undefined && { generator_url: alert.generatorURL }),
        ...(alert.links !== undefined && { links: JSON.stringify(alert.links) }),
      };
      for (let attempt = 0; attempt < 20; attempt++) {
        const cur = (await redis.get(fpKey)) ?? '';
        const openCode = cur === '' ? undefined : await redis.hget(keys.record(cur), 'code');
        const codes = codeCandidates(digits);
        while (codes.length < CODE_CANDIDATES) codes.push(codes[codes.length - 1]!);
        const codeKeys = Object.fromEntries(codeKeyNames.map((n, i) => [n, keys.code(codes[i]!)])) as Record<CodeKey, string>;
        const r = await intakeScript.run(
          redis,
          {
            fp: fpKey,
            open: keys.record(cur === '' ? fresh : cur),
            openCode: keys.code(openCode ?? '-'),
            fresh: keys.record(fresh),
            index: keys.index,
            firing: keys.statusIndex('firing'),
            resolved: keys.statusIndex('resolved'),
            channel: keys.channelIndex(channel),
            seq: keys.seq,
            ...codeKeys,
          },
          cur,
          fresh,
          alert.status,
          iso,
          String(now),
          JSON.stringify(fields),
          String(ttl),
          alert.endsAt ?? (alert.status === 'resolved' ? iso : ''),
          ...codes,
          JSON.stringify({ at: iso, kind: 'repeated' }),
          JSON.stringify({ at: iso, kind: 'resolved' }),
        );
        const [outcome, id, code] = r;
        if (outcome === 'retry' || outcome === 'codes') continue;
        return { outcome: outcome as IntakeOutcome, ...(id !== undefined && { id }), ...(code !== undefined && { code }) };
      }
      throw new Error(`alert intake for ${channel}/${alert.fingerprint}: no free short code or the fingerprint kept changing; raise code_digits`);
    },
    async update(id, op, event, now) {
      const arg6 = op.op === 'silence' ? JSON.stringify(op.silence) : op.op === 'escalate' ? String(op.step) : '';
      const arg7 = op.op === 'silence' ? String(Date.parse(op.silence.until)) : '';
      const user = 'user' in op ? op.user : '';
      return (await updateScript.run(
        redis,
        { record: keys.record(id) },
        op.op,
        new Date(now).toISOString(),
        String(now),
        JSON.stringify(event),
        user,
        arg6,
        arg7,
      )) as UpdateResult;
    },
    get,
    async idOfCode(code) {
      return (await redis.get(keys.code(code))) ?? undefined;
    },
    async list({ status, channel, limit, cursor }) {
      const index = channel !== undefined ? keys.channelIndex(channel) : status !== undefined ? keys.statusIndex(status) : keys.index;
      const max = cursor !== undefined && /^\d+$/.test(cursor) ? `(${cursor}` : '+inf';
      const out: AlertRecord[] = [];
      let from = max;
      let scanned = 0;
      while (out.length < limit && scanned < MAX_LIST_SCAN) {
        const page = await redis.zrevrangebyscore(index, from, '-inf', 'WITHSCORES', 'LIMIT', 0, 100);
        if (page.length === 0) return { alerts: out };
        const ids: string[] = [];
        const scores: string[] = [];
        for (let i = 0; i < page.length; i += 2) {
          ids.push(page[i]!);
          scores.push(page[i + 1]!);
        }
        const pipe = redis.pipeline();
        for (const id of ids) pipe.hgetall(keys.record(id));
        const rows = (await pipe.exec()) ?? [];
        for (let i = 0; i < ids.length; i++) {
          scanned++;
          const rec = recordFromHash((rows[i]?.[1] as Record<string, string>) ?? {});
          if (!rec) {
            await redis.zrem(index, ids[i]!); // expired (retention)
          } else if (status === undefined || rec.status === status) {
            out.push(rec);
          }
          if (out.length === limit || scanned === MAX_LIST_SCAN) {
            const more = i < ids.length - 1 || page.length === 200;
            const next = scores[i]!;
            return more || out.length === limit ? { alerts: out, next_cursor: next } : { alerts: out };
          }
        }
        from = `(${scores[scores.length - 1]}`;
        if (ids.length < 100) return { alerts: out };
      }
      return { alerts: out };
    },
  };
}
