/**
 * `${VAR}` and `${VAR:-default}` expansion for config strings. The environment is passed in; this is
 * the only place (with load.ts) that may fall back to `process.env`.
 */

export type Env = Record<string, string | undefined>;

export type Expansion =
  | { ok: true; value: string; changed: boolean /** the non-empty values taken from the environment */; substituted?: string[] }
  | { ok: false; missing: string[] };

const reference = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-((?:[^}\\]|\\.)*))?\}/g;

/**
 * Expands every `${VAR}` / `${VAR:-default}` in `text`; `$$` is a literal `$`.
 * A variable that is unset (or empty, with `:-`) takes its default; unset without default is missing.
 *
 * @example
 * expandEnv('redis://${HOST:-127.0.0.1}:6379', {}) // { ok: true, value: 'redis://127.0.0.1:6379', changed: true }
 */
export function expandEnv(text: string, env: Env): Expansion {
  if (!text.includes('$')) return { ok: true, value: text, changed: false };
  const missing: string[] = [];
  const substituted: string[] = [];
  let changed = false;
  const value = text.replace(reference, (whole, name: string | undefined, fallback: string | undefined) => {
    changed = true;
    if (whole === '$$') return '$';
    const set = env[name as string];
    if (fallback !== undefined && (set === undefined || set === '')) return fallback.replace(/\\(.)/g, '$1');
    if (set === undefined) {
      missing.push(name as string);
      return '';
    }
    if (set !== '') substituted.push(set);
    return set;
  });
  return missing.length > 0 ? { ok: false, missing } : { ok: true, value, changed, ...(substituted.length > 0 && { substituted }) };
}
