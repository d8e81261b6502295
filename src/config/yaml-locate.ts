/**
 * Where a value of a file the fast reader (yaml-fast.ts) read is, found in the text itself: the same
 * `line:col` and written path `yaml` gives (yaml-source.ts `locateIn`), without parsing the whole file
 * again with `yaml` (that second parse was most of what a diagnostic cost: a StackStorm corpus of
 * thousands of files has a template warning in hundreds of them).
 *
 * It walks only the path asked for, line by line, through block mappings, block sequences and
 * one-line flow sequences of scalars, with plain keys of letters, digits and `_-./ ` or simple quoted
 * keys. Whenever the text holds anything else on the way (a flow mapping, an empty value, a key it
 * does not read the way `yaml` would, a CR or a BOM...) it answers `undefined` and the caller asks
 * `yaml`. test/unit/config/yaml-locate.test.ts compares both on every path of every fixture file.
 */
import type { PathSegment } from './yaml-source.ts';

/** A position as `yaml` gives it (1-based) and the path as written. */
export interface TextLocation {
  line: number;
  col: number;
  path: string;
}

/** Thrown inside the walk when the text is not one it reads for sure: the caller falls back to `yaml`. */
class Unsure extends Error {}

const unsure = (): never => {
  throw new Unsure();
};

/** A node's first character: a line index and a column (0-based). */
interface At {
  line: number;
  col: number;
}

interface Entry {
  key: string;
  keyAt: At;
  value: At;
}

type Node = { kind: 'map'; at: At } | { kind: 'seq'; at: At } | { kind: 'flowseq'; at: At } | { kind: 'scalar'; at: At };

/** Plain keys read as the same string by every YAML schema (no number, boolean or null look-alike). */
const plainKey = /^[A-Za-z_][\w\-./ ]*$/;
const notString = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

class Lines {
  readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get count(): number {
    return this.starts.length;
  }

  /** Offset of the end of line `i` (its `\n`, or the end of the text). */
  end(i: number): number {
    return i + 1 < this.starts.length ? this.starts[i + 1]! - 1 : this.text.length;
  }

  char(at: At): string {
    const o = this.starts[at.line]! + at.col;
    return o < this.end(at.line) ? this.text[o]! : '';
  }

  /** Leading spaces of line `i`, or -1 for a blank or comment-only line. */
  indent(i: number): number {
    const start = this.starts[i]!;
    const end = this.end(i);
    let j = start;
    while (j < end && this.text[j] === ' ') j++;
    return j === end || this.text[j] === '#' ? -1 : j - start;
  }

  /** The first line from `i` on that holds content, or `count`. */
  nextContent(i: number): number {
    while (i < this.count && this.indent(i) < 0) i++;
    return i;
  }
}

/** Whether the character after `col` on `line` ends an indicator (`-`, `:`): a space or the end of the line. */
function spaceOrEnd(lines: Lines, line: number, col: number): boolean {
  const c = lines.char({ line, col });
  return c === '' || c === ' ';
}

/** The column after the spaces from `col`, and whether the line ends there (or a comment starts). */
function skipSpaces(lines: Lines, line: number, col: number): { col: number; empty: boolean } {
  let c = col;
  while (lines.char({ line, col: c }) === ' ') c++;
  const ch = lines.char({ line, col: c });
  return { col: c, empty: ch === '' || ch === '#' };
}

/**
 * The key starting at `at`, if the line holds one there (`key:` followed by a space or the end of
 * the line), with where its value starts on that line; `undefined` when it is not a key. Throws
 * {@link Unsure} for a key it cannot read as `yaml` does.
 */
