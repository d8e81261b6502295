/**
 * Matching against one given format (`switchboard match --format`), with the same extras,
 * value and casting rules as the alias matcher.
 */
import type { ParameterSpec } from '../config/schema.ts';
import { compileAliases } from './matcher.ts';
import type { MatchResult } from './types.ts';

/**
 * Matches a text against one format.
 *
 * @example
 * matchFormat('ping {{host}} count {{count=3}}', 'ping web1', { count: { type: 'integer' } })
 * // { kind: 'matched', alias: '', action: '', format: 'ping {{host}} count {{count=3}}', params: { host: 'web1', count: 3 } }
 */
export function matchFormat(format: string, text: string, parameters?: Record<string, ParameterSpec>): MatchResult {
  const { matcher, problems } = compileAliases([
    { id: '', action: '', enabled: true, formats: [format], immutableParameters: {}, ...(parameters ? { parameters } : {}) },
  ]);
  const problem = problems[0];
  if (problem) return { kind: 'invalid', format, error: `format does not compile: ${problem.message}` };
  const result = matcher.match(text);
  return result.kind === 'none' ? { kind: 'none', suggestions: [] } : result;
}
