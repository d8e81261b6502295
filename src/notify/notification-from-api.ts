/** Notifications sent through the rules without an execution: `POST /api/v1/notify`. */
import { channelNames } from './merge-notify.ts';
import { makeNotificationId } from './notification-id.ts';
import type { Notification } from './types.ts';

export interface ApiNotifyBody {
  channels: string[];
  message: string;
  data?: Record<string, unknown>;
}

/**
 * One notification per channel name of the request (`chatops` read as `origin`, repeats dropped).
 * `id` identifies the request (its `Idempotency-Key`, or a fresh id): the same id gives the same
 * notification ids, so a re-sent request is delivered once. Message and data are sent as written,
 * never rendered: they come from a caller, and values from outside are data, not templates.
 * The subject is the message's first line (at most 120 characters).
 *
 * @example
 * notificationFromApi({ channels: ['slack'], message: 'deploy done' }, 'req-42')
 * // [{ id: 'req-42/api/slack', name: 'slack', trigger: 'api', subject: 'deploy done', message: 'deploy done', data: {} }]
 */
export function notificationFromApi(body: ApiNotifyBody, id: string): Notification[] {
  const firstLine = body.message.split('\n', 1)[0] ?? '';
  const subject = firstLine.length > 120 ? `${firstLine.slice(0, 119)}…` : firstLine;
  return channelNames({ channels: body.channels }).map((name) => ({
    id: makeNotificationId(id, 'api', name),
    name,
    trigger: 'api',
    subject,
    message: body.message,
    data: { ...(body.data ?? {}) },
  }));
}
