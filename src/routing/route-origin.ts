/**
 * The built-in notify channel `origin` (synonym `chatops`): reply where the command came from,
 * same medium, same conversation. It needs no rule.
 */
import type { ChannelConfig, ChannelKind } from '../config/schema.ts';
import type { Origin } from '../executions/types.ts';
import type { Notification } from '../notify/types.ts';
import { makeDeliveryId } from './delivery-id.ts';
import { originRule, type PlannedDelivery } from './types.ts';

/** The channel kind that answers each origin medium; api and cli callers read the API instead. */
const kindBySource: Record<Origin['source'], ChannelKind | undefined> = {
  sms: 'sms',
  email: 'email',
  slack: 'slack',
  api: undefined,
  cli: undefined,
};

export interface OriginRoute {
  delivery?: PlannedDelivery;
  /** false when the reply cannot go anywhere (no origin, no channel of that kind) */
  handled: boolean;
  note?: string;
}

/** Where in the medium to answer: the Slack conversation (else a DM to the sender), else the sender. */
function targetOf(origin: Origin): string {
  if (origin.source === 'slack') return origin.reply?.channel ?? origin.sender;
  return origin.sender;
}

/**
 * The one delivery of a notification to `origin`: the channel an email, SMS or Slack command arrived on, else
 * the first channel (file order) whose kind answers the origin's medium, the sender (Slack: the
 * conversation) as target, the origin's reply data as `replyTo`. api and cli origins get no
 * delivery (the caller polls the execution).
 *
 * @example
 * routeOrigin(n, channels) // { handled: true, delivery: { channel: 'twilio', kind: 'sms', target: '+15551230001', rule: '(origin)', ... } }
 */
export function routeOrigin(n: Notification, channels: Map<string, ChannelConfig>): OriginRoute {
  const origin = n.origin;
  if (!origin) return { handled: false, note: `${n.name}: no origin to reply to (not started by a command)` };
  const kind = kindBySource[origin.source];
  if (!kind) return { handled: true, note: `${n.name}: origin is ${origin.source}; the caller reads the execution, nothing is sent` };
  // a command names the channel it arrived on (email and SMS: `reply.channel`, Slack: `reply.channel_name`): answer through it
  const arrivedOn = origin.source === 'email' || origin.source === 'sms' ? origin.reply?.channel : origin.source === 'slack' ? origin.reply?.channel_name : undefined;
  const named = arrivedOn ? channels.get(arrivedOn) : undefined;
  const channel = named?.kind === kind ? named : [...channels.values()].find((c) => c.kind === kind);
  if (!channel) return { handled: false, note: `${n.name}: no channel of kind ${kind} to reply to a ${origin.source} origin` };
  const target = targetOf(origin);
  return {
    handled: true,
    delivery: {
      id: makeDeliveryId(n.id, channel.name, target),
      channel: channel.name,
      kind,
      target,
      rule: originRule,
      options: {},
      ...(origin.reply ? { replyTo: { ...origin.reply } } : {}),
      fallback: [],
    },
  };
}
