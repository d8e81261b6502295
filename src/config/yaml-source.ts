/**
 * One parsed YAML config file: its data with `${VAR}` expanded, and a way back from a value's path
 * to its `line:col`, so every diagnostic points at what the user wrote.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { expandEnv, type Env } from './env.ts';
import { fastYaml } from './yaml-fast.ts';
import { locateInText } from './yaml-locate.ts';
import type { Diagnostic, SourcePosition } from './types.ts';

export type PathSegment = string | number;

/** Where a path points, and the path as written (e.g. `on-failure` where the schema says `on_failure`). */
export interface Located extends SourcePosition {
  path: string;
}

export interface YamlSource {
  /** relative to the config folder, `/`-separated */
  file: string;
  /**
   * plain JS data, env-expanded; undefined when the file could not be parsed (and once parse-file.ts
   * has validated it: the validated value is what is kept)
   */
  data: unknown;
  /** what could be read of a file with YAML errors (may be incomplete), else `data` */
  partial: unknown;
  /** dotted paths of scalars written as one `${...}` and nothing else (candidates for number/boolean) */
  readonly expandedWhole: ReadonlySet<string>;
  /** path (joined by `.`) -> the environment values `${VAR}` put into that string */
  readonly substituted: ReadonlyMap<string, string[]>;
  /** dotted paths of scalars naming a missing variable: already reported, so not validated further */
  readonly unresolved: ReadonlySet<string>;
  /** position of the value at `path` (or of the closest existing parent) */
  at(path: readonly PathSegment[]): Located;
  /** position of the key at `path` (for unknown-key reports) */
  keyAt(path: readonly PathSegment[]): Located;
}

/** Alternative spellings tried when a schema key is not written as such. */
function spellings(key: string): string[] {
  const out = [key, key.replace(/_/g, '-')];
  if (key === 'channels') out.push('routes');
  return out;
}

/** A hint for the YAML mistakes people make most. */
const yamlHints: Record<string, string> = {
  BLOCK_AS_IMPLICIT_KEY: ' (quote a value that contains ": ")',
  TAB_AS_INDENT: ' (indent with spaces)',
};

/** Reads and parses one file; YAML syntax errors and missing variables become diagnostics. */
export interface YamlReadOptions {
  /** decides from the unexpanded data whether `${VAR}` is expanded (StackStorm files are not) */
  expand?: (raw: unknown) => boolean;
}

export async function readYamlSource(
  absPath: string,
  file: string,
  env: Env,
  opts: YamlReadOptions = {},
): Promise<{ source: YamlSource; diagnostics: Diagnostic[] }> {
  const text = await readFile(absPath, 'utf8');
  return parseYamlSource(text, file, env, opts);
}

/** `yaml`'s document of `text`, with its nodes' positions. */
function positioned(text: string, file: string): { doc: Document; pos: (offset: number) => SourcePosition } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const pos = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  return { doc, pos };
}

/**
 * Parses one file. Most files are read by the fast reader (yaml-fast.ts: no nodes, no positions),
 * and `yaml` parses such a file again only when a diagnostic asks where a value is; every other
 * file (YAML errors, `${VAR}` to expand, anchors, tags...) is parsed by `yaml` with its positions.
 */
export function parseYamlSource(
  text: string,
  file: string,
  env: Env,
  opts: YamlReadOptions = {},
  /** the file's absolute path: a fast-read source keeps it instead of the text (see {@link FastSource}) */
  abs?: string,
): { source: YamlSource; diagnostics: Diagnostic[] } {
  const data = fastYaml(text, opts.expand);
  if (data === undefined) return parseWithPositions(text, file, env, opts);
  return { source: new FastSource(file, abs ?? text, data, abs !== undefined), diagnostics: [] };
}

/** Whether `source` was read by the fast reader: nothing in it came from the environment (load-cache.ts caches only those). */
export function isFastSource(source: YamlSource): boolean {
  return source instanceof FastSource;
}

/** The source of a file whose validated value came from the load snapshot cache: positions only, from its text. */
export function cachedSource(file: string, text: string, abs?: string): YamlSource {
  return new FastSource(file, abs ?? text, undefined, abs !== undefined);
}

const noPaths: ReadonlySet<string> = new Set();
const noValues: ReadonlyMap<string, string[]> = new Map();

/**
 * A file the fast reader read: nothing expanded (so no paths to note: one shared empty set for
 * all), and its text kept to be parsed by `yaml` with positions when a diagnostic asks where a
 * value is. One class, no closures per file: a load holds one per file until it ends.
 */
class FastSource implements YamlSource {
  readonly expandedWhole = noPaths;
  readonly substituted = noValues;
  readonly unresolved = noPaths;
  partial: unknown;
  #parsed: ReturnType<typeof positioned> | undefined;

  /** the text, or (`#reread`) the file's absolute path */
  #text: string;
  #reread: boolean;

  constructor(
    readonly file: string,
    textOrPath: string,
    public data: unknown,
    reread = false,
  ) {
    this.partial = data;
    this.#text = textOrPath;
    this.#reread = reread;
  }

  /**
   * Given a path, the text is read again on the first position asked: most files of a large
   * config are never asked one, and a load holding every file's source would hold every text
   * (about 14 MB for 10,000 aliases and their actions). A file changed since gives its new text's
   * positions; a file gone since reads as empty.
   */
  private get text(): string {
    if (this.#reread) {
      this.#reread = false;
      try {
        this.#text = readFileSync(this.#text, 'utf8');
      } catch {
        this.#text = '';
      }
    }
    return this.#text;
  }

