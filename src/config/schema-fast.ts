/**
 * A fast path in front of zod for the config files: each schema is compiled once into plain
 * closures that give exactly what `schema.safeParse(value).data` gives for a valid value, or
 * {@link NO}, and then zod parses the value as before and reports its issues. zod's parse costs
 * about 9 µs a file warm and twice that in a fresh process (its payload and issue objects, a
 * generated function per object schema, optional/default bookkeeping); loading 10,000 aliases and
 * their actions spent about 0.19 s in it.
 *
 * The fast path knows the schema kinds the config schemas are made of (object, strict or
 * stripping; record with string keys; array; union; optional; default; nullable; string; number;
 * boolean; enum; literal; unknown) and the checks they use (lengths, bounds, safe integers). A
 * schema with anything else (a transform, a refinement, a pipe, a string format, a coercion...)
 * compiles to "no", so zod decides it: the fast path may answer "no" where zod accepts, never a
 * value zod would not give. Values are what a YAML or JSON reader makes: plain objects and arrays.
 * test/unit/config/schema-fast.test.ts compares the two on the fixtures, the corpus and random
 * values.
 */
import type { z } from 'zod';
import { internalsOf, type ZodCheckDef, type ZodDef } from './zod-def.ts';

/** The fast path's "no": the value is invalid, or outside what it knows; zod decides. */
export const NO: unique symbol = Symbol('no');

type Validate = (value: unknown) => unknown;

const never: Validate = () => NO;

/** The compiled validators, by schema (one compile per schema for the life of the process). */
const compiled = new WeakMap<z.ZodType, Validate>();

/**
 * `schema.safeParse(value).data` when the fast path can tell, else {@link NO} (invalid, or a schema
 * kind it does not know).
 *
 * @example
 * const data = fastParse(aliasSchema, raw);
 * const result = data !== NO ? { success: true, data } : aliasSchema.safeParse(raw);
 */
export function fastParse(schema: z.ZodType, value: unknown): unknown {
  return validator(schema)(value);
}

function validator(schema: z.ZodType): Validate {
  const v = compiled.get(schema);
  if (v) return v;
  // a schema that refers back to itself (through a getter in its shape) compiles once: the
  // forwarder stands in for it while it compiles
  let built: Validate = never;
  compiled.set(schema, (value) => built(value));
  built = compile(schema);
  compiled.set(schema, built);
  return built;
}

/** Code points, as zod measures string lengths. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The checks of a string or array as one predicate on its length, or undefined if one is unknown. */
function lengthChecks(checks: ZodCheckDef[], strings: boolean): ((v: string | unknown[]) => boolean) | undefined {
  let min = 0;
  let max = Infinity;
  for (const c of checks) {
    if (c.check === 'min_length' && typeof c.minimum === 'number') min = Math.max(min, c.minimum);
    else if (c.check === 'max_length' && typeof c.maximum === 'number') max = Math.min(max, c.maximum);
    else return undefined;
  }
  if (min === 0 && max === Infinity) return () => true;
  // a code point is one or two UTF-16 units: counted only when the units leave it in doubt
  const length = (v: string | unknown[]) => (!strings || (v.length >= 2 * min && v.length <= max) ? v.length : codePoints(v as string));
  return (v) => {
    const n = length(v);
    return n >= min && n <= max;
  };
}

