/**
 * Filters added to the one nunjucks environment so StackStorm (Jinja) formats from real packs render
 * unchanged: JSON/YAML helpers, regex helpers, and Jinja's `map` / `selectattr` with tests.
 */
import { stringify as toYaml } from 'yaml';

type Filter = (...args: never[]) => unknown;

const jsonOf = (value: unknown, indent?: number): string => JSON.stringify(value ?? null, null, indent) ?? 'null';

/** Jinja tests usable in `selectattr(attr, test, arg)` / `rejectattr`. */
const tests: Record<string, (v: unknown, arg?: unknown) => boolean> = {
  equalto: (v, a) => v === a,
  eq: (v, a) => v === a,
  '==': (v, a) => v === a,
  ne: (v, a) => v !== a,
  '!=': (v, a) => v !== a,
  defined: (v) => v !== undefined,
  undefined: (v) => v === undefined,
  none: (v) => v === null,
  truthy: (v) => Boolean(v),
  falsy: (v) => !v,
  in: (v, a) => (Array.isArray(a) || typeof a === 'string' ? a.includes(v as string) : false),
  gt: (v, a) => (v as number) > (a as number),
  lt: (v, a) => (v as number) < (a as number),
};

function attr(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function selectBy(keep: boolean) {
  return (arr: unknown, name: string, test?: string, arg?: unknown): unknown[] => {
    const list = Array.isArray(arr) ? arr : [];
    const check = test === undefined ? tests.truthy! : tests[test];
    if (!check) throw new Error(`unknown test ${test}`);
    return list.filter((item) => check(attr(item, name), arg) === keep);
  };
}

/** nunjucks passes keyword arguments as a trailing object marked `__keywords`. */
function kwargs(args: unknown[]): Record<string, unknown> {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  return last && typeof last === 'object' && last.__keywords ? last : {};
}

function regexOf(pattern: string, flags = ''): RegExp {
  return new RegExp(pattern, flags);
}

export const filters: Record<string, Filter> = {
  tojson: ((v: unknown, indent?: number) => jsonOf(v, indent)) as Filter,
  to_json_string: ((v: unknown, indent?: number) => jsonOf(v, indent)) as Filter,
  json_dump: ((v: unknown) => jsonOf(v)) as Filter,
  json: ((v: unknown) => jsonOf(v)) as Filter,
  from_json_string: ((v: string) => JSON.parse(v)) as Filter,
  to_yaml_string: ((v: unknown) => toYaml(v ?? null)) as Filter,
  yaml_dump: ((v: unknown) => toYaml(v ?? null)) as Filter,
  to_complex: ((v: string) => (typeof v === 'string' ? JSON.parse(v) : v)) as Filter,
  regex_replace: ((v: string, pattern: string, repl: string) => String(v ?? '').replace(regexOf(pattern, 'g'), repl.replace(/\\(\d)/g, '$$$1'))) as Filter,
  regex_match: ((v: string, pattern: string) => regexOf(`^(?:${pattern})`).test(String(v ?? ''))) as Filter,
  regex_search: ((v: string, pattern: string) => regexOf(pattern).test(String(v ?? ''))) as Filter,
  regex_substring: ((v: string, pattern: string, index = 0) => {
    const found = [...String(v ?? '').matchAll(regexOf(pattern, 'g'))];
    return found[index]?.[0] ?? '';
  }) as Filter,
  map: ((arr: unknown, ...rest: unknown[]) => {
    const list = Array.isArray(arr) ? arr : [];
    const kw = kwargs(rest);
    if (typeof kw.attribute === 'string') return list.map((x) => attr(x, kw.attribute as string));
    const name = rest[0];
    if (name === 'string') return list.map((x) => String(x));
    if (name === 'int') return list.map((x) => Number.parseInt(String(x), 10));
    if (name === 'upper') return list.map((x) => String(x).toUpperCase());
    if (name === 'lower') return list.map((x) => String(x).toLowerCase());
    return list;
  }) as Filter,
  selectattr: selectBy(true) as Filter,
  rejectattr: selectBy(false) as Filter,
  basename: ((v: string) =>
    String(v ?? '')
      .split('/')
      .pop() ?? '') as Filter,
  dirname: ((v: string) =>
    String(v ?? '')
      .split('/')
      .slice(0, -1)
      .join('/')) as Filter,
};