  at(path: readonly PathSegment[]): Located {
    return this.#locate(path, false);
  }

  keyAt(path: readonly PathSegment[]): Located {
    return this.#locate(path, true);
  }

  #locate(path: readonly PathSegment[], wantKey: boolean): Located {
    // most paths are found in the text itself (yaml-locate.ts); `yaml` parses the file only when that is unsure
    if (!this.#parsed) {
      const found = locateInText(this.text, path, wantKey);
      if (found) return { file: this.file, line: found.line, col: found.col, path: found.path };
    }
    this.#parsed ??= positioned(this.text, this.file);
    return locateIn(this.#parsed.doc, path, wantKey, this.#parsed.pos, this.file);
  }
}

/** Parses one file with `yaml`: its syntax errors and warnings, `${VAR}` expanded, positions kept. */
function parseWithPositions(text: string, file: string, env: Env, opts: YamlReadOptions): { source: YamlSource; diagnostics: Diagnostic[] } {
  const { doc, pos } = positioned(text, file);
  const diagnostics: Diagnostic[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    diagnostics.push({
      ...pos(e.pos[0]),
      path: '',
      message: `yaml: ${e.message}${yamlHints[e.code] ?? ''}`,
      severity: doc.errors.includes(e as never) ? 'error' : 'warning',
    });
  }
  const expandedWhole = new Set<string>();
  const substituted = new Map<string, string[]>();
  const unresolved = new Set<string>();
  const parsed = doc.errors.length === 0;
  // a text with no `$` (nor a `\` escape that could make one) has nothing to expand: skip the walk
  const mayExpand = text.includes('$') || text.includes('\\');
  if (parsed && mayExpand && (opts.expand?.(doc.toJS({ maxAliasCount: 1000 })) ?? true))
    expandNode(doc.contents as Node | null, [], env, { expandedWhole, unresolved, substituted }, pos, diagnostics);
  const data = parsed ? doc.toJS({ maxAliasCount: 1000 }) : undefined;
  let partial: unknown = data;
  if (!parsed) {
    try {
      partial = doc.toJS({ maxAliasCount: 1000 });
    } catch {
      partial = undefined;
    }
  }
  const locate = (path: readonly PathSegment[], wantKey: boolean): Located => locateIn(doc, path, wantKey, pos, file);
  return {
    source: { file, data, partial, expandedWhole, substituted, unresolved, at: (p) => locate(p, false), keyAt: (p) => locate(p, true) },
    diagnostics,
  };
}

function expandNode(
  node: Node | null,
  path: PathSegment[],
  env: Env,
  seen: { expandedWhole: Set<string>; unresolved: Set<string>; substituted: Map<string, string[]> },
  pos: (offset: number) => SourcePosition,
  diagnostics: Diagnostic[],
): void {
  if (node === null) return;
  if (isScalar(node)) {
    if (typeof node.value !== 'string') return;
    const result = expandEnv(node.value, env);
    if (!result.ok) {
      seen.unresolved.add(path.join('.'));
      for (const name of result.missing) {
        diagnostics.push({
          ...pos(node.range?.[0] ?? 0),
          path: path.join('.'),
          message: `environment variable ${name} is not set (write \${${name}:-default} for a default)`,
          severity: 'error',
        });
      }
      return;
    }
    if (!result.changed) return;
    if (/^\$\{[^}]*\}$/.test(node.value)) seen.expandedWhole.add(path.join('.'));
    if (result.substituted) seen.substituted.set(path.join('.'), result.substituted);
    node.value = result.value;
    return;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      expandNode(pair.value as Node | null, [...path, key], env, seen, pos, diagnostics);
    }
    return;
  }
  if (isSeq(node)) node.items.forEach((item, i) => expandNode(item as Node | null, [...path, i], env, seen, pos, diagnostics));
}

/** Where `yaml` places paths in `text` (what {@link YamlSource.at}/`keyAt` answer), parsed once: for tests of yaml-locate.ts. */
export function yamlLocator(text: string, file: string): (path: readonly PathSegment[], wantKey: boolean) => Located {
  const { doc, pos } = positioned(text, file);
  return (path, wantKey) => locateIn(doc, path, wantKey, pos, file);
}

function locateIn(doc: Document, path: readonly PathSegment[], wantKey: boolean, pos: (offset: number) => SourcePosition, file: string): Located {
  let node = doc.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  const written: string[] = [];
  let i = 0;
  for (; i < path.length && node; i++) {
    const seg = path[i] as PathSegment;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = spellings(String(seg))
        .map((k) => (node && isMap(node) ? node.items.find((p) => isScalar(p.key) && String(p.key.value) === k) : undefined))
        .find((p) => p !== undefined);
      if (!pair) break;
      const key = pair.key as Node;
      written.push(String((key as { value?: unknown }).value));
      const value = pair.value as Node | null;
      offset = (last && wantKey) || !value?.range ? (key.range?.[0] ?? offset) : value.range[0];
      node = value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      written.push(String(seg));
      node = node.items[seg] as Node;
      offset = node.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  const rest = path.slice(i).map(String);
  const p = pos(offset);
  return { file, line: p.line, col: p.col, path: [...written, ...rest].join('.') };
}