/** The checks of a number as one predicate, or undefined if one is unknown. */
function numberChecks(checks: ZodCheckDef[]): ((v: number) => boolean) | undefined {
  const tests: ((v: number) => boolean)[] = [];
  for (const c of checks) {
    if (c.check === 'number_format' && c.format === 'safeint') tests.push(Number.isSafeInteger);
    else if (c.check === 'greater_than' && typeof c.value === 'number') {
      const bound = c.value;
      tests.push(c.inclusive ? (v) => v >= bound : (v) => v > bound);
    } else if (c.check === 'less_than' && typeof c.value === 'number') {
      const bound = c.value;
      tests.push(c.inclusive ? (v) => v <= bound : (v) => v < bound);
    } else return undefined;
  }
  return (v) => tests.every((t) => t(v));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

function compile(schema: z.ZodType): Validate {
  const zod = internalsOf(schema);
  const def = zod.def;
  // a schema that is a check itself (`z.int()`, `z.email()`) carries it in its own def
  const own = (def as Partial<ZodCheckDef>).check !== undefined ? [def as unknown as ZodCheckDef] : [];
  const checks = [...own, ...(def.checks ?? []).map((c) => c._zod.def)];
  if (def.coerce) return never;
  switch (def.type) {
    case 'string': {
      const ok = lengthChecks(checks, true);
      if (!ok) return never;
      return (v) => (typeof v === 'string' && ok(v) ? v : NO);
    }
    case 'number': {
      const ok = numberChecks(checks);
      if (!ok) return never;
      return (v) => (typeof v === 'number' && Number.isFinite(v) && ok(v) ? v : NO);
    }
    case 'boolean':
      return checks.length === 0 ? (v) => (typeof v === 'boolean' ? v : NO) : never;
    case 'enum':
    case 'literal': {
      const values = zod.values;
      return values && checks.length === 0 ? (v) => (values.has(v) ? v : NO) : never;
    }
    case 'unknown':
    case 'any':
      return checks.length === 0 ? (v) => v : never;
    case 'nullable': {
      const inner = validator(def.innerType!);
      return checks.length === 0 ? (v) => (v === null ? null : inner(v)) : never;
    }
    // outside an object (where absence is handled), these only pass a present value on
    case 'optional':
    case 'default': {
      if (checks.length > 0 || (def.type === 'optional' && internalsOf(def.innerType!).optin === 'defaulted')) return never;
      const inner = validator(def.innerType!);
      return (v) => (v === undefined ? NO : inner(v));
    }
    case 'array': {
      const ok = lengthChecks(checks, false);
      if (!ok) return never;
      const element = validator(def.element!);
      return (v) => {
        if (!Array.isArray(v) || !ok(v)) return NO;
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const r = element(v[i]);
          if (r === NO) return NO;
          out[i] = r;
        }
        return out;
      };
    }
    case 'record':
      return checks.length === 0 ? compileRecord(def) : never;
    case 'union': {
      if (checks.length > 0) return never;
      const options = def.options!.map(validator);
      return (v) => {
        for (const option of options) {
          const r = option(v);
          if (r !== NO) return r;
        }
        return NO;
      };
    }
    case 'object':
      return checks.length === 0 ? compileObject(def) : never;
    default:
      return never;
  }
}

/** A record whose keys are any string: a new object, every value validated, in the input's key order. */
function compileRecord(def: ZodDef): Validate {
  const key = internalsOf(def.keyType!);
  if (key.def.type !== 'string' || key.def.coerce || (key.def.checks?.length ?? 0) > 0) return never;
  const value = validator(def.valueType!);
  return (v) => {
    if (!isPlainObject(v) || Object.getOwnPropertySymbols(v).length > 0) return NO;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      // zod leaves a `__proto__` key out (and an assignment would replace the prototype)
      if (k === '__proto__') return NO;
      const r = value(v[k]);
      if (r === NO) return NO;
      out[k] = r;
    }
    return out;
  };
}

/**
 * How an object's field treats absence: an error (`required`), left absent (`optional`), or the
 * schema's default (`defaulted`: zod's `defaultValue`, a fresh shallow copy each time).
 */
type Presence = 'required' | 'optional' | 'defaulted';

interface Field {
  key: string;
  presence: Presence;
  validate: Validate;
  /** the `.default()` schema's def, for its `defaultValue` */
  def?: ZodDef;
}

function field(key: string, schema: z.ZodType): Field | undefined {
  const zod = internalsOf(schema);
  const { optin, optout } = zod;
  if (optin === undefined && optout === undefined) return { key, presence: 'required', validate: validator(schema) };
  if (zod.def.type === 'optional' && optin === 'optional' && optout === 'optional') return { key, presence: 'optional', validate: validator(schema) };
  if (zod.def.type === 'default' && optin === 'defaulted' && optout === undefined) {
    return { key, presence: 'defaulted', validate: validator(schema), def: zod.def };
  }
  // anything else (prefault, optional defaults, unions with optional options): zod decides
  return undefined;
}

/**
 * An object: strict (an unknown key is an error) or stripping (unknown keys are left out). The
 * output has the shape's keys in the shape's order, as zod builds it.
 */
function compileObject(def: ZodDef): Validate {
  const catchall = def.catchall ? internalsOf(def.catchall).def.type : undefined;
  if (catchall !== undefined && catchall !== 'never') return never;
  const shape = def.shape!;
  if (Object.getOwnPropertySymbols(shape).length > 0) return never;
  const fields: Field[] = [];
  for (const key of Object.keys(shape)) {
    // zod reads a field with `key in input`: a key the prototype has would be present everywhere
    if (key === '__proto__' || key in Object.prototype) return never;
    const f = field(key, shape[key]!);
    if (!f) return never;
    fields.push(f);
  }
  const known = new Set(fields.map((f) => f.key));
  const strict = catchall === 'never';
  return (v) => {
    if (!isPlainObject(v)) return NO;
    if (strict) for (const k in v) if (!known.has(k)) return NO;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const x = v[f.key];
      if (x === undefined) {
        // a key written with the value undefined is not absent to zod (not from YAML or JSON anyway)
        if (f.key in v) return NO;
        if (f.presence === 'required') return NO;
        if (f.presence === 'defaulted') out[f.key] = f.def!.defaultValue;
        continue;
      }
      const r = f.validate(x);
      if (r === NO) return NO;
      out[f.key] = r;
    }
    return out;
  };
}
