/**
 * Per-channel send rates, one Redis bucket (GCRA) per channel, or per channel and target when the
 * provider limits per target (Slack: about 1 message per second per conversation). A job whose
 * bucket is empty is moved back to `delayed` for the time the bucket needs, so it never holds a
 * worker slot and one slow channel does not block the others. A provider's Retry-After pauses that
 * bucket, so the channel's other deliveries wait too.
 */
import type { Redis } from 'ioredis';
import type { ChannelConfig, ChannelKind } from '../config/schema.ts';
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

/** Pause. KEYS[1] pause key; ARGV: ms. Extends, never shortens, a running pause. */
const pauseScript = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0
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
const ratePause = defineScript<'pause', [ms: number], number>({ name: 'sbRatePause', keys: ['pause'], lua: pauseScript });

export function createRateLimiter(redis: Redis, keys: DeliveryKeys, channels: Map<string, ChannelConfig>): RateLimiter {
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
      const interval = rate ? Math.max(1, Math.round((rate.perSeconds * 1000) / rate.max)) : 0;
      return Number(await rateTake.run(redis, { bucket: key, pause: `${key}:pause` }, interval, rate?.max ?? 0));
    },
    async pause(channel, target, ms) {
      if (ms <= 0) return;
      await ratePause.run(redis, { pause: `${bucket(channel, target)}:pause` }, Math.ceil(ms));
    },
  };
}
