/**
 * Format checks through the alias engine (src/aliases): every format compiles; formats of different
 * aliases that can match the same text are warned about.
 */
import type { AliasSpec, FormatProblem } from '../aliases/types.ts';
import type { FormatEntry } from './schema.ts';
import type { Diagnostic } from './types.ts';
import type { LoadedAlias } from './load-aliases.ts';
import type { PathSegment } from './yaml-source.ts';

interface Engine {
  compileAliases(specs: AliasSpec[]): { problems: FormatProblem[] };
  findOverlaps(specs: AliasSpec[]): { a: string; b: string; formatA: string; formatB: string; sample: string }[];
}

/** Path of the entry of `formats` that holds the (representation) string `format`. */
function formatPath(formats: FormatEntry[], format: string): PathSegment[] {
  for (const [i, entry] of formats.entries()) {
    if (entry === format) return ['formats', i];
    if (typeof entry === 'object') {
      const j = entry.representation?.indexOf(format) ?? -1;
      if (j >= 0) return ['formats', i, 'representation', j];
      if (entry.display === format) return ['formats', i, 'display'];
    }
  }
  return ['formats'];
}

/** Diagnostics for format problems and overlaps; `specs[i]` belongs to `aliases[i]`. */
export function checkFormats(engine: Engine, aliases: LoadedAlias[], specs: AliasSpec[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byId = new Map(aliases.map((a) => [a.alias.id, a]));
  for (const p of engine.compileAliases(specs).problems) {
    const loaded = byId.get(p.alias);
    if (!loaded) continue;
    const path: PathSegment[] =
      p.representationIndex !== undefined ? ['formats', p.formatIndex, 'representation', p.representationIndex] : ['formats', p.formatIndex];
    out.push({ ...loaded.source.at(path), message: p.message, severity: p.severity });
  }
  const enabled = specs.filter((s) => s.enabled);
  for (const o of engine.findOverlaps(enabled)) {
    const loaded = byId.get(o.b);
    if (!loaded) continue;
    out.push({
      ...loaded.source.at(formatPath(loaded.alias.formats, o.formatB)),
      message: `can match the same text as alias "${o.a}" format "${o.formatA}" (e.g. "${o.sample}")`,
      severity: 'warning',
    });
  }
  return out;
}
