import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isConfigPath, watchConfig, type ConfigWatcher } from '../../../src/runtime/watch-config.ts';

describe('isConfigPath', () => {
  it.each([
    ['switchboard.yaml', true],
    ['switchboard.yml', true],
    ['aliases', true],
    ['aliases/ops', true],
    ['aliases/ops/restart.yaml', true],
    ['channels/slack.yml', true],
    ['rules/all.yaml', true],
    ['outbox/deliveries.jsonl', false],
    ['.switchboard/redis/appendonly.aof', false],
    ['aliases/ops/.restart.yaml.swp', false],
    ['aliases/ops/restart.yaml~', false],
    ['aliases/node_modules', false],
    ['actions/notes.txt', false],
    ['node_modules', false],
    ['.git', false],
    ['README.md', false],
  ])('%s -> %s', (path, relevant) => {
    expect(isConfigPath(path)).toBe(relevant);
  });
});

/** Polls `probe` until it is true (bounded; no timing is asserted). */
async function until(probe: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** An editor's atomic save: write a temporary file beside it, rename it over the file. */
function renameSave(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

describe('watchConfig', () => {
  const open: ConfigWatcher[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const w of open.splice(0)) w.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** A config folder with a PACK folder, plus the trees a watcher must leave alone. */
  function configDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'sb-watch-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'switchboard.yaml'), 'v: 1\n');
    mkdirSync(join(dir, 'aliases/ops'), { recursive: true });
    writeFileSync(join(dir, 'aliases/ops/hello.yaml'), 'v: 1\n');
    mkdirSync(join(dir, 'channels'));
    for (let i = 0; i < 40; i++) mkdirSync(join(dir, 'node_modules', `pkg${i}`, 'lib'), { recursive: true });
    mkdirSync(join(dir, '.git/objects/ab'), { recursive: true });
    mkdirSync(join(dir, '.switchboard/redis'), { recursive: true });
    return dir;
  }

  /** Each call of onChange reads `file` again, as a reload reads the folder. */
  async function watching(dir: string, file: string) {
    const seen: string[] = [];
    const w = watchConfig(dir, () => seen.push(readFileSync(join(dir, file), 'utf8')), { debounceMs: 30 });
    open.push(w);
    await w.ready;
    return { w, seen };
  }

  it('sees both of two atomic (rename) saves of a file in a PACK folder', async () => {
    const dir = configDir();
    const { seen } = await watching(dir, 'aliases/ops/hello.yaml');
    renameSave(join(dir, 'aliases/ops/hello.yaml'), 'v: 2\n');
    await until(() => seen.at(-1) === 'v: 2\n', 'the first save');
    renameSave(join(dir, 'aliases/ops/hello.yaml'), 'v: 3\n');
    await until(() => seen.at(-1) === 'v: 3\n', 'the second save');
  });

  it('sees both of two atomic saves of switchboard.yaml', async () => {
    const dir = configDir();
    const { seen } = await watching(dir, 'switchboard.yaml');
    renameSave(join(dir, 'switchboard.yaml'), 'v: 2\n');
    await until(() => seen.at(-1) === 'v: 2\n', 'the first save');
    renameSave(join(dir, 'switchboard.yaml'), 'v: 3\n');
    await until(() => seen.at(-1) === 'v: 3\n', 'the second save');
  });

  it('watches a new PACK folder and the files added in it', async () => {
    const dir = configDir();
    const { w, seen } = await watching(dir, 'switchboard.yaml');
    mkdirSync(join(dir, 'aliases/deploy'));
    writeFileSync(join(dir, 'aliases/deploy/ship.yaml'), 'v: 1\n');
    await until(() => w.watched().includes('aliases/deploy'), 'the new folder watched');
    const before = seen.length;
    renameSave(join(dir, 'aliases/deploy/ship.yaml'), 'v: 2\n');
    await until(() => seen.length > before, 'the change in the new folder');
    // a folder created later at the top (actions/) is watched too
    mkdirSync(join(dir, 'actions'));
    await until(() => w.watched().includes('actions'), 'actions/ watched');
  });

  it('watches the config folders only: not node_modules, .git or the data folder', async () => {
    const dir = configDir();
    const { w, seen } = await watching(dir, 'switchboard.yaml');
    expect(w.watched()).toEqual(['', 'aliases', 'aliases/ops', 'channels']);
    // a change outside the config files reloads nothing; a config change after it does (once)
    writeFileSync(join(dir, 'node_modules/pkg1/lib/x.js'), 'x');
    writeFileSync(join(dir, '.switchboard/redis/appendonly.aof'), 'x');
    writeFileSync(join(dir, 'aliases/ops/.hello.yaml.swp'), 'x');
    writeFileSync(join(dir, 'README.md'), 'x');
    renameSave(join(dir, 'channels/log.yaml'), 'v: 1\n');
    await until(() => seen.length > 0, 'the config change');
    expect(seen).toHaveLength(1);
  });

  it('stops calling after close', async () => {
    const dir = configDir();
    const { w, seen } = await watching(dir, 'switchboard.yaml');
    w.close();
    expect(w.watched()).toEqual([]);
    renameSave(join(dir, 'switchboard.yaml'), 'v: 9\n');
    // the same change seen by a second watcher proves the event happened
    const other = await watching(dir, 'switchboard.yaml');
    renameSave(join(dir, 'switchboard.yaml'), 'v: 10\n');
    await until(() => other.seen.length > 0, 'the second watcher');
    expect(seen).toEqual([]);
  });
});
