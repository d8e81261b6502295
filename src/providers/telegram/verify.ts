/**
 * Telegram's webhook check (https://core.telegram.org/bots/api#setwebhook): the `secret_token`
 * given to setWebhook comes back in every request's `X-Telegram-Bot-Api-Secret-Token` header.
 * Pure. Compared in constant time: both sides are hashed to 32 bytes first, so neither the
 * length nor the first differing byte shows in the time taken.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Whether the header carries the channel's secret token. A missing header never matches.
 *
 * @example
 * verifyTelegramSecret('s3cr3t_token', req.header('x-telegram-bot-api-secret-token')) // true | false
 */
export function verifyTelegramSecret(secretToken: string, header: string | undefined): boolean {
  if (header === undefined || header === '') return false;
  return timingSafeEqual(digest(secretToken), digest(header));
}
