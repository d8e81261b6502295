/**
 * The literal words of a format. `index` holds the words every matching text must contain as whole
 * words (after {@link textWords} splits it), so an alias can be looked up by any of them without
 * missing a match; `all` holds every literal word outside optional parts (most-specific rule).
 */
import type { FormatNode, ParsedFormat } from './parse-format.ts';

/** An ASCII letter or digit (a word character of the index). */
export function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/** A literal's character (one code point) is an ASCII letter or digit. */
function alnum(ch: string): boolean {
  return ch.length === 1 && isAlnum(ch.charCodeAt(0));
}

/**
 * Splits a text into the lower-case ASCII words the index is keyed by.
 *
 * @example
 * textWords('Restart web-1 on PROD') // Set { 'restart', 'web', '1', 'on', 'prod' }
 */
export function textWords(text: string): Set<string> {
  const out = new Set<string>();
  let start = -1;
  let odd = false;
  // one pass over char codes; U+212A (Kelvin) and U+017F (long s) case-fold to ASCII letters in RE2
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    const word = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 0x212a || c === 0x17f;
    if (word) {
      if (start < 0) start = i;
      if (c === 0x17f) odd = true;
    } else if (start >= 0) {
      const w = text.slice(start, i).toLowerCase();
      out.add(odd ? w.replace(/\u017F/g, 's') : w);
      start = -1;
      odd = false;
    }
  }
  return out;
}

/**
 * One copy of each word, for the formats of one table (their words repeat across formats: one
 * string each instead of one per format): word -> its kept copy.
 */
export type WordCopies = Map<string, string>;

/** `w`, or the equal string kept in `copies` (then `w` is garbage). */
export function oneCopy(w: string, copies: WordCopies | undefined): string {
  if (!copies) return w;
  const kept = copies.get(w);
  if (kept !== undefined) return kept;
  copies.set(w, w);
  return w;
}

const NO_WORDS: readonly string[] = Object.freeze([]);

/**
 * The format's words: `index` and `all` each word once, `all` being the same array as `index` when
 * every word is indexed (most formats: one array kept instead of two); `copies` shares each word's
 * string across formats.
 */
export function literalWords(p: ParsedFormat, copies?: WordCopies): { index: string[]; all: readonly string[]; lead?: string } {
  const index = new Set<string>();
  const all = new Set<string>();
  if (p.alts.length !== 1) return { index: [], all: NO_WORDS };
  const top = { start: !p.hasStart, end: !p.hasEnd };
  walk(p.alts[0]!, true, top, index, all);
  return sharedWords([...index], [...all], leadWord(p.alts[0]!, top), copies);
}

/**
 * A format's words (`index` a subset of `all`, each word once) with their strings shared through
 * `copies`: `all` is `index` itself when they hold the same words (one array kept instead of two;
 * their order matters to neither use). `index` is changed in place.
 */
export function sharedWords(
  index: string[],
  all: string[],
  lead: string | undefined,
  copies: WordCopies | undefined,
): { index: string[]; all: readonly string[]; lead?: string } {
  // the lead word is most often the first indexed one: one lookup for both
  const leadFirst = lead !== undefined && lead === index[0];
  for (let i = 0; i < index.length; i++) index[i] = oneCopy(index[i]!, copies);
  const words = all.length === index.length ? index : all.map((w) => oneCopy(w, copies));
  if (lead === undefined) return { index, all: words };
  return { index, all: words, lead: leadFirst ? index[0]! : oneCopy(lead, copies) };
}

/** The word every match starts with (auto-anchored formats that open with a literal word). */
function leadWord(seq: FormatNode[], top: Edges): string | undefined {
  if (!top?.start) return undefined;
  let i = 0;
  while (seq[i]?.t === 'blank' && !seq[i]!.q) i++;
  let run = '';
  for (; i < seq.length; i++) {
    const n = seq[i]!;
    if (n.t !== 'lit' || n.q || !alnum(n.ch)) break;
    run += n.ch.toLowerCase();
  }
  return run && edgeAfter(seq, i, top) ? run : undefined;
}

type Edges = { start: boolean; end: boolean } | undefined;

function walk(seq: FormatNode[], required: boolean, top: Edges, index: Set<string>, all: Set<string>): void {
  let run = '';
  let runStart = -1;
  // plain loop, no closures (a config's formats all come through here); `i === seq.length` ends the last run
  for (let i = 0; i <= seq.length; i++) {
    const n = i < seq.length ? seq[i]! : undefined;
    // 1. literal ASCII letters and digits form words
    if (n?.t === 'lit' && !n.q && alnum(n.ch)) {
      if (!run) runStart = i;
      run += n.ch.toLowerCase();
      continue;
    }
    if (run) {
      all.add(run);
      if (edgeBefore(seq, runStart, top) && edgeAfter(seq, i, top)) index.add(run);
      run = '';
    }
    // 2. a required group's words are required too (its edges are unknown: not indexed at its ends)
    if (n?.t === 'group' && required && n.alts.length === 1 && mandatory(n.q)) {
      walk(n.alts[0]!, true, undefined, index, all);
    }
  }
}

function mandatory(q: string | undefined): boolean {
  return !q || q[0] === '+' || /^\{[1-9]/.test(q);
}

/** Whether node `i` surely puts a word separator in the text (a blank or a non-alphanumeric literal). */
function separator(seq: FormatNode[], i: number, top: Edges): boolean {
  const n = seq[i];
  if (!n || !mandatory(n.q)) return false;
  if (n.t === 'lit') return !alnum(n.ch);
  if (n.t !== 'blank') return false;
  // a blank taken into an optional placeholder `(?:\s+V)?` only separates when the other side does
  const next = seq[i + 1];
  if (next?.t === 'param' && next.def !== undefined) return after(seq, i + 2, top) || separator(seq, i + 2, top);
  const prev = seq[i - 1];
  if (prev?.t === 'param' && prev.def !== undefined && seq[i - 2]?.t !== 'blank') {
    return before(seq, i - 2, top) || separator(seq, i - 2, top);
  }
  return true;
}

function before(seq: FormatNode[], i: number, top: Edges): boolean {
  return i < 0 && !!top?.start;
}

function after(seq: FormatNode[], i: number, top: Edges): boolean {
  return i >= seq.length && !!top?.end;
}

function edgeBefore(seq: FormatNode[], i: number, top: Edges): boolean {
  return before(seq, i - 1, top) || separator(seq, i - 1, top);
}

function edgeAfter(seq: FormatNode[], i: number, top: Edges): boolean {
  return after(seq, i, top) || separator(seq, i, top);
}
