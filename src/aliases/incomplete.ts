/**
 * Commands that begin an alias's format but stop before a required parameter (`restart web` for
 * `restart {{service}} on {{env}}`), and the answers that complete them. Pure: the conversation
 * that asks the question and keeps the state lives in src/conversations/.
 *
 * A format is cut before each of its required placeholders; the part before the cut (with, or
 * without, the literal words that lead to the placeholder: `restart {{service}} on`, `restart
 * {{service}}`) must match the whole text. Only formats made of words, blanks and placeholders,
 * opening with a literal word, are cut, so the text holds the alias's first word and no literal
 * that contradicts it; a value the cut leaves last must be one word (or quoted), so `restart web
 * in prod` is not read as the service `web in prod` waiting for `on {{env}}`.
 */
import { castOne, castParams } from './cast-params.ts';
import { compileFormat, type CompiledFormat } from './compile-format.ts';
import { extractOne, type RawParams } from './extract.ts';
import { parseFormat, type FormatNode } from './parse-format.ts';
import { renderFormat } from './render-format.ts';
import type { AliasSpec, AnswerResult, IncompleteMatch, MatchResult } from './types.ts';

/** One cut of a format: what the text must match, and the required placeholders after the cut. */
export interface FormatCut {
  format: CompiledFormat;
  /** required placeholders of the whole format after the cut, in order */
  missing: string[];
  /** the placeholder the cut ends with (its value must be one word), when it ends with one */
  lastParam?: string;
  /** nodes before the cut: a longer cut is a closer fit */
  length: number;
}

const META = /[\\.+*?()|[\]{}^$]/;
const ALNUM = /^[A-Za-z0-9]$/;

/**
 * The cuts of one format, longest first; none for a format with regex syntax of its own, anchors,
 * or no literal word to open with.
 *
 * @example
 * formatCuts('restart {{service}} on {{env}}').map((c) => c.format.source)
 * // ['restart {{service}} on', 'restart {{service}}', 'restart']
 */
export function formatCuts(source: string): FormatCut[] {
  const parsed = parseFormat(source);
  const seq = parsed.alts[0];
  if (parsed.alts.length !== 1 || !seq || parsed.hasStart || parsed.hasEnd) return [];
  if (!seq.every((n) => !n.q && (n.t === 'lit' || n.t === 'blank' || n.t === 'param'))) return [];
  const cuts: FormatCut[] = [];
  const seen = new Set<number>();
  seq.forEach((n, i) => {
    if (n.t !== 'param' || n.def !== undefined) return;
    const missing = seq.slice(i).flatMap((m) => (m.t === 'param' && m.def === undefined ? [m.name] : []));
    // 1. before the placeholder, without the blanks that lead to it
    let a = i;
    while (a > 0 && seq[a - 1]!.t === 'blank') a--;
    // 2. and without the literal words that lead to it too, back to the previous placeholder
    let b = a;
    while (b > 0 && seq[b - 1]!.t !== 'param') b--;
    for (const end of b > 0 ? [a, b] : [a]) {
      if (seen.has(end)) continue;
      seen.add(end);
      const cut = compileCut(seq.slice(0, end), missing);
      if (cut) cuts.push(cut);
    }
  });
  return cuts.sort((x, y) => y.length - x.length);
}

function compileCut(nodes: FormatNode[], missing: string[]): FormatCut | undefined {
  if (!nodes.some((n) => n.t === 'lit' && ALNUM.test(n.ch))) return undefined;
  const c = compileFormat(nodes.map(writeNode).join(''));
  // the cut must open with the alias's first word, as the whole format does
  if (!c.ok || c.format.lead === undefined) return undefined;
  const last = nodes[nodes.length - 1];
  return { format: c.format, missing, ...(last?.t === 'param' && { lastParam: last.name }), length: nodes.length };
}

function writeNode(n: FormatNode): string {
  if (n.t === 'blank') return ' ';
  if (n.t === 'param') return n.def === undefined ? `{{${n.name}}}` : `{{${n.name}=${n.def}}}`;
  if (n.t === 'lit') return META.test(n.ch) ? `\\${n.ch}` : n.ch;
  return '';
}

/** A cut that matched a text: the alias, the values it gives, and what is still missing. */
export interface CutFit {
  spec: AliasSpec;
  format: string;
  /** the length of the cut that fitted (a whole format: the longest) */
  length: number;
  given: Record<string, string>;
  missing: string[];
}

/**
 * Fits one cut of `spec`'s format `format` to a text (trailing `key=value` extras already taken
 * off into `extras`); `undefined` when it does not match, a value is bad, or nothing is missing.
 */
