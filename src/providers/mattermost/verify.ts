/**
 * Which Mattermost channel sent a request. Mattermost signs nothing: a slash command carries the
 * command's token (form field `token` and header `Authorization: Token <token>`), an outgoing
 * webhook its webhook's token (field `token`). The token is compared in constant time with each
 * configured channel's; a request whose token matches none is refused (403) before anything runs.
 * The token has no timestamp: replays are refused by id instead (trigger_id, post_id; see
 * inbound.ts). Pure.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../../auth/signature-error.ts';
import type { MattermostChannel } from './manifest.ts';

export type TokenKind = 'command_token' | 'outgoing_token';

/** Equal strings, in time independent of where they differ and of their lengths (both are hashed first). */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/**
 * The tokens a request presents: the `Authorization: Token <t>` header (slash commands) and the
 * `token` field. Empty values are left out.
 *
 * @example
 * presentedTokens('Token abc', 'abc') // ['abc', 'abc']
 */
export function presentedTokens(authorization: string | undefined, field: unknown): string[] {
  const out: string[] = [];
  const m = /^Token\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (m?.[1]) out.push(m[1]);
  if (typeof field === 'string' && field !== '') out.push(field);
  return out;
}

/**
 * The channel whose `kind` token every presented token equals; throws a {@link SignatureError}
 * when there is none (no token presented, or no channel's token matches, or two presented
 * tokens disagree).
 *
 * 1. No token presented: `signature_missing`.
 * 2. Each channel with that token configured is compared, in config order, with every presented
 *    token; all compares run, whatever the outcome, so the time says nothing about which failed.
 *
 * @example
 * const channel = verifyMattermostToken(channels, 'command_token', presentedTokens(header, form.get('token')));
 */
export function verifyMattermostToken(channels: readonly MattermostChannel[], kind: TokenKind, presented: readonly string[]): MattermostChannel {
  if (presented.length === 0) throw new SignatureError('signature_missing', `the Mattermost request carries no token; nothing was run`);
  let found: MattermostChannel | undefined;
  for (const channel of channels) {
    const own = channel[kind];
    if (own === undefined || own === '') continue;
    let all = true;
    for (const p of presented) all = sameSecret(p, own) && all;
    if (all && found === undefined) found = channel;
  }
  if (!found)
    throw new SignatureError(
      'signature_mismatch',
      `the Mattermost ${kind === 'command_token' ? 'slash command' : 'outgoing webhook'} token is wrong; nothing was run`,
    );
  return found;
}
