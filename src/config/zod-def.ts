/**
 * The parts of zod 4's internals the config code reads (zod exports no types for them): a schema's
 * definition, `_zod.def`, and what zod works out from it. One place for the schema walks
 * (schema-walk.ts), the issue wording (zod-issues.ts) and the fast validation path (schema-fast.ts).
 */
import type { z } from 'zod';

/** One check of a schema (`min(1)`, `int()`, `positive()`...). */
export interface ZodCheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  value?: unknown;
  inclusive?: boolean;
  format?: string;
}

/** A schema's definition: the fields of the kinds the config schemas are made of. */
export interface ZodDef {
  type: string;
  /** wrappers (optional, default, nullable...) */
  innerType?: z.ZodType;
  /** a pipe's input */
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  /** a literal's values */
  values?: unknown[];
  checks?: { _zod: { def: ZodCheckDef } }[];
  coerce?: boolean;
  /** a `.default()`'s value (zod's getter: a fresh shallow copy each read) */
  readonly defaultValue?: unknown;
}

/** A schema's `_zod`: its definition, and whether absence is allowed in and out, and its values (enums, literals). */
export interface ZodInternals {
  def: ZodDef;
  optin?: 'optional' | 'defaulted';
  optout?: 'optional';
  values?: ReadonlySet<unknown>;
}

export const internalsOf = (s: z.ZodType): ZodInternals => (s as unknown as { _zod: ZodInternals })._zod;

export const defOf = (s: z.ZodType): ZodDef => internalsOf(s).def;
