/**
 * The texts used when a config gives none: a notify entry without `message`, an alias `result`
 * without `format`, an alias `ack` without `format` (StackStorm's / hubot-stackstorm's wording).
 */
import type { ExecutionRecord } from '../executions/types.ts';

/** A notify entry without `message`: what ran, how it ended, and why when it failed. */
export const defaultMessageTemplate = '{{ action }} {{ status }}{% if error %}: {{ error }}{% endif %}';

/**
 * hubot-stackstorm's first start message (it picks one of nine at random; one fixed text keeps
 * notifications deterministic and testable).
 *
 * @example
 * defaultAckText('01J9Z…') // "I'll take it from here! Your execution ID for reference is 01J9Z…"
 */
export function defaultAckText(executionId: string): string {
  return `I'll take it from here! Your execution ID for reference is ${executionId}`;
}

/** A short, readable form of an action result: shell stdout (and stderr on failure), http body, else JSON. */
export function formatResult(result: unknown): string {
  if (result === undefined || result === null) return '';
  if (typeof result === 'string') return result.trim();
  if (typeof result !== 'object') return String(result);
  const r = result as Record<string, unknown>;
  if (typeof r.stdout === 'string') {
    const parts = [r.stdout.trim()];
    if (r.return_code !== 0 && typeof r.stderr === 'string') parts.push(r.stderr.trim());
    return parts.filter(Boolean).join('\n');
  }
  if ('status_code' in r && 'body' in r) return typeof r.body === 'string' ? r.body.trim() : JSON.stringify(r.body, null, 2);
  return JSON.stringify(result, null, 2);
}

/**
 * The `result` reply when the alias gives no `format`: the default message, then the result.
 *
 * @example
 * defaultResultText(exec, 'ops.restart succeeded') // 'ops.restart succeeded\nrestarted web'
 */
export function defaultResultText(exec: Pick<ExecutionRecord, 'result'>, headline: string): string {
  const body = formatResult(exec.result);
  return body ? `${headline}\n${body}` : headline;
}

/**
 * The subject of a notification about an execution.
 *
 * @example
 * subjectOf({ action: 'ops.restart', status: 'failed' }) // 'ops.restart failed'
 */
export function subjectOf(exec: Pick<ExecutionRecord, 'action' | 'status'>): string {
  return `${exec.action} ${exec.status}`;
}
