/**
 * `X-Twilio-Signature` (docs/providers/twilio.md, "How requests are verified"), the algorithm of twilio-node's `validateRequest`. Pure.
 *
 * Twilio signs the URL it was configured with, so the caller passes the *public* URL
 * (`server.public_url` + path + the query string received), never the URL the request arrived at
 * (a TLS-terminating proxy changes scheme, host and port).
 *
 * Replay: Twilio's signature has no timestamp, so a captured request stays valid forever. What it
 * can do is bounded by the ingress: the MessageSid is the idempotency key, so a replayed webhook
 * runs nothing new and gets the same answer.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Form fields as received; a field sent several times keeps every value. */
export type TwilioParams = Record<string, string | string[]>;

/**
 * Collects a form body into {@link TwilioParams}, keeping repeated fields as arrays.
 *
 * @example
 * formParams(new URLSearchParams('From=%2B1555&Body=hi')) // { From: '+1555', Body: 'hi' }
 */
export function formParams(form: URLSearchParams): TwilioParams {
  const out: TwilioParams = {};
  for (const [k, v] of form) {
    const had = out[k];
    out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

/**
 * The signature Twilio sends for `url` and `params`.
 *
 * 1. Start from the URL exactly as configured (query string included, as written).
 * 2. Append each field name followed by its value, names sorted; a repeated field's values are
 *    deduplicated, sorted, and each appended after the name.
 * 3. Base64 of HMAC-SHA1 keyed with the auth token over the UTF-8 bytes.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key]!;
    if (Array.isArray(value)) for (const v of [...new Set(value)].sort()) data += key + v;
    else data += key + value;
  }
  return createHmac('sha1', hmacKey(authToken)).update(data, 'utf8').digest('base64');
}

/** `fn` with its results kept (at most `max`, all dropped when full: the keys change only with the config). */
function memo<T>(max: number, fn: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      if (cache.size >= max) cache.clear();
      value = fn(key);
      cache.set(key, value);
    }
    return value;
  };
}

/** HMAC keys made once per auth token (a KeyObject skips preparing the key on every request). */
const hmacKey = memo(64, (token): KeyObject => createSecretKey(Buffer.from(token, 'utf8')));

/** The URL as configured first, then with its default port added or its port removed: Twilio may have signed either. */
const portVariants = memo(256, computePortVariants);

function computePortVariants(url: string): string[] {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!m) return [url];
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const at = authority.lastIndexOf('@');
  const userInfo = authority.slice(0, at + 1);
  const hostPort = authority.slice(at + 1);
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
  const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
  if (colon !== -1) return [url, scheme + userInfo + host + rest];
  return [url, scheme + userInfo + host + (scheme.toLowerCase() === 'https://' ? ':443' : ':80') + rest];
}

/**
 * Whether `signature` is Twilio's for this request. Tries the URL with and without its port
 * (as twilio-node does) and compares each candidate in constant time.
 *
 * @example
 * verifyTwilioSignature(token, c.req.header('x-twilio-signature'), 'https://sb.example.com/ingress/twilio/sms', params)
 */
export function verifyTwilioSignature(authToken: string, signature: string | undefined, url: string, params: TwilioParams): boolean {
  if (!signature || !authToken) return false;
  const given = Buffer.from(signature, 'utf8');
  // each candidate is compared in constant time; stopping at the first that matches tells an
  // attacker only which spelling of the public URL was signed, which is no secret (twilio-node
  // stops the same way)
  return portVariants(url).some((candidate) => {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params), 'utf8');
    // the expected length is fixed by the algorithm (28 base64 characters), so checking it leaks nothing
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
