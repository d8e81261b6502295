/**
 * Per-channel send rates, one Redis bucket (GCRA) per channel, or per channel and target when the
 * provider limits per target (Slack: about 1 message per second per conversation). A job whose
 * bucket is empty is moved back to `delayed` for the time the bucket needs, so it never holds a
 * worker slot and one slow channel does not block the others. A provider's Retry-After pauses that
 * bucket, so the channel's other deliveries wait too.
 */
import type { Redis } from 'ioredis';
import type { ChannelConfig, ChannelKind } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { sinkDefinitions } from '../sinks/index.ts';
import type { DeliveryKeys } from './keys.ts';
import { defineScript } from '../redis/script.ts';

export interface Rate {
  max: number;
  perSeconds: number;
  perTarget: boolean;
}

/** Used when a sink definition sets no `defaultRate`: Slack's per-conversation pace, one SMS sender's pace. */
const builtinRates: Partial<Record<ChannelKind, Rate>> = {
  slack: { max: 1, perSeconds: 1, perTarget: true },
  sms: { max: 1, perSeconds: 1, perTarget: false },
};

/**
 * The rate of a channel: its `rate_limit` setting, else its kind's default; undefined = unlimited.
 *
 * @example
 * rateOf({ name: 'slack-ops', kind: 'slack', token: 'x' }) // { max: 1, perSeconds: 1, perTarget: true }
 */
export function rateOf(channel: ChannelConfig): Rate | undefined {
  const def = sinkDefinitions.find((d) => d.kind === channel.kind)?.defaultRate;
  const base: Rate | undefined = def ? { max: def.max, perSeconds: def.perSeconds, perTarget: def.perTarget ?? false } : builtinRates[channel.kind];
  if (channel.rate_limit) return { max: channel.rate_limit.max, perSeconds: channel.rate_limit.per_seconds, perTarget: base?.perTarget ?? false };
  return base;
}

/**
 * Take. KEYS[1] bucket, KEYS[2] pause key; ARGV: interval ms, burst (0 = no rate). Returns 0 (go)
 * or the ms to wait.
 * 1. A pause (Retry-After) still running: wait for it.
 * 2. GCRA: tat (theoretical arrival time) is the stored value, at least now; the send may go when
 *    tat + interval - burst * interval <= now, and then moves tat by one interval.
 */
const takeScript = `
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
local burst = tonumber(ARGV[2])
if burst == 0 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local allowAt = tat + interval - burst * interval
if allowAt > now then return math.ceil(allowAt - now) end
local newTat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', newTat), 'PX', math.ceil(newTat - now) + 1000)
return 0
`;

/**
 * Pause. KEYS[1] pause key, KEYS[2] the running pauses (zset: pause key -> until ms); ARGV: ms, the
 * channel announcing pauses. Extends, never shortens, a running pause; a new or longer one is listed
 * and announced (`<pause key> <ms>`) to every process's {@link PauseWatch}.
 */
const pauseScript = `
if redis.call('PTTL', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), KEYS[1])
redis.call('PUBLISH', ARGV[2], KEYS[1] .. ' ' .. ARGV[1])
return 1
`;

