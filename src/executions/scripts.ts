/**
 * Lua scripts that change execution records atomically. Every key a script touches is passed as
 * a KEYS entry (none is built inside a script; records.ts declares them by name). Every script that
 * changes a status gets the record key, the seven per-status index keys in {@link STATUS_ORDER}, the
 * hook outbox and the live output, as KEYS[1..11]: KEYS[1] record, KEYS[2] all-executions index,
 * KEYS[3..9] per-status indexes (`pending` last), KEYS[10] the hook outbox (`exec-hook-pending`),
 * KEYS[11] the run's live output (`exec-out:<id>`). Scripts return the
 * record's hash (flat field/value list) where the caller needs it, to save a round trip.
 */
export const STATUS_ORDER = ['queued', 'running', 'succeeded', 'failed', 'timeout', 'canceled', 'pending'] as const;

/** `pend()`: the hook outbox is KEYS[outbox] */
const pendHook = (outbox: number) => `
local function pend()
  -- remember that this execution's terminal hook is owed, until the worker says it ran (hook outbox)
  local t = redis.call('TIME')
  redis.call('ZADD', KEYS[${outbox}], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), KEYS[1]:match('([^:]+)$'))
end
`;

/** the live output of a run (KEYS[11], keys.ts `liveOutput`) goes when the run ends or starts again */
const dropLive = `
local function dropLive()
  redis.call('DEL', KEYS[11])
end
`;

const common = `${pendHook(10)}${dropLive}
local idx = { queued = KEYS[3], running = KEYS[4], succeeded = KEYS[5], failed = KEYS[6], timeout = KEYS[7], canceled = KEYS[8], pending = KEYS[9] }
local terminal = { succeeded = true, failed = true, timeout = true, canceled = true }
local function move(from, to, score)
  if from ~= to then
    redis.call('ZREM', idx[from], KEYS[1]:match('([^:]+)$'))
    redis.call('ZADD', idx[to], score, KEYS[1]:match('([^:]+)$'))
  end
end
local function finish(st, to, now, err, score, ttl)
  if redis.call('HGET', KEYS[1], 'hooked') ~= '1' then pend() end
  redis.call('HSET', KEYS[1], 'status', to, 'finished_at', now, 'error', err, 'hooked', '1')
  move(st, to, score)
  redis.call('EXPIRE', KEYS[1], ttl)
  dropLive()
end
`;

/**
 * create. KEYS: record, all-executions index, queued index, seq counter, idempotency key (or the
 * record key when none), the user's index (or the record key when the execution has no user). ARGV: id, has-idem ('1'|'0'), ttl seconds, now ms, the field/value pairs
 * as one JSON array (fewer arguments: cheaper to send than one argument per field).
 * Returns {1, id, prune} created (prune = 1 when the caller should now run {@link pruneScript}),
 * also when the same write arrives twice; {0, existing id} idempotent hit; {2, ''} id collision.
 */
export const createScript = `
if ARGV[2] == '1' then
  local existing = redis.call('GET', KEYS[5])
  if existing then return {0, existing} end
end
local fields = cjson.decode(ARGV[5])
if redis.call('EXISTS', KEYS[1]) == 1 then
  -- this very write sent again (the client lost the connection before the reply and resent it on
  -- reconnecting): the same record, created once; anything else is an id collision
  local mine = {}
  for i = 1, #fields, 2 do mine[fields[i]] = fields[i + 1] end
  local h = redis.call('HMGET', KEYS[1], 'created_at', 'action', 'params')
  if h[1] == mine.created_at and h[2] == mine.action and h[3] == mine.params then return {1, ARGV[1], 0} end
  return {2, ''}
end
local seq = redis.call('INCR', KEYS[4])
local now = tonumber(ARGV[4])
local score = string.format('%.0f', now * 1000 + (seq % 1000))
redis.call('HSET', KEYS[1], 'score', score, unpack(fields))
redis.call('EXPIRE', KEYS[1], ARGV[3])
if ARGV[2] == '1' then redis.call('SET', KEYS[5], ARGV[1], 'EX', ARGV[3]) end
redis.call('ZADD', KEYS[2], score, ARGV[1])
redis.call('ZADD', KEYS[3], score, ARGV[1])
if KEYS[6] ~= KEYS[1] then
  -- the owner's index (listing one's own executions); entries past the retention go on each add
  redis.call('ZADD', KEYS[6], score, ARGV[1])
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', '(' .. string.format('%.0f', (now - tonumber(ARGV[3]) * 1000) * 1000))
  redis.call('EXPIRE', KEYS[6], ARGV[3])
end
local prune = 0
if seq % 64 == 0 then prune = 1 end
return {1, ARGV[1], prune}
`;

/**
 * now and then (every 64th create): drop index entries older than the retention, whose records
 * have expired. KEYS: the all-executions index, then the per-status indexes. ARGV: cutoff score.
 */
