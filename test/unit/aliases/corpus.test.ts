import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileAliases, renderFormat } from '../../../src/aliases/index.ts';
import type { AliasSpec } from '../../../src/aliases/index.ts';
import type { FormatEntry } from '../../../src/config/schema.ts';
import { aliasCorpusDir } from '../../corpus.ts';

const ROOT = aliasCorpusDir;

/** Every alias file of the corpus as a spec (YAML read directly: these are data, not config). */
function loadCorpus(): AliasSpec[] {
  const specs: AliasSpec[] = [];
  for (const pack of readdirSync(ROOT, { withFileTypes: true })) {
    if (!pack.isDirectory() || pack.name === 'LICENSES') continue;
    for (const file of readdirSync(join(ROOT, pack.name))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()) {
      let doc: Record<string, unknown>;
      try {
        doc = parse(readFileSync(join(ROOT, pack.name, file), 'utf8')) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (!doc || typeof doc !== 'object' || !Array.isArray(doc.formats)) continue;
      specs.push({
        id: `${pack.name}/${file}`,
        action: String(doc.action_ref),
        enabled: true,
        formats: (doc.formats as unknown[]).map(normaliseEntry),
        immutableParameters: {},
      });
    }
  }
  return specs;
}

function normaliseEntry(f: unknown): FormatEntry {
  if (typeof f === 'string') return f;
  const o = f as { display?: string; representation?: string | string[]; match_multiple?: boolean };
  const rep = typeof o.representation === 'string' ? [o.representation] : o.representation;
  return { ...(o.display ? { display: o.display } : {}), ...(rep ? { representation: rep } : {}), ...(o.match_multiple ? { match_multiple: true } : {}) };
}

const corpus = loadCorpus();
const { matcher, problems } = compileAliases(corpus);
const representations = corpus.flatMap((spec) =>
  spec.formats.flatMap((f) => (typeof f === 'string' ? [f] : (f.representation ?? []))).map((format) => ({ id: spec.id, format })),
);

describe('compileAliases (StackStorm corpus)', () => {
  it('loads the corpus', () => {
    expect(corpus.length).toBeGreaterThan(200);
    expect(representations.length).toBeGreaterThan(300);
  });

  it('compiles every format except the two known-broken vyatta ones, with a clear problem', () => {
    expect(problems.map((p) => p.alias).sort()).toEqual(['vyatta/cfg_ebgp.yaml', 'vyatta/cfg_interface.yaml']);
    for (const p of problems) {
      expect(p.severity).toBe('error');
      expect(p.message).toMatch(/^parameter "\w+" appears more than once in the format$/);
    }
  });

  const broken = new Set(problems.map((p) => p.format));
  it.each(representations.filter((r) => !broken.has(r.format)))('matches a sample command rendered from $id: $format', ({ id, format }) => {
    const sample = renderFormat(format, {});
    const hits = matcher.hits(sample).map((h) => h.slot.spec.id);
    expect(hits).toContain(id);
  });
});
