/**
 * Confirmation by reply, the pure half (docs/contracts.md section 6): who must confirm, the code, its
 * digest, the words of the prompt, and what a reply says. No I/O; the Redis half is store.ts.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Source } from '../aliases/types.ts';
import type { AliasConfig } from '../config/types.ts';
import type { SenderProof } from '../executions/types.ts';

/** Digits of a code: 10^6 codes, with at most 3 wrong tries per code and 10 per person an hour. */
export const CODE_DIGITS = 6;
/** The time to confirm when neither the alias nor anything else says. */
export const DEFAULT_TTL_SECONDS = 300;

/**
 * Seconds the sender has to confirm, or undefined when the command runs at once.
 * An `unverified` sender always confirms (docs/contracts.md section 6); an alias with `confirm: true`
 * asks every source, `{ sources, ttl }` the sources listed.
 *
 * @example
 * confirmationTtl({ confirm: { sources: ['sms'], ttl: 60 } }, 'sms', 'verified') // 60
 * confirmationTtl(undefined, 'email', 'unverified') // 300
 */
export function confirmationTtl(alias: Pick<AliasConfig, 'confirm'> | undefined, source: Source | 'cli', proof: SenderProof | undefined): number | undefined {
  const c = alias?.confirm;
  const ttl = typeof c === 'object' ? c.ttl : DEFAULT_TTL_SECONDS;
  if (c === true) return ttl;
  if (typeof c === 'object' && (c.sources === undefined || (c.sources as string[]).includes(source))) return ttl;
  return proof === 'unverified' ? ttl : undefined;
}

/** A fresh code: uniformly random decimal digits from the CSPRNG. */
export function newCode(digits = CODE_DIGITS): string {
  return String(randomInt(0, 10 ** digits)).padStart(digits, '0');
}

/**
 * What is stored instead of the code: SHA-256 over the confirmation id and the code, so Redis
 * never holds a usable code and every digest has one length (compared in constant time in Lua).
 */
export function codeDigest(confirmationId: string, code: string): string {
  return createHash('sha256').update(`${confirmationId}:${code}`).digest('hex');
}

/** What a reply to a prompt says. */
export type ConfirmReply = { kind: 'yes'; code: string } | { kind: 'yes_without_code' } | { kind: 'no'; code?: string };

/**
 * `YES 482113`, `yes 482113`, `482113`, `y 482113` confirm; `NO`, `NO 482113`, `n` refuse; `YES`
 * alone asks for the code. Anything else is not a reply (it is matched as a command).
 *
 * @example
 * parseConfirmReply('Yes 482113') // { kind: 'yes', code: '482113' }
 * parseConfirmReply('restart web') // undefined
 */
export function parseConfirmReply(text: string): ConfirmReply | undefined {
  const t = text.trim().replace(/[.!]+$/, '');
  const yes = /^(?:(?:yes|y|confirm|ok)[\s:,]+)?(\d{4,10})$/i.exec(t);
  if (yes) return { kind: 'yes', code: yes[1]! };
  if (/^(?:yes|y|confirm)$/i.test(t)) return { kind: 'yes_without_code' };
  const no = /^(?:no|n|cancel)(?:[\s:,]+(\d{4,10}))?$/i.exec(t);
  if (no) return no[1] !== undefined ? { kind: 'no', code: no[1] } : { kind: 'no' };
  return undefined;
}

/** `300` → `5 minutes`, `90` → `90 seconds`, `60` → `1 minute`. */
export function describeTtl(seconds: number): string {
  if (seconds % 60 === 0) {
    const m = seconds / 60;
    return `${m} minute${m === 1 ? '' : 's'}`;
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** The command as the prompt quotes it: one line, at most 120 characters. */
export function summarize(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 120 ? `${one.slice(0, 119)}…` : one;
}

/**
 * @example
 * promptText('482113', 300, 'restart web on prod') // 'Reply YES 482113 within 5 minutes to run: restart web on prod'
 */
export function promptText(code: string, ttlSeconds: number, command: string): string {
  return `Reply YES ${code} within ${describeTtl(ttlSeconds)} to run: ${summarize(command)}`;
}