export const pruneScript = `
for i = 1, #KEYS do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[1]) end
return 1
`;

/** \`nowMs()\`: Redis's clock in ms (one clock for every worker's lease) */
const nowMs = `
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * start a run. ARGV: now iso, max runs, ttl, the job's `created_at` ('' = not checked: a job made
 * for another record, as when a MULTI added it under an id the create script found taken, is
 * answered `missing` and never runs), this run's token and its lease in ms ('' = no lease).
 * A record `running` under another run's unexpired lease (`run_token`, `lease_until` in Redis ms)
 * is a live run whose job was handed out twice (a failover lost the hand-out): answered busy. One
 * under this run's own token is this start sent again (its reply lost in a failover): answered run,
 * the same attempt, as the first time.
 * Returns {'run', attempts, lost(0|1)} | {'busy', ms left on the lease} | {'terminal', status, claimed(0|1), hash...}
 * | {'canceled'|'lost', hash...} (made terminal here, hook claimed) | {'missing'}.
 */
export const startScript = `${common}${nowMs}
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {'missing'} end
if ARGV[4] and ARGV[4] ~= '' and redis.call('HGET', KEYS[1], 'created_at') ~= ARGV[4] then return {'missing'} end
if terminal[st] then
  local claimed = redis.call('HSETNX', KEYS[1], 'hooked', '1')
  if claimed == 1 then pend() end
  return {'terminal', st, claimed, unpack(redis.call('HGETALL', KEYS[1]))}
end
local now = nowMs()
if st == 'running' then
  local l = redis.call('HMGET', KEYS[1], 'lease_until', 'run_token')
  local lu = tonumber(l[1] or '0') or 0
  if ARGV[5] and ARGV[5] ~= '' and l[2] == ARGV[5] then
    -- this run's own start, sent again: ioredis re-sends a command whose reply a failover lost
    -- (the old master applied it). The same run, not a lost one: nothing changes but its lease.
    redis.call('HSET', KEYS[1], 'lease_until', string.format('%.0f', now + tonumber(ARGV[6])))
    return {'run', tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0'), 0}
  end
  if lu > now then return {'busy', lu - now} end
end
local score = redis.call('HGET', KEYS[1], 'score')
local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0')
if redis.call('HGET', KEYS[1], 'cancel') == '1' then
  finish(st, 'canceled', ARGV[1], 'canceled', score, ARGV[3])
  return {'canceled', unpack(redis.call('HGETALL', KEYS[1]))}
end
if st == 'running' and attempts >= tonumber(ARGV[2]) then
  finish(st, 'failed', ARGV[1], 'worker lost', score, ARGV[3])
  return {'lost', unpack(redis.call('HGETALL', KEYS[1]))}
end
attempts = attempts + 1
redis.call('HSET', KEYS[1], 'status', 'running', 'started_at', ARGV[1], 'attempts', attempts)
if ARGV[5] and ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'run_token', ARGV[5], 'lease_until', string.format('%.0f', now + tonumber(ARGV[6]))) end
move(st, 'running', score)
-- a run starts with no output (a lost run's is not this one's)
dropLive()
local lost = 0
if st == 'running' then lost = 1 end
return {'run', attempts, lost}
`;

/**
 * renew the leases of runs going on (see start). KEYS: their records. ARGV: lease ms (0 = let it go
 * now), then one run token per key. A record no longer \`running\` under that token is left alone.
 * Returns one 1 (renewed) | 0 (not that run's any more) per key.
 */
export const leaseScript = `${nowMs}
local lu = string.format('%.0f', nowMs() + tonumber(ARGV[1]))
local out = {}
for i = 1, #KEYS do
  local h = redis.call('HMGET', KEYS[i], 'status', 'run_token')
  if h[1] == 'running' and h[2] == ARGV[i + 1] then
    redis.call('HSET', KEYS[i], 'lease_until', lu)
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`;

/**
 * end a run. ARGV: new status, now iso, result json ('' = none), error ('' = none), ttl,
 * mode ('final' claims the hook | 'retry' goes back to queued).
 * Returns {1} changed (the caller knows the record: no read back) | {0, status} already terminal | {0} missing.
 */
export const finishScript = `${common}
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {0} end
if terminal[st] then return {0, st} end
local score = redis.call('HGET', KEYS[1], 'score')
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'result', ARGV[3]) end
if ARGV[6] == 'retry' then
  redis.call('HSET', KEYS[1], 'status', 'queued', 'error', ARGV[4])
  move(st, 'queued', score)
  dropLive()
  return {1}
