/**
 * Unknown keys found by a schema's own check (a record whose keys are a closed set, such as a rule's
 * `when`) are reported like zod's unrecognized keys: at the key, with the nearest known key.
 */
import type { z } from 'zod';
import { suggest } from './did-you-mean.ts';

/** What {@link unknownKeyIssue} puts in a custom issue's `params`. */
export interface UnknownKeyParams {
  unknownKey: string;
  known: string[];
}

/**
 * `unknown key "stauts" (did you mean "status"?)`; `fallback` is suggested when no known key is near.
 *
 * @example
 * unknownKeyMessage('severity', ['status'], 'data.severity') // 'unknown key "severity" (did you mean "data.severity"?)'
 */
export function unknownKeyMessage(key: string, known: readonly string[], fallback?: string): string {
  const s = suggest(key, known) ?? fallback;
  return `unknown key "${key}"${s === undefined ? '' : ` (did you mean "${s}"?)`}`;
}

/** Adds an issue for `key` of the value being refined; the loader reports it at the key. */
export function unknownKeyIssue(ctx: z.RefinementCtx, key: string, known: readonly string[], fallback?: string): void {
  const params: UnknownKeyParams = { unknownKey: key, known: [...known] };
  ctx.addIssue({ code: 'custom', path: [key], message: unknownKeyMessage(key, known, fallback), params });
}

/** The unknown-key params of a custom issue made by {@link unknownKeyIssue}, else undefined. */
export function unknownKeyParams(issue: z.core.$ZodIssue): UnknownKeyParams | undefined {
  if (issue.code !== 'custom') return undefined;
  const params = (issue as { params?: Partial<UnknownKeyParams> }).params;
  return typeof params?.unknownKey === 'string' && Array.isArray(params.known) ? (params as UnknownKeyParams) : undefined;
}
