/**
 * Renders a command from a format: placeholders are filled from `values`, and the regex around
 * them is turned into one text it matches (first alternative, one repetition, optional parts only
 * when they hold a value). Used by property tests, sample commands and overlap checks.
 */
import { RE2JS } from 're2js';
import { parseFormat, type FormatNode } from './parse-format.ts';

const CLASS_CANDIDATES = 'xaA0-_.:/ ,!@#+=~';

/**
 * Fills a format's placeholders. A placeholder with no value takes its default, else its own name;
 * an optional part (`(...)?`, `{{p=default}}`) appears only when one of its placeholders has a value.
 * Values are inserted verbatim (quote them yourself when they hold blanks).
 *
 * @example
 * renderFormat('deploy {{app}}( to {{env}})?', { app: 'web', env: 'prod' }) // 'deploy web to prod'
 * renderFormat('(show|sh) ip route', {})                                     // 'show ip route'
 */
export function renderFormat(format: string, values: Record<string, string>): string {
  const parsed = parseFormat(format);
  return renderAlts(parsed.alts, values).trim();
}

function renderAlts(alts: FormatNode[][], values: Record<string, string>): string {
  const seq = alts.find((a) => hasValue(a, values)) ?? alts[0] ?? [];
  return renderSeq(seq, values);
}

function renderSeq(seq: FormatNode[], values: Record<string, string>): string {
  let out = '';
  seq.forEach((n, i) => {
    // 1. how many times: optional parts only when they carry a value, otherwise the minimum
    const min = minCount(n.q);
    const times = min > 0 ? min : hasValue([n], values) || (n.t === 'lit' && n.q !== '{0}') ? 1 : 0;
    for (let k = 0; k < times; k++) out += renderNode(n, values);
    // 2. an optional placeholder with no value drops the blank that separates it
    if (n.t === 'param' && n.def !== undefined && values[n.name] === undefined && seq[i - 1]?.t === 'blank') {
      out = out.replace(/ $/, '');
    }
  });
  return out;
}

function renderNode(n: FormatNode, values: Record<string, string>): string {
  switch (n.t) {
    case 'lit':
      return n.ch;
    case 'blank':
      return ' ';
    case 'param': {
      const v = values[n.name];
      if (v !== undefined) return v;
      return n.def !== undefined ? '' : n.name;
    }
    case 'group':
      return n.name && values[n.name] !== undefined ? values[n.name]! : renderAlts(n.alts, values);
    case 'raw':
      return renderRaw(n.src, n.kind);
  }
}

function renderRaw(src: string, kind: 'class' | 'any' | 'assert'): string {
  if (kind === 'assert') return '';
  if (kind === 'class' || src.startsWith('\\p') || src.startsWith('\\P') || src.startsWith('\\x')) {
    // 1. the first candidate the class accepts
    try {
      const re = RE2JS.compile(`^${src}$`);
      const first = kind === 'class' && /^\[[^\\^\]]/.test(src) ? src[1]! : '';
      for (const c of first + CLASS_CANDIDATES) if (re.test(c)) return c;
    } catch {
      return 'x';
    }
    return 'x';
  }
  const map: Record<string, string> = { '.': 'x', '\\d': '0', '\\D': 'x', '\\w': 'x', '\\W': '-', '\\s': ' ', '\\S': 'x' };
  return map[src] ?? (src === '\\n' ? '\n' : src === '\\t' ? '\t' : 'x');
}

function minCount(q: string | undefined): number {
  if (!q) return 1;
  if (q[0] === '?' || q[0] === '*') return 0;
  if (q[0] === '+') return 1;
  return Number(/^\{(\d+)/.exec(q)?.[1] ?? 1);
}

/** Whether a sequence holds a placeholder (or named group) that has a value. */
function hasValue(seq: FormatNode[], values: Record<string, string>): boolean {
  return seq.some(
    (n) =>
      (n.t === 'param' && values[n.name] !== undefined) ||
      (n.t === 'group' && ((n.name !== undefined && values[n.name] !== undefined) || n.alts.some((a) => hasValue(a, values)))),
  );
}
