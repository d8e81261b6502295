/** Turns zod issues into `file:line:col  path: message` diagnostics with plain, value-free messages. */
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import type { Diagnostic } from './types.ts';
import { unknownKeyParams } from './unknown-key.ts';
import type { PathSegment, YamlSource } from './yaml-source.ts';
import { defOf } from './zod-def.ts';

type Issue = z.core.$ZodIssue;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && Number.isInteger(v)) return 'integer';
  return typeof v;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const seg of path) cur = (cur as Record<PropertyKey, unknown> | undefined)?.[seg as string];
  return cur;
}

/** Every type a failed union expected, e.g. `string or array`. */
function unionExpected(issue: Extract<Issue, { code: 'invalid_union' }>): string | undefined {
  const expected = issue.errors.flatMap((errs) =>
    errs.filter((e) => e.path.length === 0 && e.code === 'invalid_type').map((e) => (e as { expected: string }).expected),
  );
  return expected.length === issue.errors.length && expected.length > 0 ? expected.join(' or ') : undefined;
}

/**
 * The message for one issue. A value is quoted only where it is a choice among names (kinds, enum
 * options); any secret among them is redacted by the loader afterwards.
 */
function describeIssue(issue: Issue, data: unknown): string {
  const value = valueAt(data, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return `required (expected ${issue.expected})`;
      return `expected ${issue.expected === 'int' ? 'integer' : issue.expected}, got ${typeName(value)}`;
    case 'invalid_value': {
      const options = issue.values.map(String);
      const got = typeof value === 'string' ? `"${value}"${didYouMean(value, options)}` : typeName(value);
      return `expected one of ${options.join(' | ')}, got ${got}`;
    }
    case 'invalid_union': {
      const { discriminator, options } = issue as { discriminator?: string; options?: unknown[] };
      if (discriminator !== undefined) {
        const names = (options ?? []).map(String);
        if (value === undefined) return `required (one of ${names.join(' | ')})`;
        const got = typeof value === 'string' ? `"${value}"${didYouMean(value, names)}` : typeName(value);
        return `unknown ${discriminator} ${got}; expected one of ${names.join(' | ')}`;
      }
      const expected = unionExpected(issue);
      return expected ? `expected ${expected}, got ${typeName(value)}` : 'invalid value';
    }
    default: {
      const m = issue.message.replace(/^Invalid input: /, '');
      return m.charAt(0).toLowerCase() + m.slice(1);
    }
  }
}

/**
 * The keys the object schema at `path` declares (for did-you-mean); for a union, those of the
 * options the data's `kind` selects (or of every option).
 */
export function shapeKeys(schema: z.ZodType, path: readonly PropertyKey[], data: unknown): string[] {
  const keys = new Set<string>();
  const visit = (s: z.ZodType, i: number): void => {
    let d = defOf(s);
    while (d.innerType || (d.type === 'pipe' && d.in)) d = defOf((d.innerType ?? d.in) as z.ZodType);
    if (d.type === 'union') return (d.options ?? []).forEach((o) => visit(o, i));
    if (i === path.length) {
      if (d.type !== 'object') return;
      const kind = (valueAt(data, path) as { kind?: unknown } | undefined)?.kind;
      const kinds = d.shape?.kind ? defOf(d.shape.kind).values : undefined;
      if (kinds && kind !== undefined && !kinds.includes(kind)) return;
      for (const k of Object.keys(d.shape ?? {})) keys.add(k);
      return;
    }
    const seg = path[i];
    const child = d.type === 'object' ? d.shape?.[String(seg)] : d.type === 'record' ? d.valueType : d.type === 'array' ? d.element : undefined;
    if (child) visit(child, i + 1);
  };
  visit(schema, 0);
  return [...keys];
}

/**
 * The issues of the one union option the value has the type of (`{display: ...}` among `string |
 * {display, representation}`), their paths made absolute; undefined when none or several could be meant.
 */
function issuesOfMeantOption(issue: Extract<Issue, { code: 'invalid_union' }>): Issue[] | undefined {
  if ((issue as { discriminator?: string }).discriminator !== undefined) return undefined;
  const meant = issue.errors.filter((errs) => !errs.some((e) => e.path.length === 0 && e.code === 'invalid_type'));
  if (meant.length !== 1) return undefined;
  return (meant[0] ?? []).map((e) => ({ ...e, path: [...issue.path, ...e.path] }) as Issue);
}

/**
 * Maps zod issues for one file's data to diagnostics, each at the position of the value (or, for an
 * unknown key, of the key). Issues at a value whose `${VAR}` is missing are left out: reported already.
 */
export function issuesToDiagnostics(
  issues: readonly Issue[],
  source: YamlSource,
  schema: z.ZodType,
  data: unknown,
  severity: Diagnostic['severity'] = 'error',
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    if (source.unresolved.has(issue.path.map(String).join('.'))) continue;
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (issue.code === 'invalid_union') {
      const inner = issuesOfMeantOption(issue);
      if (inner) {
        out.push(...issuesToDiagnostics(inner, source, schema, data, severity));
        continue;
      }
    }
    if (unknownKeyParams(issue)) {
      out.push({ ...source.keyAt(path), message: issue.message, severity });
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      const known = shapeKeys(schema, issue.path, data);
      for (const key of issue.keys) {
        out.push({ ...source.keyAt([...path, key]), message: `unknown key "${key}"${didYouMean(key, known)}`, severity });
      }
      continue;
    }
    out.push({ ...source.at(path), message: describeIssue(issue, data), severity });
  }
  return out;
}
