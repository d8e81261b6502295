/**
 * A channel's persistent state in Redis (`{sb}:sink:<channel>:*`: opt-outs, issue per fingerprint,
 * WhatsApp sessions), shared by the channel's outbound sink (via the delivery worker) and its
 * inbound half: a provider's ingress takes its state from here, never from sink or delivery internals.
 */
import type { Redis } from 'ioredis';
import { deliveryKeys } from '../deliveries/keys.ts';
import { createRedisSinkState } from '../sinks/redis-state.ts';
import type { SinkState } from '../sinks/sink.ts';

/**
 * @example
 * const state = channelState(redis, config.main.redis.prefix, 'twilio'); // keys under {sb}:sink:twilio:
 */
export function channelState(redis: Redis, redisPrefix: string, channel: string): SinkState {
  return createRedisSinkState(redis, deliveryKeys(redisPrefix).sinkState(channel));
}
