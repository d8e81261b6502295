/**
 * Casts matched string values by the action's parameter schema and checks its constraints.
 * Patterns compile with RE2, so a schema pattern cannot make validation super-linear.
 */
import { RE2JS } from 're2js';
import type { ParameterSpec } from '../config/schema.ts';
import { ParameterError } from '../errors.ts';
import type { Params } from './types.ts';

/** `missing`: set when the only fault is required parameters with no value (they could be asked for) */
export type CastResult = { ok: true; params: Params } | { ok: false; parameter: string; error: string; missing?: string[] };

class CastFailure extends Error {
  constructor(
    readonly parameter: string,
    message: string,
    /** what the parameter takes, when the value was bad */
    readonly expected?: string,
    /** required parameters with no value at all (nothing else was wrong) */
    readonly missing?: string[],
  ) {
    super(message);
  }
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);
const patterns = new Map<string, RE2JS | Error>();

/**
 * Merges matched values, immutables and schema defaults, casting each value by its schema type.
 *
 * @example
 * castParams({ count: '3' }, { count: { type: 'integer' } }, {})   // { ok: true, params: { count: 3 } }
 * castParams({ count: 'abc' }, { count: { type: 'integer' } }, {}) // { ok: false, parameter: 'count',
 *   //   error: 'bad value for count: expected an integer, got "abc"' }
 */
export function castParams(
  raw: Record<string, string | undefined>,
  parameters: Record<string, ParameterSpec> | undefined,
  immutable: Record<string, unknown>,
  opts: { argv?: boolean } = {},
): CastResult {
  try {
    // 1. immutable parameters may not be supplied (StackStorm's message, keys joined by commas)
    const overridden: string[] = [];
    for (const k in immutable) if (raw[k] !== undefined) overridden.push(k);
    if (overridden.length > 0) {
      throw new CastFailure(overridden[0]!, `Immutable arguments cannot be overriden: ${overridden.join(',')}`);
    }
    // 2. supplied values, then immutables, cast by their schema when there is one
    const params: Params = {};
    for (const k in raw) {
      const v = raw[k];
      if (v !== undefined) params[k] = parameters ? castValue(k, v, parameters[k]) : v;
      if (v !== undefined && opts.argv && parameters?.[k]?.allow_dash !== true) refuseDash(k, v, params[k]);
    }
    for (const k in immutable) {
      const v = immutable[k];
      params[k] = typeof v === 'string' && parameters ? castValue(k, v, parameters[k]) : v;
    }
    // 3. schema defaults for what is still absent, then required (every missing one is named)
    const missing: string[] = [];
    for (const k in parameters) {
      const spec = parameters[k]!;
      if (params[k] === undefined && spec.default !== undefined) params[k] = spec.default;
      if (params[k] === undefined && spec.required) missing.push(k);
    }
    if (missing.length > 0) throw new CastFailure(missing[0]!, `missing required parameter: ${missing[0]}`, undefined, missing);
    return { ok: true, params };
  } catch (err) {
    if (err instanceof CastFailure) {
      return { ok: false, parameter: err.parameter, error: err.message, ...(err.missing && { missing: err.missing }) };
    }
    throw err;
  }
}

/**
 * Casts one typed value exactly as a value typed in a whole command is cast (schema type,
 * constraints, a shell action's leading `-`); used for the answer to a question (src/conversations/).
 * On failure, `expected` is what the parameter takes (`one of staging, prod`).
 *
 * @example
 * castOne('env', 'prod', { type: 'string', enum: ['staging', 'prod'] })  // { ok: true, value: 'prod' }
 * castOne('env', 'prodd', { type: 'string', enum: ['staging', 'prod'] }) // { ok: false, expected: 'one of staging, prod', error: … }
 */
export function castOne(
  name: string,
  raw: string,
  spec: ParameterSpec | undefined,
  opts: { argv?: boolean } = {},
): { ok: true; value: unknown } | { ok: false; expected: string; error: string } {
  try {
    const value = castValue(name, raw, spec);
    if (opts.argv && spec?.allow_dash !== true) refuseDash(name, raw, value);
    return { ok: true, value };
  } catch (err) {
    if (err instanceof CastFailure) return { ok: false, expected: err.expected ?? 'another value', error: err.message };
    throw err;
  }
}

