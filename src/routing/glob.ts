/**
 * Shell-style globs for rule conditions: `*` any run of characters (dots included, so `ops.*`
 * matches `ops.restart` and `ops.db.backup`), `?` one character, everything else literal and
 * case-sensitive. Compiled regexes are cached; patterns come from config, so the cache is bounded
 * by the config's size.
 */
const cache = new Map<string, RegExp>();

function compileGlob(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  // 1. escape every regex metacharacter except the glob ones, 2. map `*` and `?`, 3. anchor.
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  re = new RegExp(`^${body}$`, 's');
  cache.set(pattern, re);
  return re;
}

/**
 * @example
 * matchGlob('ops.*', 'ops.restart') // true
 * matchGlob('ops.*', 'db.backup')   // false
 * matchGlob('failed', 'failed')     // true
 */
export function matchGlob(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  return compileGlob(pattern).test(value);
}
