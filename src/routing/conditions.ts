/**
 * A rule's `when`: every key must hold; a list value holds when any element does; strings are
 * globs. Keys: `status`, `action`, `alias`, `user`, `trigger`, `source` (the origin's medium) and
 * `data.<dot path>` into the notification's rendered data (a nested `data: {severity: x}` map is
 * read as `data.severity: x`).
 */
import type { Notification } from '../notify/types.ts';
import { matchGlob } from './glob.ts';

/** The condition keys besides `data.<path>`. */
export const conditionKeys = ['status', 'action', 'alias', 'user', 'trigger', 'source'] as const;
type ConditionKey = (typeof conditionKeys)[number];

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The conditions as `[key, expected]` pairs, nested `data` maps flattened to dot paths.
 *
 * @example
 * flattenWhen({ status: 'failed', data: { severity: 'critical' } }) // [['status', 'failed'], ['data.severity', 'critical']]
 */
export function flattenWhen(when: Record<string, unknown> | undefined): [string, unknown][] {
  const out: [string, unknown][] = [];
  const walk = (prefix: string, value: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(value)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if ((key === 'data' || key.startsWith('data.')) && isPlainObject(v)) walk(key, v);
      else out.push([key, v]);
    }
  };
  if (when) walk('', when);
  return out;
}

/**
 * Keys of `when` that no condition reads (for config validation: such a rule would never match).
 *
 * @example
 * findUnknownConditionKeys({ severity: 'x', 'data.severity': 'y' }) // ['severity']
 */
export function findUnknownConditionKeys(when: Record<string, unknown> | undefined): string[] {
  return flattenWhen(when)
    .map(([k]) => k)
    .filter((k) => !(conditionKeys as readonly string[]).includes(k) && !/^data\.[^.]/.test(k));
}

/**
 * The value at a dot path, or undefined.
 *
 * @example
 * readPath({ a: { b: [1, 2] } }, 'a.b.1') // 2
 */
export function readPath(value: unknown, path: string): unknown {
  let cur = value;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function textOf(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** One expected value (never a list) against the actual value. */
function holdsOne(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((a) => holdsOne(expected, a));
  if (expected === null) return actual === undefined || actual === null;
  if (actual === undefined || actual === null) return false;
  if (typeof expected === 'string') return matchGlob(expected, textOf(actual));
  return textOf(expected) === textOf(actual);
}

/**
 * A list of expected values holds when any does; strings are globs; a list actual value holds
 * when any element does; `null` expects an absent value.
 *
 * @example
 * holds(['failed', 'time*'], 'timeout') // true
 * holds('prod', ['db', 'prod'])         // true
 */
export function holds(expected: unknown, actual: unknown): boolean {
  return Array.isArray(expected) ? expected.some((e) => holdsOne(e, actual)) : holdsOne(expected, actual);
}

function actualOf(n: Notification, key: string): unknown {
  if (key.startsWith('data.')) return readPath(n.data, key.slice(5));
  switch (key as ConditionKey) {
    case 'status':
      return n.status;
    case 'action':
      return n.action;
    case 'alias':
      return n.alias;
    case 'user':
      return n.user;
    case 'trigger':
      return n.trigger;
    case 'source':
      return n.origin?.source;
    default:
      return undefined;
  }
}

/**
 * True when every condition holds for the notification (an empty or absent `when` always holds; an
 * unknown key never does).
 *
 * @example
 * matchesWhen(n, { status: ['failed', 'timeout'], action: 'ops.*', 'data.severity': 'critical' })
 */
export function matchesWhen(n: Notification, when: Record<string, unknown> | undefined): boolean {
  return flattenWhen(when).every(([key, expected]) => {
    if (!key.startsWith('data.') && !(conditionKeys as readonly string[]).includes(key)) return false;
    return holds(expected, actualOf(n, key));
  });
}