/** what a shell action is told when a typed value would become an option of its command */
export const NO_DASH = 'a value not starting with "-" (it would be an option of the command; the parameter may say allow_dash: true)';

/**
 * A shell action's argv element rendered from a typed value must not start with `-` (`ls --version`
 * would become an option), unless the parameter says `allow_dash: true`. Immutables and defaults
 * are config, not typed, and are not checked.
 */
function refuseDash(name: string, raw: string, value: unknown): void {
  const items = Array.isArray(value) ? value : [value];
  if (items.some((x) => typeof x === 'string' && x.startsWith('-'))) fail(name, raw, NO_DASH);
}

function fail(name: string, value: unknown, expected: string): never {
  throw new CastFailure(name, new ParameterError(name, value, expected).message, expected);
}

/** Casts one string by its schema (no schema or no type: the string itself). */
export function castValue(name: string, raw: string, spec: ParameterSpec | undefined): unknown {
  if (!spec) return raw;
  const value = castType(name, raw, spec.type, spec);
  checkConstraints(name, raw, value, spec);
  return value;
}

function castType(name: string, raw: string, type: ParameterSpec['type'], spec: ParameterSpec): unknown {
  const s = raw.trim();
  switch (type) {
    case 'integer': {
      const n = Number(s);
      if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(n)) fail(name, raw, 'an integer');
      return n;
    }
    case 'number': {
      if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) fail(name, raw, 'a number');
      return Number(s);
    }
    case 'boolean': {
      const b = s.toLowerCase();
      if (TRUE.has(b)) return true;
      if (FALSE.has(b)) return false;
      return fail(name, raw, 'a boolean (true/false, yes/no, on/off, 1/0)');
    }
    case 'array': {
      const items = s.startsWith('[') ? parseJson(name, raw, 'a JSON array') : s === '' ? [] : s.split(',').map((x) => x.trim());
      if (!Array.isArray(items)) return fail(name, raw, 'an array');
      const itemType = (spec.items as { type?: ParameterSpec['type'] } | undefined)?.type;
      if (!itemType || itemType === 'string') return items;
      return items.map((x) => (typeof x === 'string' ? castType(name, x, itemType, {}) : x));
    }
    case 'object': {
      const o = parseJson(name, raw, 'a JSON object');
      if (o === null || typeof o !== 'object' || Array.isArray(o)) return fail(name, raw, 'a JSON object');
      return o;
    }
    case 'null':
      if (s === '' || s === 'null' || s === 'None') return null;
      return fail(name, raw, 'null');
    default:
      return raw;
  }
}

function parseJson(name: string, raw: string, expected: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return fail(name, raw, expected);
  }
}

function checkConstraints(name: string, raw: string, value: unknown, spec: ParameterSpec): void {
  // 1. enum compares the cast value
  if (spec.enum && !spec.enum.some((e) => e === value || JSON.stringify(e) === JSON.stringify(value))) {
    fail(name, raw, `one of ${spec.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join(', ')}`);
  }
  // 2. numbers: bounds
  if (typeof value === 'number') {
    if (spec.minimum !== undefined && value < spec.minimum) fail(name, raw, `a value >= ${spec.minimum}`);
    if (spec.maximum !== undefined && value > spec.maximum) fail(name, raw, `a value <= ${spec.maximum}`);
  }
  // 3. strings: length and an RE2 pattern (JSON Schema patterns are unanchored)
  if (typeof value === 'string') {
    const len = [...value].length;
    if (spec.minLength !== undefined && len < spec.minLength) fail(name, raw, `at least ${spec.minLength} characters`);
    if (spec.maxLength !== undefined && len > spec.maxLength) fail(name, raw, `at most ${spec.maxLength} characters`);
    if (spec.pattern !== undefined) {
      const re = compilePattern(spec.pattern);
      if (re instanceof Error) fail(name, raw, `a value matching ${spec.pattern} (the schema pattern is invalid: ${re.message})`);
      if (!re.test(value)) fail(name, raw, `a value matching ${spec.pattern}`);
    }
  }
}

function compilePattern(p: string): RE2JS | Error {
  let re = patterns.get(p);
  if (!re) {
    try {
      re = RE2JS.compile(p);
    } catch (err) {
      re = err instanceof Error ? err : new Error(String(err));
    }
    patterns.set(p, re);
  }
  return re;
}
