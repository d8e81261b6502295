/**
 * One Redis subscription per gateway for the StackStorm event stream: opened when the first
 * `/st2/stream` client connects, closed when the last one leaves, each announcement passed to
 * every connected client (src/st2/announce.ts publishes them). `endStreams` ends every open
 * stream of a gateway at shutdown (an open event stream would otherwise hold the HTTP server).
 */
import type { Redis } from 'ioredis';
import { duplicateConnection, unrefSockets } from '../redis/connection.ts';
import type { Logger } from '../log.ts';
import type { Announcement } from './announce.ts';

export interface AnnouncementHub {
  /**
   * Adds a listener; resolves once the Redis subscription is live (nothing published after that
   * is missed). The returned function removes it.
   */
  listen(fn: (a: Announcement) => void, onEnd: () => void): Promise<() => void>;
  /** ends every stream and closes the subscription; later `listen` calls are refused */
  end(): void;
  readonly listeners: number;
}

/** hubs by the gateway's Redis connection, then by channel */
const hubs = new WeakMap<Redis, Map<string, AnnouncementHub>>();
/** gateways that are stopping: a client reconnecting gets no new stream */
const stopped = new WeakSet<Redis>();

/**
 * The hub of `channel` over `redis` (one per connection and channel).
 *
 * @example
 * const hub = announcementHub(redis, announceChannel('sb'), logger);
 * const off = await hub.listen((a) => send(a), () => close());
 */
export function announcementHub(redis: Redis, channel: string, logger: Logger): AnnouncementHub {
  let byChannel = hubs.get(redis);
  if (!byChannel) hubs.set(redis, (byChannel = new Map()));
  let hub = byChannel.get(channel);
  if (!hub) byChannel.set(channel, (hub = createHub(redis, channel, logger)));
  if (stopped.has(redis)) hub.end();
  return hub;
}

/** Ends the open StackStorm streams of the gateway on `redis` (shutdown). */
export function endStreams(redis: Redis): void {
  stopped.add(redis);
  for (const hub of hubs.get(redis)?.values() ?? []) hub.end();
}

function createHub(redis: Redis, channel: string, logger: Logger): AnnouncementHub {
  const listeners = new Map<(a: Announcement) => void, () => void>();
  let subscriber: Redis | undefined;
  let subscribed: Promise<unknown> | undefined;
  let ended = false;

  const close = () => {
    const s = subscriber;
    subscriber = undefined;
    subscribed = undefined;
    if (s) void s.quit().catch(() => s.disconnect());
  };

  const open = () => {
    // a subscriber connection of its own, that waits for Redis rather than failing fast
    const s = duplicateConnection(redis, { enableOfflineQueue: true, maxRetriesPerRequest: null, lazyConnect: false });
    s.on('error', (err: Error) => logger.debug({ err: err.message }, 'st2 stream subscriber redis error'));
    // never what keeps a stopping process alive
    unrefSockets(s);
    s.on('message', (_channel: string, text: string) => {
      let a: Announcement;
      try {
        a = JSON.parse(text) as Announcement;
      } catch {
        return logger.warn('st2 announcement that is not JSON ignored');
      }
      for (const fn of [...listeners.keys()]) fn(a);
    });
    subscriber = s;
    subscribed = s.subscribe(channel);
    return subscribed;
  };

  return {
    async listen(fn, onEnd) {
      if (ended) throw new Error('the event stream is closed: the gateway is stopping');
      listeners.set(fn, onEnd);
      try {
        await (subscribed ?? open());
      } catch (err) {
        listeners.delete(fn);
        if (listeners.size === 0) close();
        throw err;
      }
      return () => {
        if (!listeners.delete(fn)) return;
        if (listeners.size === 0) close();
      };
    },
    end() {
      ended = true;
      const ends = [...listeners.values()];
      listeners.clear();
      close();
      for (const onEnd of ends) onEnd();
    },
    get listeners() {
      return listeners.size;
    },
  };
}
