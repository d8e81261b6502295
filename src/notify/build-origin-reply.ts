import type { Origin } from '../executions/types.ts';
import { makeNotificationId } from './notification-id.ts';
import { type Notification, originName } from './types.ts';

export interface OriginReplyInput {
  origin: Origin;
  text: string;
  /** the reply's own id (a provider message id answered); else the origin's message id, else `fallbackId` */
  id?: string;
  subject?: string;
  fallbackId: string;
}

/**
 * An answer to the sender of a message, outside any execution (a "did you mean", a "not allowed",
 * a spooled command's provisional id): one `result` notification on the `origin` channel name, its
 * id derived from the message answered so a provider's retry gives the same id.
 *
 * @example
 * const n = buildOriginReply({ origin, text: 'not allowed', fallbackId: randomUUID() });
 */
export function buildOriginReply(i: OriginReplyInput): Notification {
  const scope = `reply-${i.id ?? i.origin.message_id ?? i.fallbackId}`;
  return {
    id: makeNotificationId(scope, 'result', originName),
    name: originName,
    trigger: 'result',
    subject: i.subject ?? 'Switchboard',
    message: i.text,
    data: {},
    origin: i.origin,
  };
}
