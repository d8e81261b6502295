/**
 * The delivery ledger: each delivery of an execution is an entry of the record's `deliveries`
 * (`GET /api/v1/executions/:id`), changed by one Lua script so concurrent workers never lose an
 * update; plus counters per outcome. Entries carry their delivery `id` beside the contract fields.
 */
import type { Redis } from 'ioredis';
import type { DeliveryRecord } from '../executions/types.ts';
import type { DeliveryKeys } from './keys.ts';
import { defineScript } from '../redis/script.ts';

/** A ledger entry: the API's DeliveryRecord plus the delivery id it belongs to. */
export interface LedgerEntry extends DeliveryRecord {
  id: string;
}

/**
 * The record a delivery is listed on: an execution id (a plain string, as always) or an alert
 * (`{ alertId }`, src/alerts/): its notifications' deliveries are listed on the alert record.
 */
export type LedgerRecord = string | { alertId: string };

export type DeliveryCounter = 'queued' | 'sent' | 'failed' | 'skipped' | 'retried' | 'fallback';

/**
 * `upsert(record, stats, id, mode, json, counter)`: the delivery `id`'s entry on `record`; `mode`
 * `pending` adds it only when absent, `update` replaces it, never undoing `sent`; `counter` ('' =
 * none) is bumped on `stats` by `update` whatever happens, by `pending` only when it added the entry
 * (listing and counting a new delivery is one call). Returns 1 when the entry changed. A missing
 * record (expired) is left alone. A Lua function, shared with the enqueue script (fairness.ts).
 */
export const LEDGER_UPSERT_LUA = `
local function upsert(record, stats, id, mode, json, counter)
  local function bump() if counter ~= '' then redis.call('HINCRBY', stats, counter, 1) end end
  if mode ~= 'pending' then bump() end
  if redis.call('EXISTS', record) == 0 then return 0 end
  local raw = redis.call('HGET', record, 'deliveries')
  local list = {}
  if raw and raw ~= '' and raw ~= '[]' and raw ~= '{}' then list = cjson.decode(raw) end
  local entry = cjson.decode(json)
  for i, d in ipairs(list) do
    if d.id == id then
      if mode == 'pending' or d.status == 'sent' then return 0 end
      list[i] = entry
      redis.call('HSET', record, 'deliveries', cjson.encode(list))
      return 1
    end
  end
  list[#list + 1] = entry
  redis.call('HSET', record, 'deliveries', cjson.encode(list))
  if mode == 'pending' then bump() end
  return 1
end
`;

/** KEYS[1] record, KEYS[2] stats. ARGV: id, mode, entry JSON, counter: see {@link LEDGER_UPSERT_LUA}. */
const upsertScript = `${LEDGER_UPSERT_LUA}
return upsert(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
`;

/** The Redis key of the record a delivery is listed on. */
export const ledgerKeyOf = (keys: Pick<DeliveryKeys, 'record' | 'alertRecord'>, r: LedgerRecord): string =>
  typeof r === 'string' ? keys.record(r) : keys.alertRecord(r.alertId);

export interface Ledger {
  /** lists the delivery as `pending` on its execution (or alert) unless already listed; bumps `counter` (if any) only when it added it */
  pending(record: LedgerRecord, entry: LedgerEntry, counter?: DeliveryCounter): Promise<boolean>;
  /** records the delivery's latest state on its execution or alert (created when missing) and bumps `counter` */
  update(record: LedgerRecord | undefined, entry: LedgerEntry, counter?: DeliveryCounter): Promise<void>;
  count(counter: DeliveryCounter): Promise<void>;
  stats(): Promise<Record<DeliveryCounter, number>>;
}

const upsertDelivery = defineScript<'record' | 'stats', [id: string, mode: 'pending' | 'update', json: string, counter: string], number>({
  name: 'sbDeliveryUpsert',
  keys: ['record', 'stats'],
  lua: upsertScript,
});

export function createLedger(redis: Redis, keys: DeliveryKeys): Ledger {
  const upsert = (record: string, stats: string, id: string, mode: 'pending' | 'update', json: string, counter: string) =>
    upsertDelivery.run(redis, { record, stats }, id, mode, json, counter);
  const keyOf = (r: LedgerRecord) => ledgerKeyOf(keys, r);
  return {
    async pending(record, entry, counter) {
      return (await upsert(keyOf(record), keys.stats, entry.id, 'pending', JSON.stringify(entry), counter ?? '')) === 1;
    },
    async update(record, entry, counter) {
      if (record === undefined) {
        if (counter) await redis.hincrby(keys.stats, counter, 1);
        return;
      }
      await upsert(keyOf(record), keys.stats, entry.id, 'update', JSON.stringify(entry), counter ?? '');
    },
    async count(counter) {
      await redis.hincrby(keys.stats, counter, 1);
    },
    async stats() {
      const h = await redis.hgetall(keys.stats);
      const n = (k: DeliveryCounter) => Number(h[k] ?? 0);
      return { queued: n('queued'), sent: n('sent'), failed: n('failed'), skipped: n('skipped'), retried: n('retried'), fallback: n('fallback') };
    },
  };
}
