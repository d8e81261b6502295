/**
 * Teams outgoing-webhook HMAC (docs/providers/teams.md, "How Teams signs a request"). Pure.
 *
 * Teams shows a security token (base64) when the outgoing webhook is created, and sends
 * `Authorization: HMAC <base64>` with every request, where
 *
 * 1. key       = base64-decode(security token)
 * 2. signature = base64(HMAC-SHA256(key, raw request body bytes))
 *
 * The signature covers the whole body, including the activity's `timestamp` and `id`, which the
 * ingress then uses for the replay window and deduplication.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature Teams sends for `body`, as the `Authorization` header value. */
export function signTeamsBody(securityToken: string, body: string | Buffer): string {
  const key = Buffer.from(securityToken, 'base64');
  return `HMAC ${createHmac('sha256', key).update(body).digest('base64')}`;
}

/**
 * Whether `authorization` is Teams' HMAC of `body` under `securityToken`, compared in constant time.
 *
 * @example
 * verifyTeamsHmac(channel.hmac_secret, c.req.header('authorization'), rawBody) // true | false
 */
export function verifyTeamsHmac(securityToken: string, authorization: string | undefined, body: string | Buffer): boolean {
  // 1. the scheme: `HMAC <base64 of 32 bytes>`
  const m = /^HMAC ([A-Za-z0-9+/]{43}=)$/.exec(authorization?.trim() ?? '');
  if (!m) return false;
  // 2. the expected digest; both sides are 32 bytes, so the compare length says nothing
  const given = Buffer.from(m[1]!, 'base64');
  const expected = createHmac('sha256', Buffer.from(securityToken, 'base64')).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
