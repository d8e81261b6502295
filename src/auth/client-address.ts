/**
 * The address a request really came from, for the login throttle: the socket's peer, unless that
 * peer is one of `server.trusted_proxies`, in which case `X-Forwarded-For` is read from the right
 * and the first hop that is not a trusted proxy is the client (each proxy appends the address it
 * saw, so everything left of the first untrusted hop may have been written by the client itself).
 */
import { BlockList, isIP } from 'node:net';

/** `127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`: whether `entry` is an IP address or a CIDR block. */
export function isIpOrCidr(entry: string): boolean {
  const [ip = '', bits, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) -> `10.0.0.1`; brackets and spaces dropped. */
export function normalizeAddress(address: string): string {
  const a = address.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(a);
  return (mapped?.[1] ?? a).toLowerCase();
}

export interface ProxyTrust {
  /** whether `address` is a trusted proxy */
  trusts(address: string): boolean;
}

/**
 * @example
 * const trust = proxyTrust(['10.0.0.0/8', '::1']);
 * clientAddress('10.0.0.5', '203.0.113.9, 10.0.0.7', trust) // '203.0.113.9'
 */
export function proxyTrust(entries: readonly string[]): ProxyTrust {
  const list = new BlockList();
  for (const entry of entries) {
    const [ip = '', bits] = entry.split('/');
    const address = normalizeAddress(ip);
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return {
    trusts(address) {
      const a = normalizeAddress(address);
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/**
 * The client's address: `peer` when it is not a trusted proxy (whatever `X-Forwarded-For` says),
 * else the rightmost hop of `forwardedFor` that is not trusted. A hop that is not an IP address
 * ends the walk: it is taken as the client, as written (so a forged value keys its own bucket).
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trust: ProxyTrust): string {
  let client = normalizeAddress(peer);
  if (!trust.trusts(client) || !forwardedFor) return client;
  const hops = forwardedFor
    .split(',')
    .map(normalizeAddress)
    .filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    client = hop;
    if (isIP(hop) === 0 || !trust.trusts(hop)) break;
  }
  return client;
}
