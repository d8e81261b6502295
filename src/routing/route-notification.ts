/**
 * Rules: one notification to its deliveries (docs/contracts.md section 2, `rules/*.yaml`). Pure: the plan says what
 * would be sent; the delivery queue sends it.
 */
import type { ChannelConfig, DeliveryTarget, RuleConfig, UserConfig } from '../config/schema.ts';
import type { Notification } from '../notify/types.ts';
import { originName, originSynonyms } from '../notify/types.ts';
import { matchesWhen } from './conditions.ts';
import { makeDeliveryId } from './delivery-id.ts';
import { peopleOf, resolvePeople } from './people.ts';
import { holdUntil } from './quiet-hours.ts';
import { routeOrigin } from './route-origin.ts';
import { originRule, type FallbackDelivery, type PlannedDelivery, type RoutePlan } from './types.ts';

const canonical = (name: string) => (originSynonyms.includes(name) ? originName : name);
const keyOf = (d: { channel: string; target?: string }) => `${d.channel}\u0000${d.target ?? ''}`;

/** What routing reads besides the rules and channels. */
export interface RouteOptions {
  /** switchboard.yaml `users`: resolves `{user}` and `{role}` targets (absent: such targets are skipped with a note) */
  users?: Record<string, UserConfig>;
  /** the clock for quiet hours (`users.NAME.quiet`): deliveries to a person in their quiet hours are marked `held`; absent = nothing is held */
  now?: Date;
}

/**
 * True when the rule's `channel` names the notification's notify channel (`chatops` = `origin`).
 *
 * @example
 * ruleHandles({ channel: ['ops', 'chatops'] }, 'origin') // true
 */
export function ruleHandles(rule: Pick<RuleConfig, 'channel'>, name: string): boolean {
  return [rule.channel].flat().some((c) => canonical(c) === canonical(name));
}

/** The deliveries of one `to` (or `fallback`) entry: one, or one per person it names. */
function planTargets(
  n: Notification,
  entry: DeliveryTarget,
  rule: string,
  channels: Map<string, ChannelConfig>,
  slot: 'primary' | 'fallback',
  notes: string[],
  users: Record<string, UserConfig> | undefined,
): FallbackDelivery[] {
  const { channel: name, target: given, user, role, ...options } = entry;
  const channel = name === undefined ? undefined : channels.get(name);
  if (name !== undefined && !channel) {
    notes.push(`rule "${rule}": unknown channel "${name}" skipped`);
    return [];
  }
  if (user === undefined && role === undefined) {
    if (!channel) return [];
    const target = given ?? channel.default_target;
    return [
      {
        id: makeDeliveryId(n.id, channel.name, target, slot),
        channel: channel.name,
        kind: channel.kind,
        ...(target !== undefined ? { target } : {}),
        rule,
        options,
      },
    ];
  }
  const who = user !== undefined ? `user "${user}"` : `role "${role}"`;
  if (!users || peopleOf(entry, users).length === 0) {
    notes.push(`rule "${rule}": ${who} ${user !== undefined ? 'is unknown' : 'is held by no user'}; skipped`);
    return [];
  }
  const { targets, unreachable } = resolvePeople(entry, channels, users);
  for (const u of unreachable) notes.push(`rule "${rule}": ${u.reason}; skipped`);
  return targets.map((t) => ({
    id: makeDeliveryId(n.id, t.channel.name, t.target, slot, t.user),
    channel: t.channel.name,
    kind: t.channel.kind,
    target: t.target,
    rule,
    options,
    user: t.user,
  }));
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
 *    until one with `stop: true` has fired (none for a `progress` report: it only edits the origin's message).
 * 3. Each `to` entry is one delivery (target absent = the channel's `default_target`), or, naming a
 *    `user` or `role`, one per person (their id in the channel's medium; no channel = each kind they
 *    have an id for), carrying the rule's `fallback` list (minus the delivery itself); identical
 *    (channel, target) deliveries are planned once: the first wins, later duplicates only add their
 *    fallbacks to it.
 * 4. Given `now`, a delivery to a person in their quiet hours is marked `held` (until their end),
 *    unless the notification matches their `except` or answers a command (ack, result, origin).
 * 5. A notification that nothing handled is `unrouted`.
 *
 * @example
 * routeNotification(n, config.rules, config.channels, { users: config.main.users, now: new Date() })
 * // { matched: [{ rule: 'failures reach ops', index: 0, stop: false }],
 * //   deliveries: [{ id: 'd-…', channel: 'slack-ops', kind: 'slack', target: '#incidents', rule: 'failures reach ops', options: {}, fallback: [...] },
 * //                { id: 'd-…', channel: 'sms', kind: 'sms', target: '+15551230001', user: 'alice', held: { until: '2026-12-07T06:00:00.000Z', ... }, ... }],
 * //   unrouted: false, notes: [] }
 */
export function routeNotification(n: Notification, rules: RuleConfig[], channels: Map<string, ChannelConfig>, opts: RouteOptions = {}): RoutePlan {
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
    // a running execution's progress edits its message where the command came from: rules never copy it
    if (n.trigger === 'progress' || !ruleHandles(rule, n.name) || !matchesWhen(n, rule.when)) continue;
    handled = true;
    plan.matched.push({ rule: rule.name, index, stop: rule.stop });
    const fallback = uniqueFallbacks(rule.fallback.flatMap((t) => planTargets(n, t, rule.name, channels, 'fallback', plan.notes, opts.users)));
    for (const t of rule.to) {
      for (const d of planTargets(n, t, rule.name, channels, 'primary', plan.notes, opts.users)) {
        // a delivery never falls back to itself
        add({ ...d, fallback: fallback.filter((f) => keyOf(f) !== keyOf(d)).map((f) => ({ ...f })) });
      }
    }
    if (rule.stop) break;
  }
  if (opts.now && canonical(n.name) !== originName) markHeld(n, plan, opts.users ?? {}, opts.now);
  plan.unrouted = !handled;
  if (!handled && canonical(n.name) !== originName) plan.notes.push(`${n.name}: no rule matches this notification; nothing is sent`);
  return plan;
}

/** Step 4: the deliveries whose person is in quiet hours now, and for how long. */
function markHeld(n: Notification, plan: RoutePlan, users: Record<string, UserConfig>, now: Date): void {
  for (const d of plan.deliveries) {
    const quiet = d.user === undefined ? undefined : users[d.user]?.quiet;
    const until = quiet && holdUntil(quiet, n, now);
    if (!quiet || !until) continue;
    d.held = { until: until.toISOString(), hours: quiet.hours, tz: quiet.tz, ...(quiet.except ? { except: quiet.except } : {}) };
  }
}
