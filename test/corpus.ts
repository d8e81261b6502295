/**
 * Where the test corpus lives: `test/fixtures/corpus` (vendored, with its licences: see its
 * README.md), or `SB_CORPUS` when set (another corpus with the same layout). The larger corpus the
 * vendored files come from (`../shared/corpus` beside the repository, or `SB_SHARED_CORPUS`) is an
 * optional extra: `sharedCorpus` names it when it is there, and is undefined otherwise.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const vendoredCorpus = join(repoRoot, 'test', 'fixtures', 'corpus');
export const corpusRoot = process.env.SB_CORPUS ?? vendoredCorpus;
export const payloadsDir = join(corpusRoot, 'payloads');
export const aliasCorpusDir = join(corpusRoot, 'st2-aliases');

if (!existsSync(corpusRoot)) throw new Error(`SB_CORPUS names ${corpusRoot}, which does not exist`);

const sharedCandidate = process.env.SB_SHARED_CORPUS ?? join(repoRoot, '..', 'shared', 'corpus');
/** the larger source corpus, when present; never required */
export const sharedCorpus: string | undefined = existsSync(sharedCandidate) ? sharedCandidate : undefined;
/** where it was looked for (for the skip reason) */
export const sharedCorpusCandidate = sharedCandidate;

/** Every format string (representations included) of the corpus's alias files that parse. */
export function corpusFormats(): string[] {
  const out: string[] = [];
  for (const pack of readdirSync(aliasCorpusDir, { withFileTypes: true })) {
    if (!pack.isDirectory()) continue;
    for (const file of readdirSync(join(aliasCorpusDir, pack.name)).filter((f) => /\.ya?ml$/.test(f))) {
      let doc: { formats?: unknown };
      try {
        doc = parse(readFileSync(join(aliasCorpusDir, pack.name, file), 'utf8')) as { formats?: unknown };
      } catch {
        continue;
      }
      if (!Array.isArray(doc?.formats)) continue;
      for (const f of doc.formats) {
        if (typeof f === 'string') out.push(f);
        else if (f && typeof f === 'object' && Array.isArray((f as { representation?: unknown }).representation)) {
          for (const r of (f as { representation: unknown[] }).representation) if (typeof r === 'string') out.push(r);
        }
      }
    }
  }
  return out;
}
