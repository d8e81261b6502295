/**
 * Changes a hot reload cannot apply: the Redis connection, the gateway's socket and the listener
 * ingresses' sockets are opened once at start. A new config changing any of them is refused with
 * these reasons ("restart needed") rather than half-applied.
 */
import type { Config } from '../config/types.ts';

/** A listener's identity: the channels that open sockets of their own (SMTP listen, Slack Socket Mode). */
function listeners(config: Config): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, ch] of config.channels) {
    const c = ch as { kind: string; listen?: unknown; app_token?: unknown };
    if (c.kind === 'email' && c.listen !== undefined) out.set(name, JSON.stringify(c.listen));
    if (c.kind === 'slack' && c.app_token !== undefined) out.set(name, `socket:${String(c.app_token)}`);
  }
  return out;
}

/** The `redis:` fields the connections are made from (prefix is its own reason, below). */
const redisFields = ['url', 'sentinels', 'name', 'sentinel_username', 'sentinel_password', 'cluster', 'username', 'password', 'tls'] as const;

/**
 * @example
 * const reasons = restartNeeded(running, next); // ['redis.url changed']
 */
export function restartNeeded(running: Config, next: Config): string[] {
  const reasons: string[] = [];
  const a = running.main;
  const b = next.main;
  // every connection is made once at start: which Redis, and how it is reached (secrets named, never shown)
  for (const field of redisFields) {
    if (JSON.stringify(a.redis[field]) !== JSON.stringify(b.redis[field])) reasons.push(`redis.${field} changed`);
  }
  if (a.redis.prefix !== b.redis.prefix) reasons.push('redis.prefix changed');
  if (a.server.port !== b.server.port) reasons.push('server.port changed');
  if (a.server.host !== b.server.host) reasons.push('server.host changed');
  // the spool (src/spool/) is opened once per process: its folder and bound
  if (JSON.stringify(a.spool) !== JSON.stringify(b.spool)) reasons.push('spool changed');
  const before = listeners(running);
  const after = listeners(next);
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(name) !== after.get(name)) reasons.push(`channel ${name}: its listener (listen / app_token) changed`);
  }
  return reasons.map((r) => `restart needed: ${r}`);
}
