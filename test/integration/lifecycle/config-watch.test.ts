/**
 * The config folder's watch on a running Switchboard: an editor's atomic save (write a temporary
 * file, rename it over the old one) is reloaded every time, not only the first; a new PACK folder's
 * alias is picked up; the watch holds a few folders, not the tree (node_modules, .git, data folder).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { auth, baseFiles, eventually } from '../operations/helpers.ts';

let t: TestSwitchboard;
beforeAll(async () => {
  const files = baseFiles();
  for (let i = 0; i < 30; i++) files[`node_modules/pkg${i}/lib/index.js`] = '';
  files['.git/HEAD'] = 'ref: refs/heads/main\n';
  t = await startTestSwitchboard({ files });
});
afterAll(async () => {
  await t?.stop();
});

const alias = (format: string) => `name: hello\npack: ops\naction_ref: ops.hello\nformats: ["${format}"]\n`;

function renameSave(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

async function matches(text: string): Promise<boolean> {
  const res = await t.request('/api/v1/aliases/match', {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  return ((await res.json()) as { matched: boolean }).matched;
}

describe('the config folder watch', () => {
  it('reloads each of two rename saves of the same file', async () => {
    const file = join(t.dir, 'aliases/ops/hello.yaml');
    expect(await matches('hello world')).toBe(true);
    renameSave(file, alias('greet {{who}}'));
    await eventually(async () => ((await matches('greet world')) ? true : undefined), 'the first save applied');
    expect(await matches('hello world')).toBe(false);
    renameSave(file, alias('salute {{who}}'));
    await eventually(async () => ((await matches('salute world')) ? true : undefined), 'the second save applied');
    expect(await matches('greet world')).toBe(false);
  });

  it('sees an alias file added in a new PACK folder', async () => {
    mkdirSync(join(t.dir, 'aliases/deploy'));
    writeFileSync(join(t.dir, 'aliases/deploy/ship.yaml'), 'name: ship\npack: deploy\naction_ref: ops.hello\nformats: ["ship {{who}}"]\n');
    await eventually(async () => ((await matches('ship it')) ? true : undefined), 'the new alias');
  });

  it('watches the config folders only', () => {
    const watched = t.sb.watchedFolders();
    expect(watched).toContain('aliases/deploy');
    expect(watched.length).toBeLessThan(10);
    expect(watched.filter((w) => /node_modules|\.git|\.switchboard/.test(w))).toEqual([]);
  });
});
