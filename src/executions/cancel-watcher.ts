/**
 * Lets a running execution be stopped from any process: `cancel` sets a flag on the record and
 * publishes the id on `{prefix}:exec-cancel`; every worker listens and aborts the matching run.
 * A slow poll of the flags of running executions covers a message lost during a reconnect.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import type { RecordStore } from './records.ts';

export interface CancelWatcher {
  /** watch `id`; its controller is aborted with reason 'canceled' when a cancel arrives */
  watch(id: string, controller: AbortController): void;
  unwatch(id: string): void;
  /** every controller being watched (shutdown aborts them) */
  controllers(): AbortController[];
  close(): Promise<void>;
}

export async function startCancelWatcher(opts: {
  subscriber: Redis;
  channel: string;
  store: RecordStore;
  logger: Logger;
  pollMs?: number;
}): Promise<CancelWatcher> {
  const running = new Map<string, AbortController>();
  const fire = (id: string) => {
    const c = running.get(id);
    if (c && !c.signal.aborted) {
      opts.logger.info({ execution: id }, 'cancel requested');
      c.abort('canceled');
    }
  };
  // without a listener ioredis prints "Unhandled error event" to stderr on every failed reconnect
  // while Redis is away (ioredis re-subscribes by itself once it is back)
  opts.subscriber.on('error', (err: Error) => opts.logger.debug({ err: err.message }, 'cancel subscriber redis error'));
  opts.subscriber.on('message', (channel: string, id: string) => {
    if (channel === opts.channel) fire(id);
  });
  await opts.subscriber.subscribe(opts.channel);
  const poll = setInterval(() => {
    if (running.size === 0) return;
    opts.store
      .cancelRequested([...running.keys()])
      .then((ids) => ids.forEach(fire))
      .catch((err: Error) => opts.logger.debug({ err: err.message }, 'cancel poll failed'));
  }, opts.pollMs ?? 2000);
  poll.unref();
  return {
    watch: (id, controller) => void running.set(id, controller),
    unwatch: (id) => void running.delete(id),
    controllers: () => [...running.values()],
    async close() {
      clearInterval(poll);
      await opts.subscriber.quit().catch(() => opts.subscriber.disconnect());
    },
  };
}
