/**
 * Calls `onChange` (debounced) when a config file changes: one non-recursive `fs.watch` per folder
 * the loader reads (src/config/files.ts), never the whole tree. A folder watch sees a file replaced
 * by an editor's atomic save (write a temporary file, rename it over the old one) as well as a new
 * or removed file; a watch on the file itself would keep watching the replaced inode and miss every
 * later change. `node_modules`, `.git`, the data folder (`.switchboard`) and anything else outside
 * the config folders hold no watch. Where `fs.watch` is not available, the files' mtimes are polled.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface ConfigWatcher {
  /** the folders watched now, relative to the config folder (`''` is the folder itself) */
  watched(): string[];
  close(): void;
}

export interface WatchOptions {
  /** quiet time after the last change before `onChange` runs (default 300 ms) */
  debounceMs?: number;
  /** poll interval when fs.watch is not available (default 2000 ms) */
  pollMs?: number;
}

/** The folders whose YAML files the loader reads; `packs`: one level of PACK folders too. */
const FOLDERS = [
  { name: 'aliases', packs: true },
  { name: 'actions', packs: true },
  { name: 'channels', packs: false },
  { name: 'rules', packs: false },
] as const;

/**
 * Only the files the loader reads (src/config/files.ts) trigger a reload: `switchboard.yaml` and the
 * YAML files (or folders) under aliases/, actions/, channels/, rules/. Anything else in the folder
 * (a `file` channel's outbox, local Redis data, editors' swap files) is left alone.
 */
export function isConfigPath(rel: string): boolean {
  const path = rel.split('\\').join('/');
  if (/^switchboard\.ya?ml$/.test(path)) return true;
  const m = /^(aliases|actions|channels|rules)(?:\/(.*))?$/.exec(path);
  if (!m) return false;
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base.startsWith('.') || base.endsWith('~') || base === 'node_modules') return false;
  return m[2] === undefined || /\.ya?ml$/.test(base) || !base.includes('.');
}

/** The folders to watch (relative): the config folder, each config folder present, their PACK folders. */
async function foldersToWatch(dir: string): Promise<string[]> {
  const out = [''];
  for (const f of FOLDERS) {
    const entries = await readdir(join(dir, f.name), { withFileTypes: true }).catch(() => undefined);
    if (!entries) continue;
    out.push(f.name);
    if (!f.packs) continue;
    for (const e of entries) {
      if (e.isDirectory() && isConfigPath(`${f.name}/${e.name}`)) out.push(`${f.name}/${e.name}`);
    }
  }
  return out;
}

/**
 * @example
 * const w = watchConfig(dir, () => void reload());
 * await w.ready;
 * process.on('exit', () => w.close());
 */
export function watchConfig(dir: string, onChange: () => void, opts: WatchOptions = {}): ConfigWatcher & { ready: Promise<void> } {
  const debounceMs = opts.debounceMs ?? 300;
  const watchers = new Map<string, FSWatcher>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let syncing: Promise<void> = Promise.resolve();

  /** Opens a watch on each folder to watch and closes those gone (a folder created, renamed, removed). */
  const sync = () =>
    (syncing = syncing.then(async () => {
      const want = new Set(await foldersToWatch(dir).catch(() => ['']));
      if (closed) return;
      for (const [rel, w] of watchers) {
        if (!want.has(rel)) {
          w.close();
          watchers.delete(rel);
        }
      }
      for (const rel of want) {
        if (watchers.has(rel)) continue;
        try {
          const w = watch(join(dir, rel), { persistent: false }, (_event, name) => {
            if (name === null || isConfigPath(rel ? `${rel}/${name}` : String(name))) trigger();
          });
          // the folder went away: drop its watch; the next sync opens it again if it comes back
          w.on('error', () => {
            w.close();
            if (watchers.get(rel) === w) watchers.delete(rel);
            trigger();
          });
          watchers.set(rel, w);
        } catch {
          /* removed since it was listed */
        }
      }
    }));

  const trigger = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    // the set of folders may have changed (a new PACK folder): watch it before the reload reads it
    timer = setTimeout(() => void sync().then(() => closed || onChange()), debounceMs);
    timer.unref();
  };

  let fallback: NodeJS.Timeout | undefined;
  const ready = sync().then(() => {
    if (watchers.has('') || closed) return;
    // no fs.watch here: poll the files' mtimes
    let last = '';
    fallback = setInterval(() => {
      void fingerprint(dir).then(
        (f) => {
          if (last !== '' && f !== last) trigger();
          last = f;
        },
        () => undefined,
      );
    }, opts.pollMs ?? 2000);
    fallback.unref();
  });

  return {
    ready,
    watched: () => [...watchers.keys()].sort(),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (fallback) clearInterval(fallback);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

async function fingerprint(dir: string, rel = ''): Promise<string> {
  const parts: string[] = [];
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${e.name}` : e.name;
    if (!isConfigPath(name)) continue;
    if (e.isDirectory()) parts.push(await fingerprint(dir, name));
    else parts.push(`${name}:${(await stat(join(dir, name))).mtimeMs}`);
  }
  return parts.join('|');
}
