/**
 * Rules: one notification to its deliveries (docs/contracts.md section 2, `rules/*.yaml`). Pure: the plan says what
 * would be sent; the delivery queue sends it.
 */
import type { ChannelConfig, DeliveryTarget, RuleConfig } from '../config/schema.ts';
import type { Notification } from '../notify/types.ts';
import { originName, originSynonyms } from '../notify/types.ts';
import { matchesWhen } from './conditions.ts';
import { makeDeliveryId } from './delivery-id.ts';
import { routeOrigin } from './route-origin.ts';
import { originRule, type FallbackDelivery, type PlannedDelivery, type RoutePlan } from './types.ts';

const canonical = (name: string) => (originSynonyms.includes(name) ? originName : name);
const keyOf = (d: { channel: string; target?: string }) => `${d.channel}\u0000${d.target ?? ''}`;

/**
 * True when the rule's `channel` names the notification's notify channel (`chatops` = `origin`).
 *
 * @example
 * ruleHandles({ channel: ['ops', 'chatops'] }, 'origin') // true
 */
export function ruleHandles(rule: Pick<RuleConfig, 'channel'>, name: string): boolean {
  return [rule.channel].flat().some((c) => canonical(c) === canonical(name));
}

function planTarget(
  n: Notification,
  entry: DeliveryTarget,
  rule: string,
  channels: Map<string, ChannelConfig>,
  role: 'primary' | 'fallback',
  notes: string[],
): FallbackDelivery | undefined {
  const { channel: name, target: given, ...options } = entry;
  const channel = channels.get(name);
  if (!channel) {
    notes.push(`rule "${rule}": unknown channel "${name}" skipped`);
    return undefined;
  }
  const target = given ?? channel.default_target;
  return { id: makeDeliveryId(n.id, name, target, role), channel: name, kind: channel.kind, ...(target !== undefined ? { target } : {}), rule, options };
}

function uniqueFallbacks(list: FallbackDelivery[]): FallbackDelivery[] {
  const byKey = new Map<string, FallbackDelivery>();
  for (const d of list) if (!byKey.has(keyOf(d))) byKey.set(keyOf(d), d);
  return [...byKey.values()];
}

/**
 * The deliveries of one notification:
 * 1. `origin` (or `chatops`) gets its built-in reply, no rule needed (see {@link routeOrigin}).
 * 2. Every rule whose `channel` names the notification and whose `when` holds fires, in file order,
 *    until one with `stop: true` has fired.
 * 3. Each `to` entry is one delivery (target absent = the channel's `default_target`), carrying the
 *    rule's `fallback` list (minus the delivery itself); identical (channel, target) deliveries are planned once: the first
 *    wins, later duplicates only add their fallbacks to it.
 * 4. A notification that nothing handled is `unrouted`.
 *
 * @example
 * routeNotification(n, config.rules, config.channels)
 * // { matched: [{ rule: 'failures reach ops', index: 0, stop: false }],
 * //   deliveries: [{ id: 'd-…', channel: 'slack-ops', kind: 'slack', target: '#incidents', rule: 'failures reach ops', options: {}, fallback: [...] }],
 * //   unrouted: false, notes: [] }
 */
export function routeNotification(n: Notification, rules: RuleConfig[], channels: Map<string, ChannelConfig>): RoutePlan {
  const plan: RoutePlan = { notificationId: n.id, matched: [], deliveries: [], unrouted: false, notes: [] };
  const byKey = new Map<string, PlannedDelivery>();
  const add = (d: PlannedDelivery) => {
    const first = byKey.get(keyOf(d));
    if (!first) {
      byKey.set(keyOf(d), d);
      plan.deliveries.push(d);
      return;
    }
    first.fallback = uniqueFallbacks([...first.fallback, ...d.fallback]).filter((f) => keyOf(f) !== keyOf(first));
    const by = first.rule === originRule ? 'the origin reply' : `rule "${first.rule}"`;
    plan.notes.push(`${d.channel} ${d.target ?? '(no target)'}: already planned by ${by}; sent once (rule "${d.rule}" only adds its fallbacks)`);
  };
  let handled = false;
  if (canonical(n.name) === originName) {
    const o = routeOrigin(n, channels);
    handled = o.handled;
    if (o.note) plan.notes.push(o.note);
    if (o.delivery) add(o.delivery);
  }
  for (const [index, rule] of rules.entries()) {
    if (!ruleHandles(rule, n.name) || !matchesWhen(n, rule.when)) continue;
    handled = true;
    plan.matched.push({ rule: rule.name, index, stop: rule.stop });
    const fallback = uniqueFallbacks(rule.fallback.flatMap((t) => planTarget(n, t, rule.name, channels, 'fallback', plan.notes) ?? []));
    for (const t of rule.to) {
      const d = planTarget(n, t, rule.name, channels, 'primary', plan.notes);
      // a delivery never falls back to itself
      if (d) add({ ...d, fallback: fallback.filter((f) => keyOf(f) !== keyOf(d)).map((f) => ({ ...f })) });
    }
    if (rule.stop) break;
  }
  plan.unrouted = !handled;
  if (!handled && canonical(n.name) !== originName) plan.notes.push(`${n.name}: no rule matches this notification; nothing is sent`);
  return plan;
}