function readKey(lines: Lines, at: At): { key: string; after: number } | undefined {
  const { text } = lines;
  const start = lines.starts[at.line]! + at.col;
  const end = lines.end(at.line);
  const q = text[start];
  if (q === '"' || q === "'") {
    let j = start + 1;
    let key = '';
    for (; j < end; j++) {
      const ch = text[j]!;
      if (q === '"' && ch === '\\') return unsure();
      if (ch === q) {
        if (q === "'" && text[j + 1] === "'") {
          key += "'";
          j++;
          continue;
        }
        break;
      }
      key += ch;
    }
    if (j >= end) return undefined;
    let k = j + 1;
    while (k < end && text[k] === ' ') k++;
    if (text[k] !== ':' || !(k + 1 === end || text[k + 1] === ' ')) return undefined;
    return { key, after: k + 1 - lines.starts[at.line]! };
  }
  for (let j = start; j < end; j++) {
    const ch = text[j];
    if (ch === '#' && j > start && text[j - 1] === ' ') return undefined;
    if (ch === ':' && (j + 1 === end || text[j + 1] === ' ')) {
      const key = text.slice(start, j).trimEnd();
      if (!plainKey.test(key) || notString.test(key)) return unsure();
      return { key, after: j + 1 - lines.starts[at.line]! };
    }
  }
  return undefined;
}

/** What kind of node starts at `at`. */
function nodeAt(lines: Lines, at: At): Node {
  const ch = lines.char(at);
  if (ch === '-' && spaceOrEnd(lines, at.line, at.col + 1)) return { kind: 'seq', at };
  if (ch === '[') return { kind: 'flowseq', at };
  if (ch === '{' || ch === '?' || ch === '!' || ch === '&' || ch === '*' || ch === '%') return unsure();
  if (readKey(lines, at)) return { kind: 'map', at };
  return { kind: 'scalar', at };
}

/**
 * Where the value of a node whose indicator (`key:` or `-`) ends at `after` on `line` starts: on the
 * same line, or on a later line indented deeper than `indent` (or, in a mapping, a sequence at the
 * key's own indentation). An empty value (null) is {@link Unsure}: `yaml` places it by its own rules.
 */
function valueStart(lines: Lines, line: number, after: number, indent: number, inMap: boolean): At {
  const s = skipSpaces(lines, line, after);
  if (!s.empty) return { line, col: s.col };
  const next = lines.nextContent(line + 1);
  if (next >= lines.count) return unsure();
  const n = lines.indent(next);
  if (n > indent) return { line: next, col: n };
  if (inMap && n === indent && lines.char({ line: next, col: n }) === '-' && spaceOrEnd(lines, next, n + 1)) return { line: next, col: n };
  return unsure();
}

/** The content lines of the block starting at `at` that stand at its indentation, up to the first line indented less. */
function* blockLines(lines: Lines, at: At): Generator<number> {
  for (let line = at.line; line < lines.count; line = lines.nextContent(line + 1)) {
    const n = line === at.line ? at.col : lines.indent(line);
    if (n < at.col) return;
    if (n === at.col) yield line;
  }
}

/** Every entry of the block mapping whose first key is at `at`. */
function mapEntries(lines: Lines, at: At): Entry[] {
  const out: Entry[] = [];
  const indent = at.col;
  for (const line of blockLines(lines, at)) {
    const keyAt = { line, col: indent };
    // a sequence at the key's own indentation is the value of the key before it
    if (line !== at.line && lines.char(keyAt) === '-' && spaceOrEnd(lines, line, indent + 1)) continue;
    const key = readKey(lines, keyAt) ?? unsure();
    out.push({ key: key.key, keyAt, value: valueStart(lines, line, key.after, indent, true) });
  }
  return out;
}

/** The first character of every item of the block sequence whose first `-` is at `at`. */
function seqItems(lines: Lines, at: At): At[] {
  const out: At[] = [];
  const indent = at.col;
  for (const line of blockLines(lines, at)) {
    if (lines.char({ line, col: indent }) !== '-' || !spaceOrEnd(lines, line, indent + 1)) break;
    out.push(valueStart(lines, line, indent + 1, indent, false));
  }
  return out;
}

