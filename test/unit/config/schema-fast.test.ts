/**
 * The fast validation path (src/config/schema-fast.ts) must give exactly zod's data, key order
 * included, or "no": compared with `safeParse` on every fixture and corpus file, on random values
 * shaped like each config schema, and on the schema kinds one by one.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renameNotifyKeys } from '../../../src/config/notify.ts';
import { dropTopLevelNulls } from '../../../src/config/parse-file.ts';
import { actionSchema, aliasSchema, channelSchema, mainSchema, notifySchema, parameterSchema, rulesFileSchema } from '../../../src/config/schema.ts';
import { fastParse, NO } from '../../../src/config/schema-fast.ts';
import { byYaml, fixtures, yamlFiles } from './yaml-cases.ts';

const root = join(import.meta.dirname, '../../..');

/** Key order, prototypes, holes and `undefined` all show in `inspect`. */
const shown = (v: unknown) => inspect(v, { depth: null, breakLength: Infinity });

/** The fast path's answer beside zod's: `answered` when it gave data; `agrees` unless it gave data zod would not. */
function compare(schema: z.ZodType, value: unknown): { answered: boolean; agrees: boolean; zodOk: boolean } {
  const fast = fastParse(schema, value);
  const zod = schema.safeParse(value);
  if (fast === NO) return { answered: false, agrees: true, zodOk: zod.success };
  return { answered: true, agrees: zod.success && shown(fast) === shown(zod.data), zodOk: zod.success };
}

/** The schema a config file is validated with, and the loader's adjustments before it. */
function schemaOf(file: string): { schema: z.ZodType; prepare?: (raw: Record<string, unknown>) => void } | undefined {
  const prepare = (raw: Record<string, unknown>) => {
    dropTopLevelNulls(raw);
    renameNotifyKeys(raw.notify);
  };
  if (/\/(st2-)?aliases\//.test(file)) return { schema: aliasSchema, prepare };
  if (/\/(st2-)?actions\//.test(file)) return { schema: actionSchema, prepare };
  if (/\/channels\//.test(file)) return { schema: channelSchema };
  if (/\/rules\//.test(file)) return { schema: rulesFileSchema };
  if (basename(file) === 'switchboard.yaml') return { schema: mainSchema };
  return undefined;
}

describe('fastParse on real files', () => {
  const files = [
    ...yamlFiles(fixtures),
    ...['aliases', 'actions', 'channels', 'rules'].flatMap((d) => yamlFiles(join(root, d))),
    join(root, 'switchboard.yaml'),
  ];

  it('gives zod’s data for every valid fixture, corpus and example file, and "no" for every invalid one', () => {
    const tally = { files: 0, valid: 0, answered: 0, disagree: [] as string[], missed: [] as string[] };
    for (const file of files) {
      const kind = schemaOf(file);
      const { clean, data } = byYaml(readFileSync(file, 'utf8'));
      if (!kind || !clean || typeof data !== 'object' || data === null || Array.isArray(data)) continue;
      kind.prepare?.(data as Record<string, unknown>);
      const r = compare(kind.schema, data);
      tally.files++;
      if (r.zodOk) tally.valid++;
      if (r.answered) tally.answered++;
      if (!r.agrees) tally.disagree.push(file);
      // every alias and action file zod accepts is answered by the fast path (what makes loading fast)
      if (r.zodOk && !r.answered && (kind.schema === aliasSchema || kind.schema === actionSchema)) tally.missed.push(file);
    }
    expect(tally.disagree).toEqual([]);
    expect(tally.missed).toEqual([]);
    // the corpus alone holds 428 alias and action files
    expect(tally.files).toBeGreaterThan(500);
    expect(tally.answered).toBeGreaterThan(450);
  });
});

/**
 * Random values shaped like `schema`, from its zod definition: often a little wrong (`wrong`), or
 * built to be valid (every required key, values in the usual bounds).
 */
function shaped(schema: z.ZodType, wrong: boolean, depth = 0): fc.Arbitrary<unknown> {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def as {
    type: string;
    innerType?: z.ZodType;
    element?: z.ZodType;
    valueType?: z.ZodType;
    options?: z.ZodType[];
    shape?: Record<string, z.ZodType>;
  };
  const junk = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant([]), fc.constant({}), fc.double());
  const mostly = (a: fc.Arbitrary<unknown>) => (wrong ? fc.oneof({ weight: 8, arbitrary: a }, { weight: 1, arbitrary: junk }) : a);
  const inner = (s: z.ZodType) => shaped(s, wrong, depth + 1);
  if (depth > 6) return junk;
  const values = (schema as unknown as { _zod: { values?: Set<unknown> } })._zod.values;
  switch (def.type) {
    case 'string':
      if (!wrong) return fc.oneof(fc.string({ minLength: 2, maxLength: 4 }), fc.constantFrom('a😀', 'x'.repeat(300)));
      return mostly(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('', '😀', 'a😀', '\uD83D', 'x'.repeat(300))));
    case 'number':
      if (!wrong) return fc.integer({ min: 1, max: 100 });
      return mostly(fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.double(), fc.constantFrom(0, -0, 1.5, Infinity, Number.NaN, 2 ** 53, -1, 86_401)));
    case 'boolean':
      return mostly(fc.boolean());
    case 'enum':
    case 'literal':
      return mostly(fc.constantFrom(...(values ? [...values] : []), ...(wrong ? ['nope'] : [])));
    case 'unknown':
    case 'any':
      return wrong ? fc.oneof(junk, fc.jsonValue({ maxDepth: 2 })) : fc.jsonValue({ maxDepth: 2 });
    case 'optional':
    case 'default':
      return inner(def.innerType!);
    case 'nullable':
      return fc.oneof(fc.constant(null), inner(def.innerType!));
    case 'array':
      return mostly(fc.array(inner(def.element!), { maxLength: 3 }));
    case 'record':
      return mostly(
        fc
          .array(
            fc.tuple(
              wrong ? fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('__proto__', '1', '0', 'constructor')) : fc.string({ maxLength: 3 }),
              inner(def.valueType!),
            ),
            {
              maxLength: 3,
            },
          )
          .map((entries) => Object.fromEntries(entries)),
      );
    case 'union':
      return fc.oneof(...def.options!.map(inner));
    case 'object': {
      const keys = Object.keys(def.shape!);
      // each key absent, present, or (rarely) written with the value undefined; sometimes a key the schema does not know
      const optional = (k: string) => (def.shape![k] as unknown as { _zod: { optin?: string } })._zod.optin !== undefined;
      const field = (k: string) =>
        !wrong
          ? fc.oneof(
              { weight: optional(k) ? 1 : 0, arbitrary: fc.constant<[string, unknown] | undefined>(undefined) },
              { weight: 2, arbitrary: inner(def.shape![k]!).map((v): [string, unknown] => [k, v]) },
            )
          : fc.oneof(
              { weight: 3, arbitrary: fc.constant<[string, unknown] | undefined>(undefined) },
              { weight: 6, arbitrary: inner(def.shape![k]!).map((v): [string, unknown] => [k, v]) },
              { weight: 1, arbitrary: fc.constant<[string, unknown]>([k, undefined]) },
            );
      const extra = fc.oneof(
        { weight: wrong ? 8 : 1, arbitrary: fc.constant<[string, unknown][]>([]) },
        { weight: wrong ? 1 : 0, arbitrary: fc.tuple(fc.constantFrom('nope', '__proto__', 'toString'), junk).map((e): [string, unknown][] => [e]) },
      );
      return mostly(
        fc.tuple(fc.tuple(...keys.map(field)), extra, fc.boolean()).map(([fields, more, shuffled]) => {
          const entries = [...fields.filter((e) => e !== undefined), ...more];
          // YAML files write keys in any order
          if (shuffled) entries.reverse();
          return Object.fromEntries(entries);
        }),
      );
    }
    default:
      return junk;
  }
}

