/**
 * Writes docs/config.md from the zod schemas (src/config/config-docs.ts). Run: `npm run docs`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configDocsText } from '../src/config/config-docs.ts';

const out = join(import.meta.dirname, '..', 'docs', 'config.md');
await writeFile(out, configDocsText());
process.stdout.write(`wrote ${out}\n`);
