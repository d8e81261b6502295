/**
 * The words of a question for a missing parameter (docs/contracts.md section 7, "Conversations"):
 * `Which env? staging, prod (reply "cancel" to stop)`. Pure.
 */
import type { ParameterSpec } from '../config/schema.ts';

/** What every question ends with. */
export const CANCEL_HINT = '(reply "cancel" to stop)';

const CANCEL = /^(?:cancel|nevermind|never\s+mind|abort)[.!]*$/i;

/**
 * The question for one parameter: its `enum` values, else its `description`, else its name alone,
 * then how to stop.
 *
 * @example
 * askText('env', { type: 'string', enum: ['staging', 'prod'] })        // 'Which env? staging, prod (reply "cancel" to stop)'
 * askText('version', { type: 'string', description: 'the release tag' }) // 'Which version? (the release tag) (reply "cancel" to stop)'
 */
export function askText(name: string, spec: ParameterSpec | undefined): string {
  if (spec?.enum && spec.enum.length > 0) return `Which ${name}? ${spec.enum.map(show).join(', ')} ${CANCEL_HINT}`;
  const description = spec?.description?.trim();
  if (description) return `Which ${name}? (${description}) ${CANCEL_HINT}`;
  return `Which ${name}? ${CANCEL_HINT}`;
}

/**
 * A refused answer, then the question again.
 *
 * @example
 * refusedText('prodd', 'one of staging, prod', 'env', { type: 'string', enum: ['staging', 'prod'] })
 * // '"prodd" is not one of staging, prod. Which env? staging, prod (reply "cancel" to stop)'
 */
export function refusedText(value: string, expected: string, name: string, spec: ParameterSpec | undefined): string {
  return `${JSON.stringify(value.trim())} is not ${expected}. ${askText(name, spec)}`;
}

/**
 * Whether a reply abandons the question: `cancel`, `nevermind`, `never mind`, `abort` (not `stop`:
 * SMS carriers and Twilio take STOP as an opt-out).
 *
 * @example
 * isCancel('Cancel.') // true
 */
export function isCancel(text: string): boolean {
  return CANCEL.test(text.trim());
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