describe('fastParse on random values shaped like each config schema', () => {
  const schemas: [string, z.ZodType][] = [
    ['alias', aliasSchema],
    ['action', actionSchema],
    ['parameter', parameterSchema],
    ['notify', notifySchema],
    ['main', mainSchema],
    ['channel', channelSchema],
    ['rules', rulesFileSchema],
  ];
  for (const [name, schema] of schemas) {
    it(`${name}: zod’s data or "no", never another answer`, () => {
      fc.assert(
        fc.property(shaped(schema, true), (value) => {
          expect(compare(schema, value).agrees).toBe(true);
        }),
        { numRuns: 1500 },
      );
    });
    it(`${name}: valid values, answered with zod’s data`, () => {
      let valid = 0;
      let answered = 0;
      fc.assert(
        fc.property(shaped(schema, false), (value) => {
          const r = compare(schema, value);
          if (r.zodOk) valid++;
          if (r.answered) answered++;
          expect(r.agrees).toBe(true);
        }),
        { numRuns: 500 },
      );
      // not vacuous where the fast path is meant to answer (the files a large config has thousands of):
      // many values are valid, and every valid one is answered
      if (name !== 'main' && name !== 'channel' && name !== 'rules') {
        expect(valid).toBeGreaterThan(100);
        expect(answered).toBe(valid);
      }
    });
  }
});