/** The first character of every item of the one-line flow sequence at `at` (scalars only). */
function flowItems(lines: Lines, at: At): At[] {
  const { text } = lines;
  const base = lines.starts[at.line]!;
  const end = lines.end(at.line);
  const out: At[] = [];
  let j = base + at.col + 1;
  for (;;) {
    while (j < end && text[j] === ' ') j++;
    if (j >= end) return unsure();
    if (text[j] === ']') return out;
    const start = j;
    const q = text[j];
    if (q === '[' || q === '{' || q === '?' || q === ',' || q === '#' || q === '!' || q === '&' || q === '*') return unsure();
    if (q === '"' || q === "'") {
      for (j++; j < end; j++) {
        if (q === '"' && text[j] === '\\') j++;
        else if (text[j] === q) {
          if (q === "'" && text[j + 1] === "'") j++;
          else break;
        }
      }
      if (j >= end) return unsure();
      j++;
    } else {
      while (j < end && text[j] !== ',' && text[j] !== ']') {
        // `a: b` in a flow sequence is a pair; ` #` a comment; brackets inside a plain scalar (`{{x}}`)
        // are read differently by different parsers
        if (text[j] === ':' && (text[j + 1] === ' ' || text[j + 1] === ',' || text[j + 1] === ']')) return unsure();
        if (text[j] === '#' && text[j - 1] === ' ') return unsure();
        if (text[j] === '[' || text[j] === '{' || text[j] === '}') return unsure();
        j++;
      }
    }
    while (j < end && text[j] === ' ') j++;
    if (text[j] === ':') return unsure();
    out.push({ line: at.line, col: start - base });
    if (text[j] === ',') j++;
    else if (text[j] !== ']') return unsure();
  }
}

/** The root node: the first content line after an optional `---`. */
function root(lines: Lines): At {
  let line = lines.nextContent(0);
  if (line >= lines.count) return unsure();
  const start = lines.starts[line]!;
  if (lines.text.startsWith('---', start)) {
    if (!skipSpaces(lines, line, 3).empty || !spaceOrEnd(lines, line, 3)) return unsure();
    line = lines.nextContent(line + 1);
    if (line >= lines.count) return unsure();
  }
  return { line, col: lines.indent(line) };
}

/** The spellings `yaml-source.ts` tries for a schema key, in its order. */
function spellings(key: string): string[] {
  const out = [key, key.replace(/_/g, '-')];
  if (key === 'channels') out.push('routes');
  return out;
}

/**
 * The position of the value at `path` (of its key when `wantKey`), or of the closest existing
 * parent, exactly as `yaml` would place it; `undefined` when the text holds something it does not
 * read for sure (then ask `yaml`).
 */
export function locateInText(text: string, path: readonly PathSegment[], wantKey: boolean): TextLocation | undefined {
  if (text.includes('\r') || text.includes('\ufeff') || text.includes('\t')) return undefined;
  try {
    const lines = new Lines(text);
    const start = root(lines);
    // `---` lines after the first, `...`: more than one document, or an end marker
    for (let i = start.line + 1; i < lines.count; i++) {
      const s = lines.starts[i]!;
      if ((text.startsWith('---', s) || text.startsWith('...', s)) && spaceOrEnd(lines, i, 3)) return undefined;
    }
    let node = nodeAt(lines, start);
    let pos = start;
    const written: string[] = [];
    let i = 0;
    for (; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (node.kind === 'map') {
        const entries = mapEntries(lines, node.at);
        let found: Entry | undefined;
        for (const k of spellings(String(seg))) {
          found = entries.find((e) => e.key === k);
          if (found) break;
        }
        if (!found) break;
        written.push(found.key);
        pos = last && wantKey ? found.keyAt : found.value;
        node = nodeAt(lines, found.value);
      } else if ((node.kind === 'seq' || node.kind === 'flowseq') && typeof seg === 'number') {
        const items = node.kind === 'seq' ? seqItems(lines, node.at) : flowItems(lines, node.at);
        const item = items[seg];
        if (!item) break;
        written.push(String(seg));
        pos = item;
        // a flow sequence holds scalars only (flowItems)
        node = node.kind === 'seq' ? nodeAt(lines, item) : { kind: 'scalar', at: item };
      } else {
        // a flow sequence is read in full even when the path stops at it, so one `yaml` reads otherwise is never answered for
        if (node.kind === 'flowseq') flowItems(lines, node.at);
        break;
      }
    }
    if (node.kind === 'flowseq') flowItems(lines, node.at);
    const rest = path.slice(i).map(String);
    return { line: pos.line + 1, col: pos.col + 1, path: [...written, ...rest].join('.') };
  } catch (e) {
    if (e instanceof Unsure) return undefined;
    throw e;
  }
}
