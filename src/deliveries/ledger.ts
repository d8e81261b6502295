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
 * KEYS[1] record, KEYS[2] stats. ARGV: id, mode (`pending` adds only when absent; `update`
 * replaces, never undoing `sent`), entry JSON, counter field ('' = none: `update` counts it
 * whatever happens, `pending` only when it added the entry, so listing and counting a new delivery
 * is one call).
 * Returns 1 when the entry changed. A missing record (expired) is left alone.
 */
const upsertScript = `
local function bump() if ARGV[4] ~= '' then redis.call('HINCRBY', KEYS[2], ARGV[4], 1) end end
if ARGV[2] ~= 'pending' then bump() end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local raw = redis.call('HGET', KEYS[1], 'deliveries')
local list = {}
if raw and raw ~= '' and raw ~= '[]' and raw ~= '{}' then list = cjson.decode(raw) end
local entry = cjson.decode(ARGV[3])
for i, d in ipairs(list) do
  if d.id == ARGV[1] then
    if ARGV[2] == 'pending' or d.status == 'sent' then return 0 end
    list[i] = entry
    redis.call('HSET', KEYS[1], 'deliveries', cjson.encode(list))
    return 1
  end
end
list[#list + 1] = entry
redis.call('HSET', KEYS[1], 'deliveries', cjson.encode(list))
if ARGV[2] == 'pending' then bump() end
return 1
`;

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
  const keyOf = (r: LedgerRecord) => (typeof r === 'string' ? keys.record(r) : keys.alertRecord(r.alertId));
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
