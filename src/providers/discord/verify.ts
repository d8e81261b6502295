/**
 * Discord interaction signatures (discord.com/developers/docs/interactions/overview, "Setting up
 * an endpoint": Security and Authorization). Pure: the clock is a parameter.
 *
 *   message   = X-Signature-Timestamp + raw body
 *   signature = X-Signature-Ed25519 = hex(Ed25519 signature of message by the application's key)
 *   key       = the application's PUBLIC KEY (Developer Portal, General Information): 32 bytes, hex
 *
 * Discord checks the endpoint with deliberately bad signatures and expects 401 for them.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { SignatureError } from '../../auth/signature-error.ts';

/** Interactions older or newer than this are refused (replay window, as for Slack). */
export const DISCORD_SIGNATURE_WINDOW_SECONDS = 300;

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const keys = new Map<string, KeyObject>();

/**
 * The node:crypto key of a hex public key (cached); throws a plain Error when it is not 64 hex digits.
 *
 * @example
 * discordPublicKey('e2c9…64 hex digits…')
 */
export function discordPublicKey(hex: string): KeyObject {
  const wanted = hex.trim().toLowerCase();
  const cached = keys.get(wanted);
  if (cached) return cached;
  if (!/^[0-9a-f]{64}$/.test(wanted)) throw new Error('a Discord public key is 64 hex digits (32 bytes)');
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(wanted, 'hex')]), format: 'der', type: 'spki' });
  keys.set(wanted, key);
  return key;
}

export interface DiscordRequestToVerify {
  /** hex Ed25519 public key of the application */
  publicKey: string;
  /** the raw body, exactly as received */
  body: Buffer | string;
  /** `X-Signature-Timestamp` (seconds) */
  timestamp: string | null | undefined;
  /** `X-Signature-Ed25519` (128 hex digits) */
  signature: string | null | undefined;
  /** now, in milliseconds */
  nowMs: number;
}

/**
 * Throws a {@link SignatureError} unless the request was signed with the application's key within
 * the last (or next) five minutes.
 *
 * @example
 * verifyDiscordRequest({ publicKey: channel.public_key, body: raw, nowMs: Date.now(),
 *   timestamp: c.req.header('x-signature-timestamp'), signature: c.req.header('x-signature-ed25519') });
 */
export function verifyDiscordRequest(req: DiscordRequestToVerify): void {
  // 1. both headers present, the timestamp a whole number of seconds, the signature 64 bytes of hex
  const ts = req.timestamp?.trim();
  const sig = req.signature?.trim();
  if (!ts || !sig) throw new SignatureError('signature_missing', 'Discord request is missing X-Signature-Ed25519 or X-Signature-Timestamp');
  if (!/^\d{1,12}$/.test(ts)) throw new SignatureError('signature_missing', 'Discord request timestamp is not a number of seconds');
  if (!/^[0-9a-fA-F]{128}$/.test(sig)) throw new SignatureError('signature_mismatch', 'Discord request signature is not 64 bytes of hex');

  // 2. staleness: five minutes either way
  const skew = Math.abs(Math.floor(req.nowMs / 1000) - Number(ts));
  if (skew > DISCORD_SIGNATURE_WINDOW_SECONDS) {
    throw new SignatureError('signature_stale', `Discord request timestamp is ${skew}s away from now (limit ${DISCORD_SIGNATURE_WINDOW_SECONDS}s)`);
  }

  // 3. Ed25519 over timestamp + raw body (the verification itself takes constant time)
  const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
  const message = Buffer.concat([Buffer.from(ts, 'utf8'), body]);
  if (!verify(null, message, discordPublicKey(req.publicKey), Buffer.from(sig, 'hex'))) {
    throw new SignatureError('signature_mismatch', 'Discord request signature does not match');
  }
}