/** The running pauses, each as the ms it has left (KEYS[1] the zset): {pause key, ms, ...}. */
const pausesScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local out = {}
local list = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #list, 2 do
  out[#out + 1] = list[i]
  out[#out + 1] = tostring(tonumber(list[i + 1]) - now)
end
return out
`;

export interface RateLimiter {
  /** 0 when the channel may send now, else how long to wait (ms) */
  take(channel: string, target: string | undefined): Promise<number>;
  /** nothing of this channel (and target) is sent for `ms` */
  pause(channel: string, target: string | undefined, ms: number): Promise<void>;
}

const rateTake = defineScript<'bucket' | 'pause', [intervalMs: number, burst: number], number>({
  name: 'sbRateTake',
  keys: ['bucket', 'pause'],
  lua: takeScript,
});
const ratePause = defineScript<'pause' | 'pauses', [ms: number, channel: string], number>({
  name: 'sbRatePause',
  keys: ['pause', 'pauses'],
  lua: pauseScript,
});
const runningPauses = defineScript<'pauses', [], string[]>({ name: 'sbRatePauses', keys: ['pauses'], lua: pausesScript });

/**
 * This process's copy of the running pauses, kept current by their announcements: a channel with no
 * rate then needs no round trip before each send (bench e2e: one Redis command of the 21 per
 * command). It is only trusted while its subscription stands: from each (re)subscription on, once
 * the list of running pauses has been read after it (a pause announced while it was away is in
 * that list); before that, and whenever the subscriber's connection drops, `remaining` answers
 * undefined and the limiter asks Redis as it always did. The list is read again every `reloadMs`
 * (a message lost on a connection that has not noticed it is down is found within that time).
 */
export interface PauseWatch {
  /** ms left of the pause `pauseKey`, 0 when none; undefined while the copy cannot be trusted */
  remaining(pauseKey: string): number | undefined;
  close(): Promise<void>;
}

/** @example const pauses = startPauseWatch({ subscriber: redis.duplicate(), redis, keys, logger }); */
export function startPauseWatch(opts: {
  subscriber: Redis;
  redis: Redis;
  keys: Pick<DeliveryKeys, 'pauses' | 'pauseChannel'>;
  logger: Logger;
  reloadMs?: number;
}): PauseWatch {
  const { subscriber, redis, keys, logger } = opts;
  /** pause key -> until (this process's clock, ms) */
  const until = new Map<string, number>();
  let trusted = false;
  // each (re)subscription: its reads count only while it is the latest and the connection stands
  let generation = 0;
  const note = (key: string, ms: number) => {
    const end = Date.now() + ms;
    if ((until.get(key) ?? 0) < end) until.set(key, end);
  };
  const load = async () => {
    const list = await runningPauses.run(redis, { pauses: keys.pauses });
    for (let i = 0; i + 1 < list.length; i += 2) note(list[i]!, Number(list[i + 1]));
    const now = Date.now();
    for (const [k, end] of until) if (end <= now) until.delete(k);
  };
  const distrust = () => {
    generation++;
    trusted = false;
  };
  const subscribeAndLoad = async () => {
    const mine = ++generation;
    trusted = false;
    try {
      await subscriber.subscribe(keys.pauseChannel);
      await load();
      if (mine === generation && subscriber.status === 'ready') trusted = true;
    } catch (err) {
      logger.debug({ err: (err as Error).message }, 'rate pauses not loaded; each send asks Redis');
    }
  };
  subscriber.on('error', (err: Error) => logger.debug({ err: err.message }, 'rate pause subscriber redis error'));
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== keys.pauseChannel) return;
    const at = message.lastIndexOf(' ');
    const ms = Number(message.slice(at + 1));
    if (at > 0 && Number.isFinite(ms)) note(message.slice(0, at), ms);
  });
  subscriber.on('close', distrust);
  subscriber.on('ready', () => void subscribeAndLoad());
  if (subscriber.status === 'ready') void subscribeAndLoad();
  const reload = setInterval(() => {
    if (trusted) load().catch((err: Error) => logger.debug({ err: err.message }, 'rate pauses not reloaded'));
  }, opts.reloadMs ?? 5000);
  reload.unref();
  return {
    remaining(pauseKey) {
      if (!trusted) return undefined;
      const end = until.get(pauseKey);
      return end === undefined ? 0 : Math.max(0, end - Date.now());
    },
    async close() {
      clearInterval(reload);
      distrust();
      // one waiting to connect again would wait for Redis to QUIT: ended at once instead
      if (subscriber.status !== 'ready') subscriber.disconnect();
      else await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}

/**
 * `pauses`: this process's {@link PauseWatch}; with it, a channel with no rate is sent to without a
 * round trip while the watch is trusted (without it, every take runs the bucket script).
 */
export function createRateLimiter(redis: Redis, keys: DeliveryKeys, channels: Map<string, ChannelConfig>, pauses?: PauseWatch): RateLimiter {
  const rates = new Map<string, Rate>();
  for (const [name, c] of channels) {
    const rate = rateOf(c);
    if (rate) rates.set(name, rate);
  }
  const bucket = (channel: string, target: string | undefined) => {
    const rate = rates.get(channel);
    return keys.rate(channel, rate?.perTarget ? (target ?? '') : undefined);
  };
  return {
    async take(channel, target) {
      const rate = rates.get(channel);
      const key = bucket(channel, target);
      if (!rate) {
        // no bucket to take from: only a running pause can hold the send
        const paused = pauses?.remaining(`${key}:pause`);
        if (paused !== undefined) return Math.ceil(paused);
      }
      const interval = rate ? Math.max(1, Math.round((rate.perSeconds * 1000) / rate.max)) : 0;
      return Number(await rateTake.run(redis, { bucket: key, pause: `${key}:pause` }, interval, rate?.max ?? 0));
    },
    async pause(channel, target, ms) {
      if (ms <= 0) return;
      await ratePause.run(redis, { pause: `${bucket(channel, target)}:pause`, pauses: keys.pauses }, Math.ceil(ms), keys.pauseChannel);
    },
  };
}
