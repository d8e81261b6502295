/** The shapes routing produces: which rules matched a notification and the deliveries they plan. */
import type { ChannelKind } from '../config/schema.ts';

/** One delivery that would be sent, or, in a fallback list, one that is sent if a delivery fails for good. */
export interface FallbackDelivery {
  /** deterministic, a valid BullMQ job id (hex, no ':'): same notification, channel and target, same id */
  id: string;
  /** channel name (channels/*.yaml) */
  channel: string;
  kind: ChannelKind;
  /** the `to` entry's target, else the channel's `default_target`; absent when neither gives one */
  target?: string;
  /** the rule that planned it; `(origin)` for the built-in reply to the origin */
  rule: string;
  /** the extra keys of the rule's `to` (or `fallback`) entry: labels, assignees... */
  options: Record<string, unknown>;
  /** the conversation to answer in (origin replies only) */
  replyTo?: Record<string, string>;
  /** the person the target was resolved from (`to: [{channel: sms, user: alice}]` or `{role: oncall}`); quiet hours apply to them */
  user?: string;
}

export interface PlannedDelivery extends FallbackDelivery {
  /** the planning rule's `fallback` targets, for when this delivery fails for good */
  fallback: FallbackDelivery[];
  /** set when its person is in quiet hours (routeNotification given `now`): held, then sent in their digest at `until` */
  held?: HeldDelivery;
}

/** Why and until when a delivery is held (`users.NAME.quiet`, src/routing/quiet-hours.ts). */
export interface HeldDelivery {
  /** the end of the quiet period (ISO): when the digest goes */
  until: string;
  /** the person's quiet hours, as configured: `22:00-07:00` */
  hours: string;
  tz: string;
  /** the conditions that would have let it through (`except`) */
  except?: Record<string, unknown>;
}

/** A rule that matched the notification. */
export interface RuleMatch {
  rule: string;
  /** position among all rules (file order) */
  index: number;
  stop: boolean;
}

export interface RoutePlan {
  notificationId: string;
  /** rules that matched, in file order, up to and including the first with `stop: true` */
  matched: RuleMatch[];
  deliveries: PlannedDelivery[];
  /** no rule and no built-in handled the notification: nothing is sent */
  unrouted: boolean;
  /** why something was not planned: duplicates dropped, origin with no channel, api/cli origins... */
  notes: string[];
}

/** The name a built-in origin delivery carries in {@link FallbackDelivery.rule}. */
export const originRule = '(origin)';
