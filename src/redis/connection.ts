/**
 * The one place Redis connections are made. `redis:` in switchboard.yaml names one Redis (`url`),
 * a Sentinel-watched master group (`sentinels` + `name`) or a Redis Cluster (`cluster`), with the
 * same TLS and ACL options for each; {@link redisSettings} reads it once, and every connection of
 * the process is built from those settings by one of three kinds:
 *
 * - {@link producerConnection}: gateways. Fails fast while Redis is away (one retry, no offline
 *   queue), so the ingresses answer 503 during a failover instead of hanging, and recovers by
 *   itself when the (new) master answers.
 * - {@link workerConnection}: BullMQ workers and other blocking users. Waits for Redis
 *   (`maxRetriesPerRequest: null`, which BullMQ requires).
 * - {@link ownConnection}: a connection with options of the caller's (the dashboard's, the API's).
 *
 * Sentinel: ioredis asks the sentinels for the master of `name` on every (re)connect and checks its
 * role, so a failover is followed by every connection, BullMQ's included; a connection still open
 * to a master demoted to replica (a failover ordered while it was alive) reconnects on its first
 * `READONLY` answer and sends the command again to the new master. (ioredis's `failoverDetector`,
 * a subscription to the sentinels' `+switch-master`, is not used: it adds one more disconnect in the
 * middle of the reconnections, and a dead master's connections close anyway.) Cluster: an ioredis `Cluster`. Every key lives under the hash tag `{<prefix>}`
 * (src/executions/keys.ts `hashTagPrefix`, and BullMQ is given that prefix), so all of one prefix,
 * queues included, is one slot: Lua scripts and BullMQ's multi-key scripts stay legal.
 *
 * The returned type is ioredis `Redis` for every mode: a Cluster has the same command interface
 * (commands, pipeline, multi, defineCommand, subscribe, duplicate(), status, quit), BullMQ takes
 * either, and the few members only a single-node client has (`stream`, `duplicate(options)`) are
 * reached only through {@link coalesceWrites}, {@link unrefSockets} and {@link duplicateConnection},
 * which check {@link isCluster}.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Config } from '../config/types.ts';
import { SwitchboardError } from '../errors.ts';

/** A Redis setting that cannot be used as given (a TLS file that cannot be read...). */
export class RedisConfigError extends SwitchboardError {
  readonly code = 'redis_config';
}

interface HostPort {
  host: string;
  port: number;
}

/** What every mode shares: ACL and TLS. */
export interface RedisAuth {
  username?: string;
  password?: string;
  tls?: ConnectionOptions;
}

export type RedisSettings = RedisAuth & {
  /** printable, no secret: `redis://127.0.0.1:6379`, `sentinel mymaster via a:26379,b:26379`, `cluster a:7000,b:7001` */
  label: string;
} & (
    | { mode: 'url'; url: string }
    | { mode: 'sentinel'; sentinels: HostPort[]; name: string; sentinelUsername?: string; sentinelPassword?: string }
    | { mode: 'cluster'; nodes: HostPort[] }
  );

type RedisConfig = Config['main']['redis'];

