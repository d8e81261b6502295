/**
 * Every relative link of the repository's Markdown docs leads somewhere: the file exists and, for
 * `file.md#anchor`, a heading of that file makes that anchor (GitHub's slugs). Source comments may
 * cite only docs of the repository itself, never design files outside it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const pages = ['README.md', 'ARCHITECTURE.md', 'CONTRIBUTING.md', ...walk('docs').filter((f) => f.endsWith('.md'))];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

/** GitHub's heading anchor: lower case, punctuation but `-` and `_` dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*]/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = slug(m[1] ?? '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe('docs links', () => {
  it.each(pages)('%s: every relative link resolves', (page) => {
    const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const href = m[1] ?? '';
      if (/^[a-z]+:/i.test(href)) continue; // https:, mailto:
      const [path = '', anchor] = href.split('#');
      const target = path === '' ? join(root, page) : resolve(dirname(join(root, page)), path);
      if (!existsSync(target)) {
        broken.push(`${href}: no such file`);
        continue;
      }
      if (anchor && target.endsWith('.md') && !anchors(target).has(anchor)) broken.push(`${href}: no heading makes #${anchor} in ${relative(root, target)}`);
    }
    expect(broken).toEqual([]);
  });

  it('source comments cite no design file outside the repository', () => {
    const cited: string[] = [];
    for (const file of [...walk('src'), ...walk('test')].filter((f) => f.endsWith('.ts'))) {
      const lines = readFileSync(join(root, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (/\b(DESIGN|STYLE|PROTOCOLS|ANCHORS|SECURITY-REVIEW)\.md\b/.test(line)) cited.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(cited).toEqual([]);
  });
});
