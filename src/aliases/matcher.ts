/**
 * Matches a command against many aliases: candidates come from the word index (never a scan of
 * every regex), then extras, the most-specific rule, immutables and casting give one MatchResult.
 */
import { castParams } from './cast-params.ts';
import { extractAll, extractOne, type RawParams } from './extract.ts';
import { splitExtras } from './extras.ts';
import { buildFormatTable, type FormatSlot, type FormatTable, type SuggestionEntry } from './format-table.ts';
import { answerIncomplete, fitCut, fitMissingSchema, formatCuts, pickFit, type CutFit, type FormatCut } from './incomplete.ts';
import { textWords } from './literal-words.ts';
import { SuggestIndex } from './suggest-index.ts';
import type { AliasMatcher, AliasSpec, AnswerResult, CompiledAlias, FormatProblem, IncompleteMatch, MatchOptions, MatchResult } from './types.ts';

export const MAX_COMMAND_LENGTH = 4096;

export interface Hit {
  slot: FormatSlot;
  raws: RawParams[];
  extras: Record<string, string>;
}

/**
 * Compiles alias specs into a matcher; formats that do not compile are returned as problems and
 * disabled, everything else keeps working.
 *
 * @example
 * const { matcher } = compileAliases([{ id: 'ops.restart', action: 'ops.restart', enabled: true,
 *   formats: ['restart {{service}} on {{host}}'], immutableParameters: {} }]);
 * matcher.match('Restart web on prod') // { kind: 'matched', params: { service: 'web', host: 'prod' }, ... }
 */
export function compileAliases(specs: AliasSpec[], opts: { maxLength?: number } = {}): { matcher: IndexedAliasMatcher; problems: FormatProblem[] } {
  const { table, suggestions } = buildFormatTable(specs);
  return { matcher: new IndexedAliasMatcher(table, opts.maxLength ?? MAX_COMMAND_LENGTH, suggestions), problems: table.problems };
}

export class IndexedAliasMatcher implements AliasMatcher {
  readonly aliases: readonly CompiledAlias[];
  private stamp = 0;
  /**
   * the index of the closest formats, built on the first command that matches nothing (for 10,000
   * aliases about 0.1 s: not on the way to serving a freshly loaded config); until then the table's
   * help entries it is built from
   */
  #suggestIndex: SuggestIndex | undefined;
  #suggestions: readonly SuggestionEntry[] | undefined;
  /** lead word -> single formats with their cuts (built on the first incomplete command) */
  private cutIndex: Map<string, { slot: FormatSlot; cuts: FormatCut[] }[]> | undefined;

  /** `suggestions`: the table's help entries, indexed on first need and then not kept (buildFormatTable gives both) */
  constructor(
    readonly table: FormatTable,
    readonly maxLength: number,
    suggestions: readonly SuggestionEntry[],
  ) {
    this.aliases = table.aliases;
    this.#suggestions = suggestions;
  }

  private get suggestIndex(): SuggestIndex {
    if (this.#suggestIndex === undefined) {
      this.#suggestIndex = new SuggestIndex(this.#suggestions ?? []);
      this.#suggestions = undefined;
    }
    return this.#suggestIndex;
  }

  match(text: string, opts: MatchOptions = {}): MatchResult {
    // 1. refuse what is too long to answer quickly
    if (text.length > this.maxLength) {
      return { kind: 'invalid', error: `command is too long: ${text.length} characters (the limit is ${this.maxLength})` };
    }
    const only = allowed(opts.only);
    const hits = this.hits(text, only);
    if (hits.length > 0) return resolve(hits);
    // 2. nothing: the closest formats the caller may run (indexed: a miss costs about what a match costs)
    return { kind: 'none', suggestions: this.suggestIndex.suggest(text, only) };
  }

