/**
 * Slack request signing, v0 (api.slack.com "Verifying requests from Slack"; bolt-js
 * src/receivers/verify-request.ts). Pure: the clock is a parameter.
 *
 *   basestring = `v0:${X-Slack-Request-Timestamp}:${raw body}`
 *   X-Slack-Signature = 'v0=' + hex(HMAC-SHA256(signing secret, basestring))
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../../auth/signature-error.ts';

/** Requests older or newer than this are refused (replay window). */
export const SLACK_SIGNATURE_WINDOW_SECONDS = 300;

export interface SlackRequestToVerify {
  signingSecret: string;
  /** the raw body, exactly as received */
  body: string;
  /** `X-Slack-Request-Timestamp` (seconds) */
  timestamp: string | null | undefined;
  /** `X-Slack-Signature` (`v0=<hex>`) */
  signature: string | null | undefined;
  /** now, in milliseconds */
  nowMs: number;
}

/** `v0=<hex HMAC-SHA256>` of a body at a timestamp: what Slack sends, what tests sign with. */
export function signSlackRequest(signingSecret: string, timestamp: string | number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/**
 * Throws a {@link SignatureError} unless the request was signed by Slack with `signingSecret`
 * within the last (or next) five minutes.
 *
 * @example
 * verifySlackRequest({
 *   signingSecret, body: await c.req.text(), nowMs: Date.now(),
 *   timestamp: c.req.header('x-slack-request-timestamp'), signature: c.req.header('x-slack-signature'),
 * });
 */
export function verifySlackRequest(req: SlackRequestToVerify): void {
  // Rule 0: both headers present, the timestamp a whole number of seconds
  if (!req.timestamp || !req.signature) {
    throw new SignatureError('signature_missing', 'Slack request is missing X-Slack-Request-Timestamp or X-Slack-Signature');
  }
  if (!/^\d{1,12}$/.test(req.timestamp.trim())) {
    throw new SignatureError('signature_missing', 'Slack request timestamp is not a number of seconds');
  }
  const timestamp = Number(req.timestamp.trim());

  // Rule 1: check staleness, five minutes either way
  const skew = Math.abs(Math.floor(req.nowMs / 1000) - timestamp);
  if (skew > SLACK_SIGNATURE_WINDOW_SECONDS) {
    throw new SignatureError('signature_stale', `Slack request timestamp is ${skew}s away from now (limit ${SLACK_SIGNATURE_WINDOW_SECONDS}s)`);
  }

  // Rule 2: check the signature, in constant time over equal lengths
  const expected = Buffer.from(signSlackRequest(req.signingSecret, req.timestamp.trim(), req.body), 'utf8');
  const received = Buffer.from(req.signature.trim(), 'utf8');
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    throw new SignatureError('signature_mismatch', 'Slack request signature does not match');
  }
}

/** {@link verifySlackRequest} as a boolean. */
export function isValidSlackRequest(req: SlackRequestToVerify): boolean {
  try {
    verifySlackRequest(req);
    return true;
  } catch (err) {
    if (err instanceof SignatureError) return false;
    throw err;
  }
}
