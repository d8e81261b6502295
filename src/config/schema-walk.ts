/**
 * Walks zod schemas alongside data: finds the values of fields marked with `secret()` (so redaction
 * needs no hand-kept list) and the scalar types a path accepts (to type `${VAR}` values).
 */
import type { z } from 'zod';
import type { PathSegment } from './yaml-source.ts';
import { defOf } from './zod-def.ts';

const wrappers = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

function isSecret(s: z.ZodType): boolean {
  return (s.meta() as { secret?: boolean } | undefined)?.secret === true;
}

function isEnvSecret(s: z.ZodType): boolean {
  return (s.meta() as { envSecret?: boolean } | undefined)?.envSecret === true;
}

/** The schema under the wrappers (optional, default, pipe input...), and whether any layer is secret. */
function unwrap(s: z.ZodType): { schema: z.ZodType; secret: boolean } {
  let secret = isSecret(s);
  let cur = s;
  for (;;) {
    const def = defOf(cur);
    const next = wrappers.has(def.type) ? def.innerType : def.type === 'pipe' ? def.in : undefined;
    if (!next) return { schema: cur, secret };
    cur = next;
    secret ||= isSecret(cur);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a secret-marked field is anywhere under `schema` (by schema, once): the walk skips the rest. */
const holdsSecret = new WeakMap<z.ZodType, boolean>();

function mayHoldSecret(schema: z.ZodType): boolean {
  const known = holdsSecret.get(schema);
  if (known !== undefined) return known;
  // a schema that refers back to itself is not walked twice: false while it is being looked at
  holdsSecret.set(schema, false);
  const { schema: inner, secret } = unwrap(schema);
  const def = defOf(inner);
  const children: z.ZodType[] =
    def.type === 'object'
      ? [...Object.values(def.shape ?? {}), ...(def.catchall ? [def.catchall] : [])]
      : def.type === 'record'
        ? def.valueType
          ? [def.valueType]
          : []
        : def.type === 'array'
          ? def.element
            ? [def.element]
            : []
          : def.type === 'union'
            ? (def.options ?? [])
            : [];
  const answer = secret || children.some(mayHoldSecret);
  holdsSecret.set(schema, answer);
  return answer;
}

/**
 * Every string value found at a secret-marked field of `schema` in `value` (which need not be valid).
 *
 * @example
 * collectSecrets(channelSchema, { kind: 'slack', token: 'xoxb-1' }) // ['xoxb-1']
 */
export function collectSecrets(schema: z.ZodType, value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value !== 'object' && typeof value !== 'string') return out;
  if (!mayHoldSecret(schema)) return out;
  const { schema: inner, secret } = unwrap(schema);
  if (secret && typeof value === 'string' && value !== '') out.add(value);
  const def = defOf(inner);
  if (def.type === 'object' && isRecord(value)) {
    for (const [key, v] of Object.entries(value)) {
      const child = def.shape?.[key] ?? def.catchall;
      if (child) collectSecrets(child, v, out);
    }
  } else if (def.type === 'record' && isRecord(value) && def.valueType) {
    for (const v of Object.values(value)) collectSecrets(def.valueType, v, out);
  } else if (def.type === 'array' && Array.isArray(value) && def.element) {
    for (const v of value) collectSecrets(def.element, v, out);
  } else if (def.type === 'union') {
    // every option: over-collecting is harmless for redaction, missing one is not
    for (const option of def.options ?? []) collectSecrets(option, value, out);
  }
  return out;
}

/**
 * The environment values that `${VAR}` put into fields marked `envSecret` (action `headers`, `env`,
 * `url`, channel `headers`): such a field mixes literals and credentials (`Authorization: Bearer
 * ${TOKEN}`), so only what came from the environment is a secret. `substituted` maps a path
 * (joined by `.`) to those values (yaml-source.ts).
 *
 * @example
 * collectEnvSecrets(actionSchema, { headers: { authorization: 'Bearer t0k3n' } }, new Map([['headers.authorization', ['t0k3n']]]))
 * // Set { 't0k3n' }
 */
export function collectEnvSecrets(
  schema: z.ZodType,
  value: unknown,
  substituted: ReadonlyMap<string, readonly string[]>,
  out: Set<string> = new Set(),
  path: PathSegment[] = [],
  marked = false,
): Set<string> {
  if (substituted.size === 0) return out;
  const { schema: inner } = unwrap(schema);
  const here = marked || isEnvSecret(schema) || isEnvSecret(inner);
  if (here && typeof value === 'string') for (const v of substituted.get(path.join('.')) ?? []) out.add(v);
  const def = defOf(inner);
  if (def.type === 'object' && isRecord(value)) {
    for (const [key, v] of Object.entries(value)) {
      const child = def.shape?.[key] ?? def.catchall;
      if (child) collectEnvSecrets(child, v, substituted, out, [...path, key], here);
    }
  } else if (def.type === 'record' && isRecord(value) && def.valueType) {
    for (const [key, v] of Object.entries(value)) collectEnvSecrets(def.valueType, v, substituted, out, [...path, key], here);
  } else if (def.type === 'array' && Array.isArray(value) && def.element) {
    value.forEach((v, i) => collectEnvSecrets(def.element!, v, substituted, out, [...path, i], here));
  } else if (def.type === 'union') {
    for (const option of def.options ?? []) collectEnvSecrets(option, value, substituted, out, path, here);
  }
  return out;
}

/** The scalar kinds (`string`, `number`, `boolean`...) the schema accepts at `path`, any union option. */
export function scalarTypesAt(schema: z.ZodType, path: readonly PathSegment[]): Set<string> {
  const out = new Set<string>();
  const visit = (s: z.ZodType, i: number): void => {
    const def = defOf(unwrap(s).schema);
    if (def.type === 'union') return (def.options ?? []).forEach((o) => visit(o, i));
    if (i === path.length) {
      out.add(def.type === 'int' ? 'number' : def.type);
      return;
    }
    const seg = path[i] as PathSegment;
    const child =
      def.type === 'object'
        ? (def.shape?.[String(seg)] ?? def.catchall)
        : def.type === 'record'
          ? def.valueType
          : def.type === 'array'
            ? def.element
            : undefined;
    if (child) visit(child, i + 1);
  };
  visit(schema, 0);
  return out;
}

/**
 * Types `${VAR}` values written as a whole scalar (`port: ${PORT}`, `port: "${PORT}"`) as numbers or
 * booleans where the schema wants one and not a string. Mutates `data`.
 */
export function typeExpandedScalars(schema: z.ZodType, data: unknown, paths: Iterable<string>): void {
  for (const dotted of paths) {
    const path: PathSegment[] = dotted.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const types = scalarTypesAt(schema, path);
    if (types.has('string') || types.size === 0) continue;
    let parent: unknown = data;
    for (const seg of path.slice(0, -1)) parent = (parent as Record<PathSegment, unknown> | undefined)?.[seg];
    const last = path[path.length - 1] as PathSegment;
    if (typeof parent !== 'object' || parent === null) continue;
    const holder = parent as Record<PathSegment, unknown>;
    const raw = holder[last];
    if (typeof raw !== 'string') continue;
    if (types.has('number') && raw.trim() !== '' && Number.isFinite(Number(raw))) holder[last] = Number(raw);
    else if (types.has('boolean') && (raw === 'true' || raw === 'false')) holder[last] = raw === 'true';
  }
}
