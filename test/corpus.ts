/**
 * Where the test corpus lives: `test/fixtures/corpus` (vendored, with its licences: see its
 * README.md), or `SB_CORPUS` when set (another corpus with the same layout). The larger corpus the
 * vendored files come from (`../shared/corpus` beside the repository, or `SB_SHARED_CORPUS`) is an
 * optional extra: `sharedCorpus` names it when it is there, and is undefined otherwise.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
