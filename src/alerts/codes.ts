/**
 * Alert ids and short codes (pure). A code is what people type back (`ACK 4821`): `code_digits`
 * (4 by default) uniformly random digits, unique among OPEN alerts (the intake script takes the
 * first free one of several candidates, src/alerts/store.ts), freed when the alert resolves.
 */
import { randomInt } from 'node:crypto';
import { newExecutionId } from '../executions/ids.ts';

/** Candidates tried by one intake call; all taken (a crowded code space) = the caller draws again. */
export const CODE_CANDIDATES = 8;

/** @example newAlertId() // 'al-k7hq3mzp' (no ':', so it fits BullMQ job ids) */
export const newAlertId = (): string => `al-${newExecutionId()}`;

/** True when `id` has the shape of an alert id (cheap check before touching Redis). */
export const isAlertId = (id: string): boolean => /^al-[23456789a-hjkmnp-z]{8}$/.test(id);

/** @example codeCandidates(4) // ['0412', '9981', …] (CODE_CANDIDATES distinct codes) */
export function codeCandidates(digits: number, n = CODE_CANDIDATES): string[] {
  const out = new Set<string>();
  const space = 10 ** digits;
  while (out.size < Math.min(n, space)) out.add(String(randomInt(0, space)).padStart(digits, '0'));
  return [...out];
}
