/**
 * Signing of outgoing webhook POSTs (pure). Receivers verify:
 * 1. `X-Switchboard-Timestamp` is a recent Unix time in seconds;
 * 2. `X-Switchboard-Signature` equals `sha256=` + hex HMAC-SHA256(secret, `<timestamp>.<raw body>`),
 *    compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Switchboard-Timestamp';
export const SIGNATURE_HEADER = 'X-Switchboard-Signature';

/** @example signWebhook('s3cret', '1700000000', '{"a":1}') // 'sha256=5c…' */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * True when `signature` is valid for `timestamp` and `body` and the timestamp is within
 * `toleranceSeconds` of `nowSeconds`.
 */
export function verifyWebhookSignature(opts: {
  secret: string;
  timestamp: string;
  signature: string;
  body: string;
  nowSeconds: number;
  toleranceSeconds?: number;
}): boolean {
  const ts = Number(opts.timestamp);
  if (!Number.isInteger(ts) || Math.abs(opts.nowSeconds - ts) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(opts.secret, opts.timestamp, opts.body));
  const given = Buffer.from(opts.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
