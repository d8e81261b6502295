/**
 * Small text helpers for SMS replies: fit a text into a segment budget (GSM-7 / UCS-2 counted by
 * src/providers/sms/segments.ts) and show alias formats compactly. Pure.
 */
import { countSegments } from './segments.ts';

/** True when `text` is sent as at most `segments` segments. */
export const fitsSegments = (text: string, segments = 1): boolean => countSegments(text).segments <= segments;

/**
 * `text` unchanged when it fits `segments`, else cut at a word (inside one when a single word is
 * too long) and ended with `...`.
 *
 * @example
 * truncateToSegments('a '.repeat(200), 1).length // <= 160
 */
export function truncateToSegments(text: string, segments = 1): string {
  const whole = text.trim();
  if (fitsSegments(whole, segments)) return whole;
  const chars = [...whole];
  // 1. Binary search the longest prefix (in characters) that fits with the ellipsis: fit is monotone.
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fitsSegments(`${chars.slice(0, mid).join('')}...`, segments)) lo = mid;
    else hi = mid - 1;
  }
  // 2. Back off to the last blank in that prefix, when there is one.
  const prefix = chars.slice(0, lo).join('');
  const blank = prefix.search(/\s\S*$/);
  const cut = blank > 0 && whole[prefix.length] !== undefined && !/\s/.test(whole[prefix.length]!) ? prefix.slice(0, blank) : prefix;
  return `${cut.trimEnd()}...`;
}

/**
 * An alias format as SMS help shows it: `{{p}}` becomes `<p>` (braces are two GSM-7 septets
 * each), blanks collapsed.
 *
 * @example
 * smsFormat('deploy {{app}} to {{env=staging}}') // 'deploy <app> to <env=staging>'
 */
export function smsFormat(format: string): string {
  return format
    .replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, inner: string) => `<${inner.replace(/\s*=\s*/, '=')}>`)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Joins `items` after `head` while the whole still fits one segment.
 *
 * @example
 * joinWhileFits('Did you mean: ', ['restart <service>', 'deploy <app>'], ' | ') // 'Did you mean: restart <service> | deploy <app>'
 */
export function joinWhileFits(head: string, items: readonly string[], sep: string, tail = ''): string {
  let text = '';
  for (const item of items) {
    const next = text === '' ? item : `${text}${sep}${item}`;
    if (!fitsSegments(`${head}${next}${tail}`)) break;
    text = next;
  }
  return text === '' ? '' : `${head}${text}${tail}`;
}
