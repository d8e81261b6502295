/**
 * A fast-read file's source keeps its path, not its text (a load of 10,000 aliases and actions
 * would hold every text to its end): the text is read again when a diagnostic asks for a position.
 */
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectConfig } from '../../../src/config/load.ts';
import { parseYamlSource } from '../../../src/config/yaml-source.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(os.tmpdir(), 'sb-source-text-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const text = 'name: a\naction_ref: ops.a\nformats:\n  - "restart {{service}}"\n';

describe('positions of a fast-read file given its path', () => {
  it('are those of the file read again, the same as from the text kept', async () => {
    const abs = join(dir, 'a.yaml');
    await writeFile(abs, text);
    const kept = parseYamlSource(text, 'aliases/a.yaml', {}).source;
    const reread = parseYamlSource(text, 'aliases/a.yaml', {}, {}, abs).source;
    for (const path of [['action_ref'], ['formats', 0], ['name'], []]) {
      expect(reread.at(path)).toEqual(kept.at(path));
      expect(reread.keyAt(path)).toEqual(kept.keyAt(path));
    }
    expect(reread.at(['formats', 0])).toMatchObject({ file: 'aliases/a.yaml', line: 4, col: 5 });
  });

  it('point at the start of a file gone since (never an exception)', async () => {
    const abs = join(dir, 'a.yaml');
    await writeFile(abs, text);
    const { source } = parseYamlSource(text, 'aliases/a.yaml', {}, {}, abs);
    await unlink(abs);
    expect(source.at(['action_ref'])).toMatchObject({ file: 'aliases/a.yaml', line: 1, col: 1 });
  });

  it('still place a load’s diagnostics where they were written', async () => {
    await writeFile(join(dir, 'switchboard.yaml'), 'server: { port: 8080 }\n');
    await mkdir(join(dir, 'aliases'));
    await writeFile(join(dir, 'aliases', 'a.yaml'), `# a comment\n${text}`);
    const { diagnostics } = await inspectConfig(dir, { env: {} });
    expect(diagnostics).toContainEqual(expect.objectContaining({ file: 'aliases/a.yaml', line: 3, severity: 'error' }));
  });
});
