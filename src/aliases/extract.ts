/**
 * Runs a compiled format against a text and reads its parameter values: quoted values as written
 * inside the quotes (so `""` is an empty string), bare values trimmed, a blank bare value absent
 * (then the `{{p=default}}` default applies, as written).
 */
import type { Matcher } from 're2js';
import type { CompiledFormat } from './compile-format.ts';
import { matchPlain } from './plain-match.ts';

export type RawParams = Record<string, string | undefined>;

/**
 * The values of the first match, or undefined when the format does not match.
 *
 * @example
 * const c = compileFormat('ping {{host}}'); c.ok && extractOne(c.format, 'ping web1') // { host: 'web1' }
 */
export function extractOne(f: CompiledFormat, text: string, precheck = true): RawParams | undefined {
  const input = f.pad ? `${text} ` : text;
  // 0. a format of words, blanks and placeholders: no regex needed
  if (f.plain) {
    const values = matchPlain(f.plain, input);
    if (!values) return undefined;
    const out: RawParams = {};
    const params = f.params;
    for (let i = 0; i < params.length; i++) out[params[i]!.name] = values[i] ?? params[i]!.def;
    return out;
  }
  // 1. the DFA answers "no" cheaply; only a hit pays for submatches
  if (precheck && !f.regex.test(input)) return undefined;
  const m = f.regex.matcher(input);
  return m.find() ? readValues(f, m) : undefined;
}

/** The values of every non-overlapping match (`match_multiple` formats). */
export function extractAll(f: CompiledFormat, text: string): RawParams[] {
  const input = f.pad ? `${text} ` : text;
  if (!f.regex.test(input)) return [];
  const m = f.regex.matcher(input);
  const out: RawParams[] = [];
  // 2. find() moves past empty matches itself; the bound only guards against surprises
  for (let guard = 0; guard <= input.length && m.find(); guard++) out.push(readValues(f, m));
  return out;
}

function readValues(f: CompiledFormat, m: Matcher): RawParams {
  const out: RawParams = {};
  for (const p of f.params) {
    let value: string | undefined;
    if (p.raw) value = blankToAbsent(m.group(p.groups[0]!));
    else {
      const [dq, sq, json, bare] = p.groups as [number, number, number, number];
      value = m.group(dq) ?? m.group(sq) ?? blankToAbsent(m.group(json)) ?? blankToAbsent(m.group(bare));
    }
    out[p.name] = value ?? p.def;
  }
  return out;
}

function blankToAbsent(v: string | null): string | undefined {
  if (v === null) return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}
