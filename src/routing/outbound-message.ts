/** From a notification and one planned delivery to what a sink receives. */
import type { Notification } from '../notify/types.ts';
import type { OutboundMessage } from '../sinks/sink.ts';
import { escapeMarked, escapeSlack, hasMarks, stripMarks } from '../templates/marks.ts';
import type { FallbackDelivery } from './types.ts';

/**
 * The sink's input for one delivery (or fallback delivery) of a notification.
 *
 * @example
 * const plan = routeNotification(n, config.rules, config.channels, { users: config.main.users });
 * for (const d of plan.deliveries) await queue.add(d.kind, toOutboundMessage(n, d), { jobId: d.id });
 */
export function toOutboundMessage(n: Notification, d: FallbackDelivery): OutboundMessage {
  return {
    id: d.id,
    channel: d.channel,
    ...(d.target !== undefined ? { target: d.target } : {}),
    subject: n.subject,
    // values in the message were marked at render time: plain for every sink, escaped for Slack
    text: stripMarks(n.message),
    ...(hasMarks(n.message) ? { mrkdwn: escapeMarked(n.message, escapeSlack), marked: n.message } : {}),
    data: n.data,
    ...(n.executionId !== undefined
      ? {
          execution: {
            id: n.executionId,
            status: n.status ?? 'unknown',
            action: n.action ?? '',
            ...(n.alias !== undefined ? { alias: n.alias } : {}),
            ...(n.user !== undefined ? { user: n.user } : {}),
          },
        }
      : {}),
    ...(n.alert ? { alert: n.alert } : {}),
    ...(n.executionId !== undefined && (n.trigger === 'ack' || n.trigger === 'progress' || n.trigger === 'result') ? { trigger: n.trigger } : {}),
    ...(n.progress ? { progress: n.progress } : {}),
    ...(n.thread !== undefined ? { thread: n.thread } : {}),
    ...(d.user !== undefined ? { user: d.user } : {}),
    ...(d.replyTo ? { replyTo: d.replyTo } : {}),
    ...(Object.keys(d.options).length ? { options: d.options } : {}),
  };
}
