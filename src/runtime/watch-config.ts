/**
 * Calls `onChange` (debounced) when anything in the config folder changes: `fs.watch`, recursive
 * where the platform supports it (Linux since Node 20), else a poll of the files' mtimes.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface ConfigWatcher {
  close(): void;
}

export interface WatchOptions {
  /** quiet time after the last change before `onChange` runs (default 300 ms) */
  debounceMs?: number;
  /** poll interval when fs.watch is not available (default 2000 ms) */
  pollMs?: number;
}

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
  if (base.startsWith('.') || base.endsWith('~')) return false;
  return m[2] === undefined || /\.ya?ml$/.test(base) || !base.includes('.');
}

/** @example const w = watchConfig(dir, () => void reload()); process.on('exit', () => w.close()); */
export function watchConfig(dir: string, onChange: () => void, opts: WatchOptions = {}): ConfigWatcher {
  const debounceMs = opts.debounceMs ?? 300;
  let timer: NodeJS.Timeout | undefined;
  const trigger = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
    timer.unref();
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { recursive: true, persistent: false }, (_event, name) => {
      if (name === null || isConfigPath(String(name))) trigger();
    });
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined;
  }
  if (watcher) {
    const w = watcher;
    return { close: () => (timer && clearTimeout(timer), w.close()) };
  }
  let last = '';
  const poll = setInterval(() => {
    void fingerprint(dir).then((f) => {
      if (last !== '' && f !== last) trigger();
      last = f;
    }, () => undefined);
  }, opts.pollMs ?? 2000);
  poll.unref();
  return { close: () => (timer && clearTimeout(timer), clearInterval(poll)) };
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
