/**
 * Maps a sender address in one medium to a configured user (switchboard.yaml `users`). Pure.
 * Phone numbers compare by digits (E.164 with or without punctuation, `00` for `+`), email
 * addresses without case, display name or `mailto:`, other media (Slack...) by user id, under the
 * users.NAME key their provider's manifest names (`userKey`). An empty address never matches anyone.
 */
import type { z } from 'zod';
import type { Config } from '../config/types.ts';
import { providers, type ProviderManifest } from '../providers/index.ts';

type MediumOf<P> = P extends ProviderManifest<infer K, z.ZodType, infer U> ? ([U] extends [never] ? never : K) : never;
/** A medium whose provider names a users.NAME key for its senders (src/providers/NAME/manifest.ts `userKey`): sms (phone), email, slack... */
export type SenderMedium = MediumOf<(typeof providers)[number]>;

/** The users.NAME key holding a person's id in each medium: `{ sms: 'phone', email: 'email', slack: 'slack', ... }`. */
const userKeys: ReadonlyMap<string, string> = new Map(
  (providers as readonly { kind: string; userKey?: string }[]).flatMap((p) => (p.userKey === undefined ? [] : [[p.kind, p.userKey] as const])),
);

/**
 * `+1 (555) 123-0001` -> `+15551230001`; `0044 20 7946 0000` -> `+442079460000`; no digits -> `''`.
 *
 * @example
 * normalizePhone('+1 (555) 123-0001') // '+15551230001'
 */
export function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/[^0-9]/g, '');
  if (digits === '') return '';
  return !trimmed.startsWith('+') && digits.startsWith('00') ? `+${digits.slice(2)}` : `+${digits}`;
}

/**
 * `"Alice" <Alice@Example.com>` -> `alice@example.com` (the last `<…>` wins, so a display name
 * that contains angle brackets does not fool it).
 *
 * @example
 * normalizeEmail('"Alice" <Alice@Example.com>') // 'alice@example.com'
 */
export function normalizeEmail(address: string): string {
  const m = /<([^<>]*)>[^<>]*$/.exec(address);
  return (m ? m[1]! : address)
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
}

/** The form of `sender` that identities compare, per medium. */
function normalizeIn(medium: SenderMedium, sender: string): string {
  return medium === 'sms' ? normalizePhone(sender) : medium === 'email' ? normalizeEmail(sender) : sender.trim();
}

/**
 * The configured user who owns `sender` in `medium`, or `undefined` (unknown senders run nothing).
 *
 * @example
 * identifySender(config, 'sms', '+1 555 123 0001') // 'alice'
 */
export function identifySender(config: Pick<Config, 'main'>, medium: SenderMedium, sender: string): string | undefined {
  const wanted = normalizeIn(medium, sender);
  if (wanted === '') return undefined;
  const key = userKeys.get(medium);
  if (key === undefined) return undefined;
  for (const [name, u] of Object.entries(config.main.users)) {
    const own = (u as Record<string, unknown>)[key];
    if (typeof own !== 'string') continue;
    if (normalizeIn(medium, own) === wanted) return name;
  }
  return undefined;
}

/**
 * A user's own address in `medium` (the users.NAME key its provider names: `phone` for sms...),
 * in the form identities compare; `undefined` when the user has none there.
 *
 * @example
 * userAddress(config, 'alice', 'sms') // '+15551230001'
 */
export function userAddress(config: Pick<Config, 'main'>, user: string, medium: SenderMedium): string | undefined {
  const key = userKeys.get(medium);
  const own = key === undefined ? undefined : (config.main.users[user] as Record<string, unknown> | undefined)?.[key];
  return typeof own === 'string' && own !== '' ? normalizeIn(medium, own) : undefined;
}

/**
 * A phone number or email address shortened for logs (README "Operating it": addresses are masked).
 *
 * @example
 * maskAddress('+15551230001') // '+1555***01'
 * maskAddress('alice@example.com') // 'a***@example.com'
 */
export function maskAddress(address: string): string {
  const at = address.indexOf('@');
  if (at > 0) return `${address[0]}***${address.slice(at)}`;
  if (address.length <= 6) return '***';
  return `${address.slice(0, 5)}***${address.slice(-2)}`;
}