  /**
   * When nothing matches in full: the one alias whose format the text begins, up to a required
   * parameter (`restart web` for `restart {{service}} on {{env}}`), or whose whole match lacks only
   * parameters its action requires; `undefined` otherwise (several aliases fit: no question).
   *
   * @example
   * matcher.incomplete('restart web') // { kind: 'incomplete', alias: 'ops.restart', given: { service: 'web' }, missing: ['env'], … }
   */
  incomplete(text: string, opts: MatchOptions = {}): IncompleteMatch | undefined {
    if (text.length > this.maxLength) return undefined;
    const only = allowed(opts.only);
    // 1. a text that matches in full is never a question, unless all it lacks is what the schema requires
    const hits = this.hits(text, only);
    if (hits.length > 0) {
      const w = winner(hits);
      if (!w || w.slot.multiple || w.raws.length !== 1) return undefined;
      const fit = fitMissingSchema(w.slot.spec, w.slot.format.source, w.raws[0]!, w.extras);
      return fit && pickFit([fit]);
    }
    // 2. the cuts of the formats that open with the text's first word
    const first = textWords(text).values().next().value;
    const slots = first === undefined ? undefined : this.cuts().get(first);
    if (!slots) return undefined;
    const split = splitExtras(text);
    const fits: CutFit[] = [];
    for (const { slot, cuts } of slots) {
      if (only && !only(slot.spec.id)) continue;
      for (const cut of cuts) {
        const fit = fitCut(slot.spec, slot.format.source, cut, split.head, split.extras);
        if (fit) fits.push(fit);
      }
    }
    return pickFit(fits);
  }

  /**
   * Gives `value` to the first missing parameter of an incomplete command (the alias as configured
   * now: a reload in between is seen).
   */
  answer(state: IncompleteMatch, value: string): AnswerResult {
    const spec = this.table.slots.find((s) => s.spec.id === state.alias)?.spec;
    return answerIncomplete(spec, state, value, (text) => this.match(text, { only: (id) => id === state.alias }));
  }

  private cuts(): Map<string, { slot: FormatSlot; cuts: FormatCut[] }[]> {
    if (this.cutIndex) return this.cutIndex;
    const index = new Map<string, { slot: FormatSlot; cuts: FormatCut[] }[]>();
    for (const slot of this.table.slots) {
      const lead = slot.format.lead;
      if (slot.multiple || lead === undefined) continue;
      const cuts = formatCuts(slot.format.source);
      if (cuts.length === 0) continue;
      const list = index.get(lead);
      if (list) list.push({ slot, cuts });
      else index.set(lead, [{ slot, cuts }]);
    }
    this.cutIndex = index;
    return index;
  }

  /**
   * Every format that matches, before the most-specific rule: trailing extras taken off first (and
   * kept as text when that leaves no match), single formats before `match_multiple` ones (StackStorm's order).
   */
  hits(text: string, only?: (aliasId: string) => boolean): Hit[] {
    const candidates = this.candidates(text, only);
    if (candidates.length === 0) return [];
    const split = splitExtras(text);
    let hits = tryAll(candidates, split.head, split.extras);
    if (hits.length === 0 && split.count > 0) hits = tryAll(candidates, text, NO_EXTRAS);
    return hits;
  }

  /** Formats whose required words all occur in the text, found through their two rarest ones. */
  private candidates(text: string, only: ((aliasId: string) => boolean) | undefined): FormatSlot[] {
    const words = textWords(text);
    const first = words.values().next().value;
    const stamp = ++this.stamp;
    const out: FormatSlot[] = [];
    // plain loops, no closures: this is the hot path
    for (const w of words) {
      const bucket = this.table.index.get(w);
      if (!bucket) continue;
      // one format, or a few: each checked (their words are checked anyway)
      if (Array.isArray(bucket)) {
        collect(bucket, stamp, words, first, only, out);
        continue;
      }
      if ('format' in bucket) {
        if (bucket.stamp !== stamp && consider(bucket, stamp, words, first, only)) out.push(bucket);
        continue;
      }
      for (const s of bucket.single) if (s.stamp !== stamp && consider(s, stamp, words, first, only)) out.push(s);
      // the second word: walk whichever is smaller, the bucket's pairs or the text's words
      if (bucket.pairs.size <= words.size) {
        for (const [w2, list] of bucket.pairs) if (words.has(w2)) collect(list, stamp, words, first, only, out);
      } else {
        for (const w2 of words) {
          const list = bucket.pairs.get(w2);
          if (list) collect(list, stamp, words, first, only, out);
        }
      }
    }
    for (const s of this.table.always) if (s.stamp !== stamp && consider(s, stamp, words, first, only)) out.push(s);
    return out.length > 1 ? out.sort(byOrder) : out;
  }
}