end
finish(st, ARGV[1], ARGV[2], ARGV[4], score, ARGV[5])
if ARGV[4] == '' then redis.call('HDEL', KEYS[1], 'error') end
return {1}
`;

/**
 * cancel. ARGV: now iso, ttl, cancel channel.
 * Returns {'queued'} (now canceled) | {'pending'} (now canceled; it never ran, so no terminal hook)
 * | {'running'} (flag set, published) | {'terminal'} | {'missing'}.
 */
export const cancelScript = `${common}
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {'missing'} end
if terminal[st] then return {'terminal'} end
if st == 'pending' then
  local score = redis.call('HGET', KEYS[1], 'score')
  redis.call('HSET', KEYS[1], 'status', 'canceled', 'finished_at', ARGV[1], 'error', 'canceled before it was confirmed', 'hooked', '1')
  move(st, 'canceled', score)
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return {'pending'}
end
if st == 'queued' then
  local score = redis.call('HGET', KEYS[1], 'score')
  redis.call('HSET', KEYS[1], 'status', 'canceled', 'finished_at', ARGV[1], 'error', 'canceled')
  move(st, 'canceled', score)
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return {'queued'}
end
redis.call('HSET', KEYS[1], 'cancel', '1')
redis.call('PUBLISH', ARGV[3], KEYS[1]:match('([^:]+)$'))
return {'running'}
`;

/**
 * complete an instant run in one step (queued -> terminal; the action already ran, see
 * `Runner.instant`). ARGV: status, started iso, finished iso, result json ('' = none),
 * error ('' = none), ttl, the job's `created_at` ('' = not checked; see start), then the ids
 * of other executions whose terminal hook has run (records.ts `hookDone`): they leave the hook
 * outbox here first, so that a busy worker needs no ZREM of its own. Returns {'done', attempts}
 * or the same non-run answers as start.
 */
export const completeScript = `${common}
for i = 8, #ARGV do redis.call('ZREM', KEYS[10], ARGV[i]) end
local h = redis.call('HMGET', KEYS[1], 'status', 'score', 'attempts', 'cancel', 'created_at')
local st, score = h[1], h[2]
if not st then return {'missing'} end
if ARGV[7] and ARGV[7] ~= '' and h[5] ~= ARGV[7] then return {'missing'} end
if terminal[st] then
  local claimed = redis.call('HSETNX', KEYS[1], 'hooked', '1')
  if claimed == 1 then pend() end
  return {'terminal', st, claimed, unpack(redis.call('HGETALL', KEYS[1]))}
end
if h[4] == '1' then
  finish(st, 'canceled', ARGV[3], 'canceled', score, ARGV[6])
  return {'canceled', unpack(redis.call('HGETALL', KEYS[1]))}
end
local attempts = tonumber(h[3] or '0') + 1
if redis.call('HGET', KEYS[1], 'hooked') ~= '1' then pend() end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'started_at', ARGV[2], 'finished_at', ARGV[3], 'attempts', attempts, 'hooked', '1')
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'result', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[5]) else redis.call('HDEL', KEYS[1], 'error') end
move(st, ARGV[1], score)
redis.call('EXPIRE', KEYS[1], ARGV[6])
dropLive()
return {'done', attempts}
`;

/**
 * append to the live output of a run. KEYS: record, its live output hash. ARGV: the run's attempt,
 * stdout bytes, stderr bytes (new since the last call, '' = none), stdout and stderr bytes dropped
 * past the output limit so far, now iso, ttl. Written only while that very run is the record's
 * current one (status running, same attempt): a late write after the end, or from a lost run,
 * changes nothing. Returns 1 written | 0 not (the caller stops publishing).
 */
export const outputScript = `
local h = redis.call('HMGET', KEYS[1], 'status', 'attempts')
if h[1] ~= 'running' or h[2] ~= ARGV[1] then return 0 end
local cur = redis.call('HMGET', KEYS[2], 'attempt', 'stdout', 'stderr')
if cur[1] ~= ARGV[1] then cur = { false, false, false } end
local out, err = cur[2] or '', cur[3] or ''
if ARGV[2] ~= '' then out = out .. ARGV[2] end
if ARGV[3] ~= '' then err = err .. ARGV[3] end
redis.call('HSET', KEYS[2], 'attempt', ARGV[1], 'stdout', out, 'stderr', err, 'stdout_dropped', ARGV[4], 'stderr_dropped', ARGV[5], 'updated_at', ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[7])
return 1
`;

/** claim the terminal hook of a terminal record. KEYS[1] record, KEYS[2] hook outbox. Returns {1, hash...} or {0}. */
export const claimHookScript = `${pendHook(2)}
local st = redis.call('HGET', KEYS[1], 'status')
if not st or st == 'queued' or st == 'running' then return {0} end
if redis.call('HSETNX', KEYS[1], 'hooked', '1') == 0 then return {0} end
pend()
return {1, unpack(redis.call('HGETALL', KEYS[1]))}
`;

/**
 * hook outbox sweep. KEYS[1] the pending set. ARGV: age ms, limit. Takes ids whose hook has been
 * owed for longer than `age` (a worker died between recording the end and notifying), re-stamps
 * them so other workers leave them alone for another `age`, and returns them.
 */
export const sweepHooksScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], now, id) end
return ids
`;