function readTlsFile(dir: string, field: string, path: string | undefined): Buffer | undefined {
  if (path === undefined) return undefined;
  const full = resolve(dir, path);
  try {
    return readFileSync(full);
  } catch (err) {
    throw new RedisConfigError(`redis.tls.${field}: cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function tlsOptions(tls: RedisConfig['tls'], dir: string): ConnectionOptions | undefined {
  if (tls === undefined || tls === false) return undefined;
  if (tls === true) return {};
  const out: ConnectionOptions = { rejectUnauthorized: tls.reject_unauthorized };
  const ca = readTlsFile(dir, 'ca', tls.ca);
  const cert = readTlsFile(dir, 'cert', tls.cert);
  const key = readTlsFile(dir, 'key', tls.key);
  if (ca) out.ca = ca;
  if (cert) out.cert = cert;
  if (key) out.key = key;
  if (tls.servername !== undefined) out.servername = tls.servername;
  return out;
}

function clusterNode(text: string): HostPort & { tls: boolean } {
  const u = new URL(/^rediss?:\/\//.test(text) ? text : `redis://${text}`);
  return { host: u.hostname, port: Number(u.port || 6379), tls: u.protocol === 'rediss:' };
}

const memo = new WeakMap<object, RedisSettings>();

/**
 * The settings of `redis:` (TLS files read relative to the config folder), or of a bare URL.
 * @example
 * const settings = redisSettings(config);          // from switchboard.yaml
 * const same = redisSettings('redis://127.0.0.1:6379');
 */
export function redisSettings(from: Pick<Config, 'main' | 'dir'> | string): RedisSettings {
  if (typeof from === 'string') return { mode: 'url', url: from, label: redactUrl(from) };
  const r = from.main.redis;
  const known = memo.get(r);
  if (known) return known;
  const auth: RedisAuth = {};
  if (r.username !== undefined) auth.username = r.username;
  if (r.password !== undefined) auth.password = r.password;
  let tls = tlsOptions(r.tls, from.dir);
  let settings: RedisSettings;
  if (r.sentinels) {
    const sentinels = r.sentinels.map((s) => ({ host: s.host, port: s.port }));
    settings = {
      mode: 'sentinel',
      sentinels,
      name: r.name ?? '',
      ...(r.sentinel_username !== undefined && { sentinelUsername: r.sentinel_username }),
      ...(r.sentinel_password !== undefined && { sentinelPassword: r.sentinel_password }),
      label: `sentinel ${r.name} via ${sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`,
    } as RedisSettings;
  } else if (r.cluster) {
    const nodes = r.cluster.map(clusterNode);
    if (nodes.some((n) => n.tls)) tls ??= {};
    settings = {
      mode: 'cluster',
      nodes: nodes.map(({ host, port }) => ({ host, port })),
      label: `cluster ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`,
    };
  } else {
    settings = { mode: 'url', url: r.url, label: redactUrl(r.url) };
  }
  Object.assign(settings, auth, tls && { tls });
  memo.set(r, settings);
  return settings;
}

/** A URL without its password, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'an unparsable Redis URL';
  }
}

/** A key telling apart the Redis deployments a process may talk to (for sharing one connection per deployment). */
export function settingsKey(s: RedisSettings): string {
  return `${s.label}|${s.username ?? ''}`;
}

function authOptions(s: RedisSettings): RedisOptions {
  const o: RedisOptions = {};
  if (s.username !== undefined) o.username = s.username;
  if (s.password !== undefined) o.password = s.password;
  if (s.tls !== undefined) o.tls = s.tls;
  return o;
}

/**
 * A connection of any mode with `options` (per-connection ioredis options: retries, offline queue,
 * lazyConnect...). For a Cluster they apply to every node connection, and `enableOfflineQueue`
 * to the cluster too.
 * @example
 * const redis = ownConnection(redisSettings(config), { maxRetriesPerRequest: 1 });
 */
export function ownConnection(settings: RedisSettings | string, options: RedisOptions = {}): Redis {
  return endsWhenDisconnected(connectionOf(settings, options));
}

function connectionOf(settings: RedisSettings | string, options: RedisOptions): Redis {
  const s = typeof settings === 'string' ? redisSettings(settings) : settings;
  const auth = authOptions(s);
  switch (s.mode) {
    case 'url':
      return new Redis(s.url, { ...auth, ...options });
    case 'sentinel':
      return new Redis({
        sentinels: s.sentinels,
        name: s.name,
        role: 'master',
        ...(s.sentinelUsername !== undefined && { sentinelUsername: s.sentinelUsername }),
        ...(s.sentinelPassword !== undefined && { sentinelPassword: s.sentinelPassword }),
        ...(s.tls !== undefined && { enableTLSForSentinelMode: true, sentinelTLS: s.tls }),
        reconnectOnError: (err: Error) => (err.message.startsWith('READONLY') ? 2 : false),
        ...auth,
        ...options,
      });
    case 'cluster': {
      const clusterOptions: ClusterOptions = {
        redisOptions: { ...auth, ...options },
        // a TLS certificate names the host the node list was given with, not the address CLUSTER SLOTS answers
        ...(s.tls !== undefined && { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) }),
        ...(options.enableOfflineQueue !== undefined && { enableOfflineQueue: options.enableOfflineQueue }),
        ...(options.lazyConnect !== undefined && { lazyConnect: options.lazyConnect }),
        // a connection that waits for Redis (workers) waits through a master's failover too: while
        // its replica takes over, the slot answers CLUSTERDOWN or MOVED to the dead node, each retried
        // after ~100 ms and counted as a redirection (default 16: 1.6 s, shorter than a failover)
        ...(options.maxRetriesPerRequest === null && { maxRedirections: WAITING_REDIRECTIONS }),
      };
      return new Cluster(s.nodes, clusterOptions) as unknown as Redis;
    }
  }
}

/** the ioredis members {@link endsWhenDisconnected} reaches (not in its typings) */
interface ClientInternals {
  status: string;
  setStatus(status: string): void;
  flushQueue(error: Error): void;
  /** a single-node client's commands sent before the socket was lost, resent on the next connect */
  prevCommandQueue?: { toArray(): { command: { reject(err: Error): void } }[] } | null;
  /** a Cluster's */
  handleCloseEvent?(reason?: string): void;
}

/** the message ioredis rejects commands with when a connection is closed (what `isConnectionError` knows) */
const CLOSED = 'Connection is closed.';

/**
 * A client whose `disconnect()` always ends it. ioredis's `disconnect()` while the client waits to
 * connect again (status `reconnecting`: Redis went away, no socket, a retry timer armed) clears the
 * timer and nothing else: no `close`, no `end`, the status stays `reconnecting` for ever and the
 * commands queued (a worker's `BZPOPMIN`, a `QUIT`) never settle. BullMQ's `Worker.close()`
 * disconnects its blocking connection and waits for `end` (taskforcesh/bullmq#4656), so a worker
 * closed within a retry delay of Redis coming back (or while it is away) never finished closing:
 * the gateway's stop hung (test/faults/spool-ingress.test.ts). Here such a disconnect ends the
 * client as ioredis does for one that is connected: `end`, and every queued command rejected with
 * "Connection is closed.". Its duplicates (BullMQ's blocking and per-worker connections) get the same.
 */
export function endsWhenDisconnected(redis: Redis): Redis {
  const client = redis as unknown as ClientInternals;
  const disconnect = redis.disconnect.bind(redis);
  redis.disconnect = (reconnect = false) => {
    const waiting = client.status === 'reconnecting' && !reconnect;
    disconnect(reconnect);
    if (!waiting) return;
    if (isCluster(redis)) {
      // Cluster: its node pool was empty, so no node's end ever closes it: closed as its own `wait` case does
      if (client.status !== 'disconnecting') return;
      client.setStatus('close');
      client.handleCloseEvent?.();
      return;
    }
    if (client.status !== 'reconnecting') return;
    const err = new Error(CLOSED);
    const stranded = client.prevCommandQueue?.toArray() ?? [];
    client.prevCommandQueue = null;
    client.setStatus('end');
    client.flushQueue(err);
    for (const item of stranded) item.command.reject(err);
  };
  const duplicate = redis.duplicate.bind(redis) as (...args: unknown[]) => Redis;
  redis.duplicate = ((...args: unknown[]) => endsWhenDisconnected(duplicate(...args))) as Redis['duplicate'];
  return redis;
}

/** redirections a waiting Cluster connection follows: about a minute of 100 ms retries */
const WAITING_REDIRECTIONS = 600;

/** A Redis Cluster client (ioredis `Cluster`), rather than a single-node one (url or sentinel). */
export function isCluster(redis: Redis): boolean {
  return (redis as unknown as { isCluster?: boolean }).isCluster === true;
}

/**
 * A gateway's connection: fails fast while Redis is away (one retry, no offline queue; see
 * `guarded` in src/executions/redis.ts), coalesced writes.
 * @example
 * const redis = producerConnection(redisSettings(config));
 */
export function producerConnection(settings: RedisSettings | string): Redis {
  return coalesceWrites(ownConnection(settings, { maxRetriesPerRequest: 1, enableOfflineQueue: false, enableAutoPipelining: false, lazyConnect: false }));
}

/**
 * A worker's connection: waits for Redis (BullMQ's blocking commands need `maxRetriesPerRequest: null`).
 * @example
 * const conn = workerConnection(redisSettings(config));
 */
export function workerConnection(settings: RedisSettings | string): Redis {
  return ownConnection(settings, { maxRetriesPerRequest: null, enableAutoPipelining: false });
}

/**
 * Commands sent in one turn of the event loop leave in one socket write: the first write of a turn
 * corks the connection's socket, the check phase of the same turn uncorks it (one writev). Under
 * load, the commands of many concurrent requests share a system call; an idle gateway waits for
 * nothing (the check phase follows the poll phase in the same turn). A Cluster is left as it is
 * (its sockets are its nodes').
 */
export function coalesceWrites(redis: Redis): Redis {
  if (isCluster(redis)) return redis;
  redis.on('connect', () => {
    const stream = redis.stream as unknown as Socket;
    const write = stream.write;
    let corked = false;
    const uncork = () => {
      corked = false;
      stream.uncork();
    };
    stream.write = function (this: unknown, ...args: unknown[]) {
      if (!corked) {
        corked = true;
        stream.cork();
        setImmediate(uncork);
      }
      return (write as (...a: unknown[]) => boolean).apply(stream, args);
    } as typeof stream.write;
  });
  return redis;
}

/** Its sockets never keep a stopping process alive (a Cluster's: every node's, as they connect). */
export function unrefSockets(redis: Redis): Redis {
  const unref = (r: Redis) => r.on('connect', () => (r as unknown as { stream?: Socket }).stream?.unref());
  if (isCluster(redis)) (redis as unknown as Cluster).on('+node', (node: Redis) => unref(node));
  else unref(redis);
  return redis;
}

/**
 * A new connection to the same Redis with other per-connection options (a subscriber...).
 * @example
 * const sub = duplicateConnection(redis, { maxRetriesPerRequest: null, enableOfflineQueue: true });
 */
export function duplicateConnection(redis: Redis, options: RedisOptions): Redis {
  if (!isCluster(redis)) return redis.duplicate(options);
  const cluster = redis as unknown as Cluster;
  const clusterOptions: Partial<ClusterOptions> = { redisOptions: { ...cluster.options.redisOptions, ...options } };
  if (options.enableOfflineQueue !== undefined) clusterOptions.enableOfflineQueue = options.enableOfflineQueue;
  return cluster.duplicate(undefined, clusterOptions) as unknown as Redis;
}
