/**
 * The load snapshot cache: the validated value of each alias and action file, keyed by a hash of
 * the file's content (never its mtime) and the kind of file, so a restart or a reload of a large
 * config folder parses and validates only the files that changed. One snapshot per config folder
 * (named by a hash of its absolute path) in `SWITCHBOARD_CACHE_DIR`, else `$XDG_CACHE_HOME/switchboard`,
 * else `~/.cache/switchboard`; `SWITCHBOARD_CACHE_DIR=off` turns it off.
 *
 * Only what a file alone decides is cached, and only when nothing else goes into it (parse-file.ts
 * decides): a file read by the fast reader (so no `${VAR}` was expanded: no environment value), that
 * holds no secret and gave no diagnostic. Every check across files (duplicates, references,
 * templates, formats) runs on every load, cached or not, so a warm load gives the same config and
 * diagnostics as a cold one. The snapshot is rewritten when a load used entries it did not hold (or
 * left some unused); an unreadable, corrupt or stale snapshot is ignored, an unwritable one skipped
 * (`NODE_DEBUG=switchboard` says why).
 */
import { createHash, hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { debuglog } from 'node:util';
import { z } from 'zod';
import { actionSchema, aliasSchema } from './schema.ts';

const debug = debuglog('switchboard');

/**
 * Bump when what an entry holds changes in a way the header below does not see (code outside
 * src/config that decides an entry). The header holds this, the package version, the versions of
 * the libraries that read files and templates, a hash of the alias and action schemas (their JSON
 * Schema: fields, types, defaults) and a hash of the loader's code (every file of src/config), so a
 * release, an upgraded dependency or an edited loader never reads another's snapshot.
 */
const CACHE_FORMAT = 1;

/** The libraries whose reading decides an entry: the YAML readers, the validator, the template compiler. */
const libraries = ['js-yaml', 'yaml', 'zod', 'nunjucks'];

/** Folders with fewer alias and action files than this load in milliseconds: no snapshot for them. */
export const MIN_CACHED_FILES = 100;

function version(packageJson: () => string): string {
  try {
    return (JSON.parse(readFileSync(packageJson(), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

let versions: string | undefined;

/** Switchboard's version, its libraries', and the schemas' hash, found once. */
function allVersions(): string {
  const require = createRequire(import.meta.url);
  versions ??= [
    version(() => fileURLToPath(new URL('../../package.json', import.meta.url))),
    ...libraries.map((lib) => `${lib}@${version(() => require.resolve(`${lib}/package.json`))}`),
    `schemas@${schemasHash()}`,
    `code@${codeHash()}`,
  ].join(' ');
  return versions;
}

/**
 * A hash of the loader's own code: every file of this folder (src/config, or dist/config once
 * compiled), so an edited loader, reader or schema never reads a snapshot an older one wrote, even
 * under the same version (a developer's tree). A millisecond or two, once per process.
 */
function codeHash(): string {
  try {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const h = createHash('sha256');
    for (const name of readdirSync(dir).sort()) {
      if (!/\.(?:ts|js|mjs)$/.test(name)) continue;
      h.update(name).update(readFileSync(join(dir, name)));
    }
    return h.digest('base64').slice(0, 16);
  } catch {
    return 'unknown';
  }
}

/** A hash of the alias and action schemas as JSON Schema (a few milliseconds, once per process). */
function schemasHash(): string {
  try {
    const text = JSON.stringify([aliasSchema, actionSchema].map((schema) => z.toJSONSchema(schema, { unrepresentable: 'any' })));
    return hash('sha256', text, 'base64').slice(0, 16);
  } catch {
    return 'unknown';
  }
}

const newline = Buffer.from('\n');

/** Counts saves, so two loads of one folder in one process never write the same temporary file. */
let saves = 0;

const header = (root: string) => JSON.stringify({ format: CACHE_FORMAT, versions: allVersions(), dir: root });

/**
 * The cache folder the environment names: `SWITCHBOARD_CACHE_DIR` (`off`: none), else
 * `$XDG_CACHE_HOME/switchboard`, else `~/.cache/switchboard`.
 */
export function cacheDirFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.SWITCHBOARD_CACHE_DIR;
  if (set === 'off') return undefined;
  if (set) return set;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'switchboard');
}

/** The snapshot file of config folder `root` in cache folder `dir`. */
export function snapshotPath(dir: string, root: string): string {
  return join(dir, `config-${hash('sha256', root, 'hex').slice(0, 16)}.snapshot`);
}

/** How much of the snapshot is read at a time: entries are read in the order they were written, mostly. */
const windowSize = 1 << 18;

/** A bad snapshot: read no further (every file is parsed, and the snapshot rewritten). */
class Corrupt extends Error {}

/**
 * The snapshot of one config folder, for one load: entries are looked up by {@link key} and
 * written back by {@link save}; {@link close} ends it. The file is a header line, an index line (a
 * JSON list of `[KEY, BYTES]`, in the order of the entries), then one `KEY<TAB>JSON` line per entry
 * (JSON holds no raw newline). Entries are read from the open file a window at a time, when a file
 * asks for them (a snapshot of a large folder is megabytes: held whole, it would add that much to
 * the peak memory of the load), and checked against their key.
 */
export class LoadCache {
  /** the open snapshot (undefined: none) */
  #fd: number | undefined;
  /** entries of the snapshot: key -> [start, end) of its line in the file */
  readonly #old: Map<string, [number, number]>;
  /** entries of this load: key -> the JSON of a new entry, or where the line of an old one is */
  readonly #now = new Map<string, Buffer | [number, number]>();
  #window: Buffer = Buffer.alloc(0);
  #windowAt = 0;
  #changed = false;

  private constructor(
    readonly file: string,
    readonly root: string,
    fd: number | undefined,
    old: Map<string, [number, number]>,
  ) {
    this.#fd = fd;
    this.#old = old;
  }

  /** Opens the snapshot of `root` in cache folder `dir`: empty when there is none, or it is unreadable, corrupt or stale. */
  static async open(dir: string, root: string): Promise<LoadCache> {
    const file = snapshotPath(dir, root);
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') debug('config cache %s not read: %s', file, (e as Error).message);
      return new LoadCache(file, root, undefined, new Map());
    }
    try {
      // its values are trusted as validated: only a snapshot this user wrote, which no one else can
      // write (a shared or world-writable cache folder must not let another user plant an action)
      const st = fstatSync(fd);
      if ((process.getuid && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) throw new Corrupt('not owned by this user, or writable by others');
      return new LoadCache(file, root, fd, readIndex(fd, root));
    } catch (e) {
      closeSync(fd);
      debug('config cache %s is stale or corrupt: rewritten (%s)', file, (e as Error).message);
      return new LoadCache(file, root, undefined, new Map());
    }
  }

  /** The key of a file of `kind` (the loader: `alias`, `action`) holding `text`. */
  key(kind: string, text: string): string {
    return `${kind}:${hash('sha256', text, 'base64')}`;
  }

  /** Bytes `[from, to)` of the snapshot, through the window (valid until the next read). */
  #read(from: number, to: number): Buffer {
    if (from < this.#windowAt || to > this.#windowAt + this.#window.length) {
      if (this.#fd === undefined) throw new Corrupt('closed');
      const window = Buffer.allocUnsafe(Math.max(windowSize, to - from));
      const n = readSync(this.#fd, window, 0, window.length, from);
      this.#window = window.subarray(0, n);
      this.#windowAt = from;
      if (to > from + n) throw new Corrupt('cut short');
    }
    return this.#window.subarray(from - this.#windowAt, to - this.#windowAt);
  }

  /** The JSON of the old entry `key` whose line is at `[start, end)`, checked against its key. */
  #oldJson(key: string, [start, end]: [number, number]): Buffer {
    const line = this.#read(start, end);
    if (line.toString('latin1', 0, key.length) !== key || line[key.length] !== 9 || line[line.length - 1] !== 10) throw new Corrupt(`entry ${key}`);
    return line.subarray(key.length + 1, line.length - 1);
  }

  /** The cached value under `key` (a fresh copy), or undefined. */
  get(key: string): unknown {
    const entry = this.#now.get(key) ?? this.#old.get(key);
    if (entry === undefined) return undefined;
    try {
      const value: unknown = JSON.parse((Buffer.isBuffer(entry) ? entry : this.#oldJson(key, entry)).toString('utf8'));
      this.#now.set(key, entry);
      return value;
    } catch {
      // a damaged entry: the file is parsed again, and its entry rewritten
      this.#changed = true;
      return undefined;
    }
  }

  /**
   * `compute(text)`, cached under `kind` and `text` (a pure function of the text: a template's
   * syntax error). `undefined` is cached as no answer (JSON `null`).
   */
  memo(kind: string, text: string, compute: (text: string) => string | undefined): string | undefined {
    const key = this.key(kind, text);
    const cached = this.get(key);
    if (typeof cached === 'string') return cached;
    if (cached === null) return undefined;
    const answer = compute(text);
    this.put(key, answer ?? null);
    return answer;
  }

  /** Caches `value` (JSON-safe: a validated file) under `key`. */
  put(key: string, value: unknown): void {
    this.#now.set(key, Buffer.from(JSON.stringify(value)));
    this.#changed = true;
  }

  /**
   * Writes the entries this load used, when they differ from the snapshot's (new entries, or some
   * no longer used: the snapshot never grows past the folder), then closes the snapshot. Atomic (a
   * temporary file renamed), so a concurrent load reads either snapshot whole; a failure is only
   * logged (debug).
   */
  async save(): Promise<void> {
    if (!this.#changed && this.#now.size === this.#old.size) return this.close();
    const tmp = `${this.file}.${process.pid}.${++saves}.tmp`;
    let out: number | undefined;
    try {
      await mkdir(join(this.file, '..'), { recursive: true, mode: 0o700 });
      // the JSON of every entry first (an old entry found damaged now is left out)
      const entries: [string, Buffer | [number, number]][] = [];
      for (const [key, entry] of this.#now) {
        if (!Buffer.isBuffer(entry)) {
          try {
            this.#oldJson(key, entry);
          } catch {
            continue;
          }
        }
        entries.push([key, entry]);
      }
      const index = entries.map(([key, e]) => [key, Buffer.isBuffer(e) ? e.length : e[1] - e[0] - key.length - 2]);
      out = openSync(tmp, 'w', 0o600);
      writeSync(out, `${header(this.root)}\n${JSON.stringify(index)}\n`);
      // in batches: the snapshot is never all in memory at once
      let batch: Buffer[] = [];
      let size = 0;
      for (const [key, entry] of entries) {
        const line = Buffer.isBuffer(entry) ? Buffer.concat([Buffer.from(`${key}\t`), entry, newline]) : Buffer.from(this.#read(entry[0], entry[1]));
        batch.push(line);
        size += line.length;
        if (size >= windowSize) {
          writeSync(out, Buffer.concat(batch));
          batch = [];
          size = 0;
        }
      }
      if (batch.length > 0) writeSync(out, Buffer.concat(batch));
      closeSync(out);
      out = undefined;
      await rename(tmp, this.file);
    } catch (e) {
      debug('config cache %s not written: %s', this.file, (e as Error).message);
      if (out !== undefined) closeSync(out);
      await unlink(tmp).catch(() => {});
    } finally {
      this.close();
    }
  }

  /** Closes the snapshot (a load that ends early, with an error, calls this; {@link save} does). */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#window = Buffer.alloc(0);
  }
}

/** The entries of the snapshot open as `fd`, by key: where each line is. Throws when it is another's, stale or cut short. */
function readIndex(fd: number, root: string): Map<string, [number, number]> {
  const chunks: Buffer[] = [];
  let pos = 0;
  const newlines: number[] = [];
  // the header and the index lines
  while (newlines.length < 2) {
    const chunk = Buffer.allocUnsafe(windowSize);
    const n = readSync(fd, chunk, 0, chunk.length, pos);
    if (n === 0) throw new Corrupt('no index');
    for (let i = chunk.indexOf(10); i >= 0 && i < n && newlines.length < 2; i = chunk.indexOf(10, i + 1)) newlines.push(pos + i);
    chunks.push(chunk.subarray(0, n));
    pos += n;
  }
  const head = Buffer.concat(chunks);
  if (head.toString('utf8', 0, newlines[0]) !== header(root)) throw new Corrupt('another version or folder');
  const index = JSON.parse(head.toString('utf8', newlines[0]! + 1, newlines[1])) as unknown;
  if (!Array.isArray(index)) throw new Corrupt('index');
  const old = new Map<string, [number, number]>();
  let at = newlines[1]! + 1;
  for (const item of index) {
    if (!Array.isArray(item) || typeof item[0] !== 'string' || !Number.isInteger(item[1]) || item[1] < 0) throw new Corrupt('index');
    const [key, bytes] = item as [string, number];
    // KEY, a tab, the JSON, a newline (keys are ASCII: a kind and base64)
    const end = at + key.length + 1 + bytes + 1;
    old.set(key, [at, end]);
    at = end;
  }
  if (at !== fstatSync(fd).size) throw new Corrupt('cut short or too long');
  return old;
}
