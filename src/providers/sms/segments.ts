/**
 * SMS segment counting (GSM 03.38) and fitting a text into a segment budget. Pure.
 * GSM-7: 160 septets in one segment, 153 per segment when concatenated; characters of the extension
 * table (`^{}\[~]|€` and form feed) take two septets. Any other character switches the whole
 * message to UCS-2: 70 UTF-16 units in one segment, 67 when concatenated. A character (a
 * surrogate pair, an escape sequence) is never split across two segments.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** septets (GSM-7) or UTF-16 code units (UCS-2) */
  units: number;
  segments: number;
}

const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';
const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

/** True when every character has a GSM-7 encoding (basic or extension table). */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basic.has(ch) && !extension.has(ch)) return false;
  return true;
}

/** Cost of each character in the message's encoding. */
function costs(text: string, encoding: SmsEncoding): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(encoding === 'GSM-7' ? (extension.has(ch) ? 2 : 1) : ch.length);
  return out;
}

/**
 * @example
 * countSegments('hello')          // { encoding: 'GSM-7', units: 5, segments: 1 }
 * countSegments('a'.repeat(161))  // { encoding: 'GSM-7', units: 161, segments: 2 }
 * countSegments('héllo ✓')        // { encoding: 'UCS-2', units: 7, segments: 1 }
 */
export function countSegments(text: string): SegmentCount {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  const [single, multi] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
  const c = costs(text, encoding);
  const units = c.reduce((a, b) => a + b, 0);
  if (units === 0) return { encoding, units, segments: 0 };
  if (units <= single) return { encoding, units, segments: 1 };
  // 1. Pack characters greedily into concatenated segments, never splitting one character.
  let segments = 1;
  let used = 0;
  for (const cost of c) {
    if (used + cost > multi) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units, segments };
}

/**
 * Fits `text` into at most `budget` segments. When it does not fit, cuts at a word boundary and ends
 * with `… [id <ref>]` (`... [id <ref>]` when the text is otherwise GSM-7, so the ellipsis does not
 * force UCS-2 and halve the room).
 *
 * @example
 * fitSegments('deploy finished on all 40 hosts ...', 1, 'abc123') // '... [id abc123]' ending, ≤ 160 septets
 */
export function fitSegments(text: string, budget: number, ref: string): string {
  const whole = text.trim();
  if (countSegments(whole).segments <= budget) return whole;
  const ellipsis = isGsm7(whole) ? '...' : '…';
  const suffix = `${ellipsis} [id ${ref}]`;
  const fits = (s: string) => countSegments(s).segments <= budget;
  // 1. Candidate cut points: the end of each word (before a blank).
  const cuts: number[] = [];
  for (const m of whole.matchAll(/\S(?=\s)/g)) cuts.push((m.index ?? 0) + 1);
  // 2. The longest prefix ending at a word that still fits with the suffix (binary search: fit is monotone).
  let lo = 0;
  let hi = cuts.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (fits(`${whole.slice(0, cuts[mid]).trimEnd()}${suffix}`)) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (best >= 0) return `${whole.slice(0, cuts[best]).trimEnd()}${suffix}`;
  // 3. Not even the first word fits: cut inside it, by characters.
  const chars = [...whole];
  let n = chars.length;
  while (n > 0 && !fits(`${chars.slice(0, n).join('')}${suffix}`)) n -= 1;
  return `${chars.slice(0, n).join('')}${suffix}`.trim();
}
