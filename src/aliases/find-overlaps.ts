/**
 * A heuristic overlap check for `switchboard validate`: sample commands are rendered from each
 * format and matched against every other alias.
 */
import { compileAliases } from './matcher.ts';
import { renderFormat } from './render-format.ts';
import type { AliasSpec, FormatOverlap } from './types.ts';

const SAMPLE_WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];

/**
 * Pairs of formats of different aliases that both match a sample command.
 *
 * @example
 * findOverlaps([deployAlias, deployToAlias])
 * // [{ a: 'ops.deploy_to', b: 'ops.deploy', formatA: 'deploy {{app}} to {{env}}', formatB: 'deploy {{app}}', sample: 'deploy alpha to bravo' }]
 */
export function findOverlaps(specs: AliasSpec[]): FormatOverlap[] {
  const { matcher } = compileAliases(specs);
  const out: FormatOverlap[] = [];
  const seen = new Set<string>();
  for (const slot of matcher.table.slots) {
    // 1. two samples: every placeholder filled, and only the required ones
    const names = slot.format.params.map((p) => p.name);
    const full: Record<string, string> = {};
    const required: Record<string, string> = {};
    names.forEach((n, i) => {
      full[n] = SAMPLE_WORDS[i % SAMPLE_WORDS.length]!;
      if (slot.format.params[i]!.def === undefined && !slot.format.params[i]!.raw) required[n] = full[n];
    });
    const samples = new Set([safeRender(slot.format.source, full), safeRender(slot.format.source, required)]);
    // 2. any format of another alias that matches a sample overlaps
    for (const sample of samples) {
      if (sample === undefined) continue;
      for (const hit of matcher.hits(sample)) {
        const other = hit.slot;
        if (other.spec.id === slot.spec.id) continue;
        const key = [slot.order, other.order].sort((x, y) => x - y).join(':');
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ a: slot.spec.id, b: other.spec.id, formatA: slot.format.source, formatB: other.format.source, sample });
      }
    }
  }
  return out;
}

function safeRender(format: string, values: Record<string, string>): string | undefined {
  try {
    return renderFormat(format, values);
  } catch {
    return undefined;
  }
}