describe('fastParse, kind by kind', () => {
  const same = (schema: z.ZodType, value: unknown) => {
    const fast = fastParse(schema, value);
    expect(fast).not.toBe(NO);
    expect(shown(fast)).toBe(shown(schema.parse(value)));
    return fast;
  };
  const no = (schema: z.ZodType, value: unknown) => expect(fastParse(schema, value)).toBe(NO);

  it('strings: lengths in code points, as zod counts them', () => {
    const s = z.string().min(2).max(3);
    same(s, 'ab');
    same(s, '😀😀'); // four UTF-16 units, two code points
    same(s, 'a😀b');
    no(s, 'a');
    no(s, '😀'); // two units, one code point
    no(s, 'abcd');
    no(s, 1);
    same(z.string().min(1), '\uD83D'); // a lone surrogate is one code point
    no(z.string().min(1), '');
  });

  it('numbers: finite, safe integers, inclusive and exclusive bounds', () => {
    const n = z.number().int().min(0).max(10);
    same(n, 0);
    same(n, 10);
    no(n, 11);
    no(n, -1);
    no(n, 1.5);
    no(n, '1');
    no(z.number(), Infinity);
    no(z.number(), Number.NaN);
    no(z.number().int(), 2 ** 53);
    same(z.number().positive(), 0.5);
    no(z.number().positive(), 0);
    same(z.int(), 3);
    no(z.int(), 3.5);
  });

  it('booleans, enums, literals, unknown, nullable', () => {
    same(z.boolean(), false);
    no(z.boolean(), 'false');
    same(z.enum(['a', 'b']), 'b');
    no(z.enum(['a', 'b']), 'c');
    same(z.literal('slack'), 'slack');
    no(z.literal('slack'), 'email');
    const o = { deep: [1] };
    // unknown values are passed on as they are (the same object, as zod does)
    expect(fastParse(z.unknown(), o)).toBe(o);
    same(z.string().nullable(), null);
    same(z.string().nullable(), 'x');
  });

  it('objects: shape order, absent optional keys left out, defaults a fresh copy each time', () => {
    const s = z.object({ a: z.string(), b: z.array(z.string()).default(['x']), c: z.number().optional() }).strict();
    const first = same(s, { c: 1, a: 'y' }) as { b: string[] };
    expect(Object.keys(first)).toEqual(['a', 'b', 'c']);
    first.b.push('changed');
    expect((fastParse(s, { a: 'z' }) as { b: string[] }).b).toEqual(['x']);
    expect(Object.keys(same(s, { a: 'y' }) as object)).toEqual(['a', 'b']);
    // required missing, unknown key (strict), the wrong type, a key written as undefined
    no(s, { c: 1 });
    no(s, { a: 'y', d: 1 });
    no(s, { a: 1 });
    no(s, { a: 'y', c: undefined });
    no(s, ['a']);
    no(s, null);
    // a stripping object leaves unknown keys out, as zod does
    expect(same(z.object({ a: z.string() }), { a: 'y', d: 1 })).toEqual({ a: 'y' });
  });

  it('records: any string key in the input’s order; a __proto__ key is left to zod', () => {
    const r = z.record(z.string(), z.number());
    expect(Object.keys(same(r, { b: 1, a: 2, 1: 3 }) as object)).toEqual(['1', 'b', 'a']);
    no(r, { a: 'x' });
    no(r, JSON.parse('{"__proto__": 1}'));
    no(r, []);
    no(z.record(z.enum(['a']), z.number()), { a: 1 });
  });

  it('arrays and unions: every element, the first option that takes the value', () => {
    same(z.array(z.string()).min(1), ['a']);
    no(z.array(z.string()).min(1), []);
    no(z.array(z.string()), ['a', 1]);
    const u = z.union([z.string(), z.object({ display: z.string() }).strict()]);
    same(u, 'x');
    same(u, { display: 'x' });
    no(u, { display: 1 });
    // discriminated unions take the option of their discriminator, the only one that can pass
    const d = z.discriminatedUnion('kind', [z.object({ kind: z.literal('a'), x: z.string() }), z.object({ kind: z.literal('b'), x: z.number() })]);
    same(d, { kind: 'b', x: 1 });
    no(d, { kind: 'c', x: 1 });
  });

  it('what it does not know is left to zod: transforms, refinements, pipes, formats, coercion, passthrough, optional defaults', () => {
    no(
      z.string().transform((s) => s.length),
      'abc',
    );
    no(
      z.string().refine((s) => s.length > 1),
      'abc',
    );
    no(z.string().pipe(z.string()), 'abc');
    no(z.email(), 'a@b.c');
    no(z.string().regex(/a/), 'a');
    no(z.coerce.number(), 1);
    no(z.object({ a: z.string() }).passthrough(), { a: 'x' });
    no(z.object({ a: z.string().default('x').optional() }), {});
    no(
      z.object({ a: z.string() }).refine(() => true),
      { a: 'x' },
    );
    no(z.date(), new Date());
  });

  it('a schema that refers to itself compiles once and validates to any depth', () => {
    const tree: z.ZodType = z
      .object({
        name: z.string(),
        get children() {
          return z.array(tree).optional();
        },
      })
      .strict();
    same(tree, { name: 'a', children: [{ name: 'b', children: [{ name: 'c' }] }] });
    no(tree, { name: 'a', children: [{ name: 1 }] });
  });
});
