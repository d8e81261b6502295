/**
 * BullMQ handles on the `executions`, `deliveries` (bulk) and `replies` (answers to commands) queues, for the queue health page and Bull
 * Board, built on first use. They run over `AppDeps.redis` when the gateway shares its connection;
 * otherwise over one connection per process and Redis deployment that the dashboard opens itself, shared
 * by every config generation (a hot reload opens no new one) and unref'd, so it never keeps a
 * stopping process alive. The queue handles too are made once per connection and prefix, not once
 * per generation: a Queue adds listeners to its connection, and nothing closes a retired
 * generation's dashboard.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.ts';
import { DELIVERY_QUEUE, deliveryKeys, REPLY_QUEUE } from '../deliveries/keys.ts';
import { executionKeys, QUEUE_NAME } from '../executions/keys.ts';
import type { Logger } from '../log.ts';
import { ownConnection, redisSettings, settingsKey, unrefSockets, type RedisSettings } from '../redis/connection.ts';

export interface QueueHandles {
  redis: Redis;
  executions: Queue;
  deliveries: Queue;
  replies: Queue;
}

const owned = new Map<string, Redis>();
/** connection -> prefix -> handles: every generation over the same connection shares them */
const shared = new WeakMap<Redis, Map<string, QueueHandles>>();

function dashboardConnection(settings: RedisSettings, logger: Logger): Redis {
  const key = settingsKey(settings);
  const existing = owned.get(key);
  if (existing && existing.status !== 'end') return existing;
  // commands wait for the connection (a page opened right at startup waits, not fails), one retry
  const redis = unrefSockets(ownConnection(settings, { maxRetriesPerRequest: 1, enableAutoPipelining: false }));
  redis.on('error', (err: Error) => logger.debug({ err: err.message }, 'dashboard redis error'));
  owned.set(key, redis);
  return redis;
}

/** Returns the handles, creating them the first time. */
export function lazyQueues(options: { config: Config; logger: Logger; redis?: Redis | undefined }): () => QueueHandles {
  const { config } = options;
  const logger = options.logger.child({ component: 'web' });
  let handles: QueueHandles | undefined;
  return () => {
    if (handles) return handles;
    const redis = options.redis ?? dashboardConnection(redisSettings(config), logger);
    const byPrefix = shared.get(redis) ?? new Map<string, QueueHandles>();
    shared.set(redis, byPrefix);
    const existing = byPrefix.get(config.main.redis.prefix);
    if (existing) return (handles = existing);
    const quiet = (q: Queue) => {
      q.on('error', (err: Error) => logger.debug({ err: err.message, queue: q.name }, 'dashboard queue error'));
      return q;
    };
    handles = {
      redis,
      executions: quiet(new Queue(QUEUE_NAME, { connection: redis, prefix: executionKeys(config.main.redis.prefix).prefix })),
      deliveries: quiet(new Queue(DELIVERY_QUEUE, { connection: redis, prefix: deliveryKeys(config.main.redis.prefix).prefix })),
      replies: quiet(new Queue(REPLY_QUEUE, { connection: redis, prefix: deliveryKeys(config.main.redis.prefix).prefix })),
    };
    byPrefix.set(config.main.redis.prefix, handles);
    return handles;
  };
}
