/**
 * The load snapshot cache (src/config/load-cache.ts) must never change what a load gives: a warm
 * load (snapshot present) gives exactly the config and diagnostics of a cold one, sees an edited
 * file, survives a corrupt or unwritable snapshot, and never writes an environment value or secret.
 */
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectConfig } from '../../../src/config/load.ts';
import { cacheDirFromEnv, MIN_CACHED_FILES, snapshotPath } from '../../../src/config/load-cache.ts';
import { buildCorpusDirs } from './corpus-dirs.ts';
import { writeConfig } from './temp-config.ts';

const env = { HOOK_TOKEN: 'tok-4c7e2b9d1a', WHO: 'ops-team' };
const n = MIN_CACHED_FILES + 20;

/** A folder of `n` aliases and actions with templates that do not compile (warnings), notify routes, an env-expanded action, errors. */
function folder(): Record<string, string> {
  const files: Record<string, string> = {
    'switchboard.yaml': 'server: { port: 8080 }\n',
    'channels/log.yaml': 'name: log\nkind: log\n',
    'channels/ops.yaml': 'name: ops\nkind: log\n',
    // `${VAR}` expanded from the environment: never cached (its value must not reach the disk)
    'actions/ops/hook.yaml':
      'name: hook\nrunner: http\nurl: https://example.com/hook\nheaders:\n  Authorization: "Bearer ${HOOK_TOKEN}"\nenv:\n  WHO: ${WHO}\n',
    // a file with an error: reported the same way warm and cold
    'aliases/ops/broken.yaml': 'name: broken\naction_ref: ops.a0\nformats:\n  - broken {{x}}\nfromats: []\n',
  };
  for (let i = 0; i < n; i++) {
    files[`actions/ops/a${i}.yaml`] =
      `name: a${i}\nrunner: shell\ncommand: [echo, "{{ host }}"]\nparameters:\n  host: { type: string, default: web }\nnotify:\n  on-failure:\n    routes: [ops]\n`;
    files[`aliases/ops/a${i}.yaml`] =
      `---\nname: a${i}\naction_ref: ops.a${i}\ndescription: item ${i}\nformats:\n  - "check item${i} {{host}}"\n  - display: "show item${i}"\n    representation: ["show item${i} {{host}}"]\nack:\n  format: "{{ x[:2] }}"\nresult:\n  format: |\n    {%+ if ok %}done{% endif %}\n`;
  }
  return files;
}

/** The snapshot's entries for alias and action files. */
const files = (snapshot: string) => snapshot.split('\n').filter((l) => l.startsWith('alias:') || l.startsWith('action:'));

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function setup(): Promise<{ dir: string; cache: string }> {
  const dir = await writeConfig(folder());
  const cache = await mkdtemp(join(tmpdir(), 'sb-cache-'));
  dirs.push(dir, cache);
  return { dir, cache };
}

