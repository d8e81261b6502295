/**
 * Lets a running execution be stopped from any process: `cancel` sets a flag on the record and
 * publishes the id on `{prefix}:exec-cancel`; every worker listens and aborts the matching run.
 * A slow poll of the flags of running executions covers a message lost during a reconnect.
 * It also keeps the lease of each run it watches (see the start script): one call renews them all,
 * every `lease.everyMs`, for `lease.ms`.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import type { RecordStore } from './records.ts';

export interface CancelWatcher {
  /**
   * watch `id`; its controller is aborted with reason 'canceled' when a cancel arrives. With a run
   * token its lease is renewed while it is watched (a no-op until its start takes the lease).
   */
  watch(id: string, controller: AbortController, token?: string): void;
  /** stop watching that run of `id` (a job handed out twice may have two runs of it watched here) */
  unwatch(id: string, controller: AbortController): void;
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
  /** run leases: renewed every `everyMs` for `ms` (absent: none kept) */
  lease?: { ms: number; everyMs: number };
}): Promise<CancelWatcher> {
  const running = new Map<string, Map<AbortController, string | undefined>>();
  const fire = (id: string) => {
    for (const c of running.get(id)?.keys() ?? []) {
      if (!c.signal.aborted) {
        opts.logger.info({ execution: id }, 'cancel requested');
        c.abort('canceled');
      }
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
  const lease = opts.lease;
  const renew =
    lease &&
    setInterval(() => {
      const runs: { id: string; token: string }[] = [];
      for (const [id, runsOf] of running) for (const token of runsOf.values()) if (token) runs.push({ id, token });
      if (runs.length === 0) return;
      opts.store.renewLeases(runs, lease.ms).catch((err: Error) => opts.logger.debug({ err: err.message }, 'run leases not renewed'));
    }, lease.everyMs);
  renew?.unref();
  return {
    watch: (id, controller, token) => {
      let runsOf = running.get(id);
      if (!runsOf) running.set(id, (runsOf = new Map()));
      runsOf.set(controller, token);
    },
    unwatch: (id, controller) => {
      const runsOf = running.get(id);
      runsOf?.delete(controller);
      if (runsOf?.size === 0) running.delete(id);
    },
    controllers: () => [...running.values()].flatMap((m) => [...m.keys()]),
    async close() {
      clearInterval(poll);
      if (renew) clearInterval(renew);
      await opts.subscriber.quit().catch(() => opts.subscriber.disconnect());
    },
  };
}
