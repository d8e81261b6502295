/**
 * Is a webhook really from the email provider? Pure checks, clock injected.
 *
 * Mailgun signs each POST: `signature = hex(HMAC-SHA256(key = signing key, timestamp + token))`.
 * Postmark and SendGrid Inbound Parse sign nothing: their webhook URL carries HTTP basic-auth
 * credentials instead, configured as the channel's `signing_key` in the form `user:pass`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Webhooks older (or newer) than this are refused: a captured request cannot be replayed later. */
export const MAILGUN_WINDOW_SECONDS = 300;

export type MailgunCheck = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'signature' };

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * 1. all three fields present; 2. timestamp within the window; 3. constant-time HMAC compare.
 * Token reuse (4.) needs shared state and is checked by the caller.
 *
 * @example
 * verifyMailgunSignature({ timestamp, token, signature }, key, Date.now()) // { ok: true }
 */
export function verifyMailgunSignature(f: { timestamp?: string; token?: string; signature?: string }, key: string, nowMs: number): MailgunCheck {
  if (!f.timestamp || !f.token || !f.signature || !key) return { ok: false, reason: 'missing' };
  const ts = Number(f.timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowMs / 1000 - ts) > MAILGUN_WINDOW_SECONDS) return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', key)
    .update(f.timestamp + f.token)
    .digest('hex');
  return equalText(expected, f.signature.toLowerCase()) ? { ok: true } : { ok: false, reason: 'signature' };
}

/** Signs like Mailgun does (tests, and the docs' example). */
export function signMailgun(key: string, timestamp: string, token: string): string {
  return createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');
}

/**
 * True when the `Authorization: Basic …` header carries exactly `userPass` (`user:pass`).
 *
 * @example
 * checkBasicAuth('Basic ' + Buffer.from('pm:secret').toString('base64'), 'pm:secret') // true
 */
export function checkBasicAuth(header: string | undefined, userPass: string | undefined): boolean {
  if (!header || !userPass) return false;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return false;
  return equalText(Buffer.from(m[1]!, 'base64').toString('utf8'), userPass);
}