describe('load snapshot cache', () => {
  it('gives a warm load exactly the config and diagnostics of a cold one', async () => {
    const { dir, cache } = await setup();
    const cold = await inspectConfig(dir, { env, cacheDir: false });
    expect(cold.diagnostics.filter((d) => d.message.startsWith('template does not compile')).length).toBeGreaterThan(2 * n - 1);
    expect(cold.diagnostics.some((d) => d.severity === 'error' && d.file === 'aliases/ops/broken.yaml')).toBe(true);
    const first = await inspectConfig(dir, { env, cacheDir: cache });
    expect(first).toStrictEqual(cold);
    const snapshot = await readFile(snapshotPath(cache, dir), 'utf8');
    // the aliases and actions that the file alone decides: not the expanded one, not the broken one;
    // and the answers of the template checks
    expect(files(snapshot)).toHaveLength(2 * n);
    expect(snapshot.split('\n').filter((l) => l.startsWith('template:')).length).toBeGreaterThan(1);
    expect(snapshot).not.toContain(env.HOOK_TOKEN);
    expect(snapshot).not.toContain(env.WHO);
    const warm = await inspectConfig(dir, { env, cacheDir: cache });
    expect(warm).toStrictEqual(cold);
    expect(warm.config.secrets).toEqual([env.HOOK_TOKEN, env.WHO]);
  });

  it('gives the StackStorm corpus warm exactly what it gives cold', async () => {
    const { dirs: corpus } = await buildCorpusDirs();
    const cache = await mkdtemp(join(tmpdir(), 'sb-cache-'));
    dirs.push(...corpus, cache);
    let cached = 0;
    for (const dir of corpus) {
      const cold = await inspectConfig(dir, { env: {}, cacheDir: false });
      expect(await inspectConfig(dir, { env: {}, cacheDir: cache })).toStrictEqual(cold);
      expect(await inspectConfig(dir, { env: {}, cacheDir: cache })).toStrictEqual(cold);
      if ((await readdir(cache)).includes(snapshotPath(cache, dir).slice(cache.length + 1))) cached++;
    }
    expect(cached).toBeGreaterThan(0);
  }, 60_000);

  it('reads values from the snapshot (a warm load does not parse the cached files)', async () => {
    const { dir, cache } = await setup();
    await inspectConfig(dir, { env, cacheDir: cache });
    const file = snapshotPath(cache, dir);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('"item 7"');
    // (as long: the snapshot's index has each entry's length)
    await writeFile(file, text.replace('"item 7"', '"ITEM 7"'));
    const warm = await inspectConfig(dir, { env, cacheDir: cache });
    expect(warm.config.aliases.find((a) => a.id === 'ops.a7')?.description).toBe('ITEM 7');
  });

  it('trusts no snapshot others can write: one writable by group or others is ignored and rewritten', async () => {
    const { dir, cache } = await setup();
    await inspectConfig(dir, { env, cacheDir: cache });
    const file = snapshotPath(cache, dir);
    const text = await readFile(file, 'utf8');
    // a value planted by someone who could write the file
    await writeFile(file, text.replace('"item 7"', '"ITEM 7"'));
    await chmod(file, 0o666);
    const warm = await inspectConfig(dir, { env, cacheDir: cache });
    expect(warm.config.aliases.find((a) => a.id === 'ops.a7')?.description).toBe('item 7');
    expect(warm).toStrictEqual(await inspectConfig(dir, { env, cacheDir: false }));
    // rewritten as this user's own, readable by no one else
    expect((await stat(file)).mode & 0o077).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('"item 7"');
  });

  it('sees an edited file, and drops the entries no file uses any more', async () => {
    const { dir, cache } = await setup();
    await inspectConfig(dir, { env, cacheDir: cache });
    await writeFile(join(dir, 'aliases/ops/a3.yaml'), 'name: a3\naction_ref: ops.a3\ndescription: edited\nformats: ["check item3 {{host}}"]\n');
    const warm = await inspectConfig(dir, { env, cacheDir: cache });
    expect(warm.config.aliases.find((a) => a.id === 'ops.a3')?.description).toBe('edited');
    expect(warm).toStrictEqual(await inspectConfig(dir, { env, cacheDir: false }));
    const lines = files(await readFile(snapshotPath(cache, dir), 'utf8'));
    expect(lines).toHaveLength(2 * n);
    expect(lines.some((l) => l.includes('"edited"'))).toBe(true);
  });

  it('ignores a corrupt snapshot or entry and rewrites it', async () => {
    const { dir, cache } = await setup();
    const cold = await inspectConfig(dir, { env, cacheDir: false });
    await inspectConfig(dir, { env, cacheDir: cache });
    const file = snapshotPath(cache, dir);
    const good = await readFile(file, 'utf8');
    // one damaged entry (as long as it was: the index still fits), and one that is JSON but no file's
    // value: those files are parsed again
    const lines = good.split('\n');
    const damage = (i: number, json: string) => {
      const tab = lines[i]!.indexOf('\t');
      lines[i] = `${lines[i]!.slice(0, tab + 1)}${json.padEnd(lines[i]!.length - tab - 1)}`;
    };
    damage(5, '{"name": ');
    damage(6, 'null');
    await writeFile(file, lines.join('\n'));
    expect(await inspectConfig(dir, { env, cacheDir: cache })).toStrictEqual(cold);
    expect(await readFile(file, 'utf8')).toBe(good);
    // the other entries are still read: one changed (as long) shows
    await writeFile(file, lines.join('\n').replace('"item 7"', '"ITEM 7"'));
    const tampered = await inspectConfig(dir, { env, cacheDir: cache });
    expect(tampered.config.aliases.find((a) => a.id === 'ops.a7')?.description).toBe('ITEM 7');
    expect(tampered.config.actions).toStrictEqual(cold.config.actions);
    await writeFile(file, good);
    // garbage, and a snapshot cut short
    for (const bad of ['\u0000garbage\nx\ty', good.slice(0, good.length / 2), `${good}x\ty\n`]) {
      await writeFile(file, bad);
      expect(await inspectConfig(dir, { env, cacheDir: cache })).toStrictEqual(cold);
      expect(await readFile(file, 'utf8')).toBe(good);
    }
  });

  it('loads as usual when the cache folder cannot be written', async () => {
    const { dir, cache } = await setup();
    const cold = await inspectConfig(dir, { env, cacheDir: false });
    // a file where the cache folder should be
    const blocked = join(cache, 'not-a-folder');
    await writeFile(blocked, 'x');
    expect(await inspectConfig(dir, { env, cacheDir: join(blocked, 'sub') })).toStrictEqual(cold);
    expect(await readdir(cache)).toEqual(['not-a-folder']);
  });

  it('takes its folder from the environment; off turns it off', () => {
    expect(cacheDirFromEnv({ SWITCHBOARD_CACHE_DIR: 'off', XDG_CACHE_HOME: '/x' })).toBeUndefined();
    expect(cacheDirFromEnv({ SWITCHBOARD_CACHE_DIR: '/var/cache/sb' })).toBe('/var/cache/sb');
    expect(cacheDirFromEnv({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/switchboard');
    expect(cacheDirFromEnv({ HOME: process.env.HOME })).toMatch(/\.cache\/switchboard$/);
  });

  it('keeps no snapshot for a small folder', async () => {
    const dir = await writeConfig({ 'switchboard.yaml': 'server: { port: 8080 }\n', 'aliases/a.yaml': 'name: a\naction_ref: core.noop\nformats: [a]\n' });
    const cache = await mkdtemp(join(tmpdir(), 'sb-cache-'));
    dirs.push(dir, cache);
    await inspectConfig(dir, { env, cacheDir: cache });
    expect(await readdir(cache)).toEqual([]);
  });
});
