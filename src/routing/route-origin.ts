/**
 * The built-in notify channel `origin` (synonym `chatops`): reply where the command came from,
 * same medium, same conversation. It needs no rule.
 */
import type { ChannelConfig, ChannelKind } from '../config/schema.ts';
import type { Origin } from '../executions/types.ts';
import type { Notification } from '../notify/types.ts';
import { providers } from '../providers/index.ts';
import type { ReplyRules } from '../providers/reply.ts';
import { makeDeliveryId } from './delivery-id.ts';
import { originRule, type PlannedDelivery } from './types.ts';

/** The provider that answers each origin medium (its kind is the source); api and cli callers read the API instead. */
function answeringProvider(source: Origin['source']): { kind: ChannelKind; reply?: ReplyRules } | undefined {
  return (providers as readonly { kind: ChannelKind; reply?: ReplyRules }[]).find((p) => p.kind === source);
}

/**
 * Whether answers to `origin` are edited in place (its provider's `reply.edits`): only then is a
 * running execution's progress sent there.
 *
 * @example
 * originEdits({ source: 'slack', sender: 'U1' }) // true
 * originEdits({ source: 'sms', sender: '+15551230001' }) // false
 */
export function originEdits(origin: Origin | undefined): boolean {
  return origin !== undefined && answeringProvider(origin.source)?.reply?.edits === true;
}

export interface OriginRoute {
  delivery?: PlannedDelivery;
  /** false when the reply cannot go anywhere (no origin, no channel of that kind) */
  handled: boolean;
  note?: string;
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
  const provider = answeringProvider(origin.source);
  if (!provider) return { handled: true, note: `${n.name}: origin is ${origin.source}; the caller reads the execution, nothing is sent` };
  const kind = provider.kind;
  const rules = provider.reply ?? {};
  // a command names the channel it arrived on (its provider says which reply field: `channel`, Slack's `channel_name`): answer through it
  const arrivedOn = origin.reply?.[rules.arrivedOn ?? 'channel'];
  const named = arrivedOn ? channels.get(arrivedOn) : undefined;
  const channel = named?.kind === kind ? named : [...channels.values()].find((c) => c.kind === kind);
  if (!channel) return { handled: false, note: `${n.name}: no channel of kind ${kind} to reply to a ${origin.source} origin` };
  // where in the medium: the provider's conversation (Slack channel, Telegram chat...), else the sender (a DM, a text)
  const target = (origin.reply && rules.target?.(origin.reply)) ?? origin.sender;
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