export function fitCut(spec: AliasSpec, format: string, cut: FormatCut, head: string, extras: Record<string, string>): CutFit | undefined {
  const raw = extractOne(cut.format, head);
  if (!raw) return undefined;
  // 1. the last value is one word, unless the text closes it with a quote or a brace
  const last = cut.lastParam === undefined ? undefined : raw[cut.lastParam];
  if (last !== undefined && /\s/.test(last) && !/["'}]$/.test(head.trimEnd())) return undefined;
  const given = definedValues({ ...raw, ...extras });
  return withMissing(spec, format, given, cut.missing, cut.length);
}

/**
 * A whole-format match whose only fault is required parameters the format does not hold (the
 * action's schema requires them): incomplete too, completed with `key=value` extras.
 */
export function fitMissingSchema(spec: AliasSpec, format: string, raw: RawParams, extras: Record<string, string>): CutFit | undefined {
  return withMissing(spec, format, definedValues({ ...raw, ...extras }), [], Number.POSITIVE_INFINITY);
}

function withMissing(spec: AliasSpec, format: string, given: Record<string, string>, formatMissing: string[], length: number): CutFit | undefined {
  // 2. the values given are cast as typed; the only fault allowed is what is missing
  const cast = castParams(given, spec.parameters, spec.immutableParameters, { argv: spec.argv === true });
  if (!cast.ok && !cast.missing) return undefined;
  const missing = [...new Set([...formatMissing.filter((m) => given[m] === undefined), ...(cast.ok ? [] : (cast.missing ?? []))])];
  if (missing.length === 0) return undefined;
  return { spec, format, length, given, missing };
}

function definedValues(raw: RawParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in raw) if (raw[k] !== undefined) out[k] = raw[k]!;
  return out;
}

/**
 * One fit when exactly one alias fits (its closest cut: fewest missing, then the longest); none
 * when several aliases do (no question is better than the wrong one).
 */
export function pickFit(fits: CutFit[]): IncompleteMatch | undefined {
  const aliases = new Set(fits.map((f) => f.spec.id));
  if (aliases.size !== 1) return undefined;
  const best = [...fits].sort((x, y) => x.missing.length - y.missing.length || y.length - x.length)[0]!;
  return { kind: 'incomplete', alias: best.spec.id, action: best.spec.action, format: best.format, given: best.given, missing: best.missing };
}

/**
 * Gives `value` to the first missing parameter of `state`; when nothing is missing any more, the
 * whole command (`restart web on prod`) is matched by `match` against that alias alone.
 *
 * @example
 * answerIncomplete(spec, { kind: 'incomplete', alias: 'ops.restart', action: 'ops.restart',
 *   format: 'restart {{service}} on {{env}}', given: { service: 'web' }, missing: ['env'] }, 'prod', match)
 * // { kind: 'complete', text: 'restart web on prod', result: { kind: 'matched', … } }
 */
export function answerIncomplete(spec: AliasSpec | undefined, state: IncompleteMatch, value: string, match: (text: string) => MatchResult): AnswerResult {
  if (!spec?.enabled) return { kind: 'gone', error: `the alias ${state.alias} is no longer enabled; nothing was run` };
  const name = state.missing[0];
  if (name === undefined) return { kind: 'gone', error: 'nothing is missing' };
  const v = value.trim();
  if (v === '') return { kind: 'refused', parameter: name, expected: 'a value', error: `bad value for ${name}: expected a value, got ""` };
  const c = castOne(name, v, spec.parameters?.[name], { argv: spec.argv === true });
  if (!c.ok) return { kind: 'refused', parameter: name, expected: c.expected, error: c.error };
  const given = { ...state.given, [name]: v };
  const missing = state.missing.slice(1).filter((m) => given[m] === undefined);
  if (missing.length > 0) return { kind: 'next', state: { ...state, given, missing } };
  const text = completedText(state.format, given);
  return { kind: 'complete', text, result: match(text) };
}

/**
 * The command as if typed in full: the format's placeholders filled (quoted when a value holds a
 * blank), the other values as trailing `key=value` extras.
 *
 * @example
 * completedText('deploy {{app}}', { app: 'api', version: '1.2 rc' }) // 'deploy api version="1.2 rc"'
 */
export function completedText(format: string, given: Record<string, string>): string {
  const names = new Set(placeholderNames(parseFormat(format).alts));
  const inFormat: Record<string, string> = {};
  const extras: string[] = [];
  for (const [k, v] of Object.entries(given)) {
    if (names.has(k)) inFormat[k] = quote(v);
    else extras.push(`${k}=${quote(v)}`);
  }
  return [renderFormat(format, inFormat), ...extras].join(' ');
}

function placeholderNames(alts: FormatNode[][]): string[] {
  return alts.flatMap((seq) => seq.flatMap((n) => (n.t === 'param' ? [n.name] : n.t === 'group' ? placeholderNames(n.alts) : [])));
}

function quote(v: string): string {
  if (v !== '' && !/\s/.test(v)) return v;
  if (!v.includes('"')) return `"${v}"`;
  return v.includes("'") ? v : `'${v}'`;
}