const NO_EXTRAS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Single formats first; `match_multiple` ones only when no single format matched. */
function tryAll(candidates: FormatSlot[], head: string, extras: Record<string, string>): Hit[] {
  const hits: Hit[] = [];
  let multiples = false;
  // a few candidates found through their words on a short text are likely to match: skip the
  // separate DFA pass then; otherwise the DFA turns misses away before submatch extraction
  const screen = candidates.length > 4 || head.length > 256;
  for (const slot of candidates) {
    if (slot.multiple) multiples = true;
    else {
      const raw = extractOne(slot.format, head, screen || slot.format.indexWords.length === 0);
      if (raw) hits.push({ slot, raws: [raw], extras });
    }
  }
  if (hits.length > 0 || !multiples) return hits;
  for (const slot of candidates) {
    if (!slot.multiple) continue;
    const raws = extractAll(slot.format, head);
    if (raws.length > 0) hits.push({ slot, raws, extras });
  }
  return hits;
}

/** Whether a slot may match: the text opens with its lead word and holds all its required words. */
function consider(s: FormatSlot, stamp: number, words: Set<string>, first: string | undefined, only: ((aliasId: string) => boolean) | undefined): boolean {
  s.stamp = stamp;
  if (s.format.lead !== undefined && s.format.lead !== first) return false;
  const required = s.format.indexWords;
  for (let i = 0; i < required.length; i++) if (!words.has(required[i]!)) return false;
  return !only || only(s.spec.id);
}

function collect(
  list: FormatSlot[],
  stamp: number,
  words: Set<string>,
  first: string | undefined,
  only: ((aliasId: string) => boolean) | undefined,
  out: FormatSlot[],
): void {
  for (const s of list) if (s.stamp !== stamp && consider(s, stamp, words, first, only)) out.push(s);
}

function byOrder(a: FormatSlot, b: FormatSlot): number {
  return a.order - b.order;
}

function allowed(only: MatchOptions['only']): ((aliasId: string) => boolean) | undefined {
  if (only === undefined || typeof only === 'function') return only;
  const ids = new Set(only);
  return (id) => ids.has(id);
}

/** Most specific format per alias, then across aliases; anything else is an ambiguity. */
function resolve(hits: Hit[]): MatchResult {
  const w = winner(hits);
  if (w) return finish(w);
  return { kind: 'ambiguous', candidates: bestPerAlias(hits).map((h) => ({ alias: h.slot.spec.id, format: h.slot.format.source })) };
}

/** The hit the most-specific rule picks, or undefined when that is ambiguous. */
function winner(hits: Hit[]): Hit | undefined {
  if (hits.length === 1) return hits[0]!;
  const best = bestPerAlias(hits);
  // 2. across aliases one must be strictly more specific than every other
  return best.length === 1 ? best[0] : best.find((h) => best.every((o) => o === h || moreSpecific(h, o)));
}

function bestPerAlias(hits: Hit[]): Hit[] {
  // 1. one format per alias: not strictly less specific than another, then first declared
  const byAlias = new Map<string, Hit[]>();
  for (const h of hits) {
    const list = byAlias.get(h.slot.spec.id);
    if (list) list.push(h);
    else byAlias.set(h.slot.spec.id, [h]);
  }
  return [...byAlias.values()].map((list) => list.find((h) => !list.some((o) => moreSpecific(o, h))) ?? list[0]!);
}

function moreSpecific(a: Hit, b: Hit): boolean {
  // each list holds a word once: more words, all of the other's among them
  const A = a.slot.format.words;
  const B = b.slot.format.words;
  if (A.length <= B.length) return false;
  for (let i = 0; i < B.length; i++) if (!A.includes(B[i]!)) return false;
  return true;
}

/** Extras override positional values; immutables and the schema finish each parameter set. */
function finish(hit: Hit): MatchResult {
  const { spec, format, multiple } = hit.slot;
  const base = { alias: spec.id, action: spec.action, format: format.source };
  const sets = [];
  for (const raw of hit.raws) {
    const cast = castParams({ ...raw, ...hit.extras }, spec.parameters, spec.immutableParameters, { argv: spec.argv === true });
    if (!cast.ok) return { kind: 'invalid', ...base, parameter: cast.parameter, error: cast.error, ...(cast.missing && { missing: cast.missing }) };
    sets.push(cast.params);
  }
  return { kind: 'matched', ...base, params: sets[0]!, ...(multiple ? { multiple: sets } : {}) };
}
