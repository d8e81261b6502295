/**
 * Deterministic delivery ids, usable as BullMQ job ids (which may not contain ':'): a repeat of the
 * same notification to the same channel and target gets the same id, so enqueueing it again is a
 * no-op. Fallback deliveries get their own id space: all failures of one notification that fall
 * back to the same (channel, target) send one fallback, and a fallback never collides with a
 * first-choice delivery to that target. A target resolved from a person (`{user: alice}`) also hashes
 * the person's name, so two people never share an id.
 */
import { createHash } from 'node:crypto';

/**
 * `d-` plus 32 hex characters of SHA-256 over the parts.
 *
 * @example
 * makeDeliveryId('01J9Z/on_failure/slack', 'slack-ops', '#incidents') // 'd-3f1c…' (always the same)
 */
export function makeDeliveryId(
  notificationId: string,
  channel: string,
  target: string | undefined,
  kind: 'primary' | 'fallback' = 'primary',
  /** the person a `{user}`/`{role}` target was resolved from: a distinct id per person (absent: the id of a plain target, unchanged) */
  user?: string,
): string {
  const h = createHash('sha256');
  // length-prefixed parts: no two different part lists hash the same input
  for (const part of [kind, notificationId, channel, target ?? '', ...(user === undefined ? [] : [`user=${user}`])]) h.update(`${part.length}:${part}|`);
  return `${kind === 'primary' ? 'd' : 'f'}-${h.digest('hex').slice(0, 32)}`;
}
