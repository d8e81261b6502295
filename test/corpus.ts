/**
 * Where the shared corpus lives: `../shared/corpus` beside the repository (as on developers'
 * machines and in CI), or `SB_CORPUS` when set.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const corpusRoot = process.env.SB_CORPUS ?? join(repoRoot, '..', 'shared', 'corpus');
export const payloadsDir = join(corpusRoot, 'payloads');
export const aliasCorpusDir = join(corpusRoot, 'st2-aliases');

if (!existsSync(corpusRoot)) throw new Error(`the shared corpus is not at ${corpusRoot}: set SB_CORPUS`);
