/**
 * People as rule targets (docs/contracts.md section 7 "People, not only channels"): `{channel: sms,
 * user: alice}` is alice's phone, `{channel: sms, role: oncall}` every oncall person's phone (users
 * order, one delivery each), `{user: alice}` without a channel every channel kind alice has an id
 * for (the first channel of each kind, channels order). A person's id in a medium is the users.NAME
 * key its provider's manifest names (`userKey`: phone, email, slack...). Pure.
 */
import type { ChannelConfig, ChannelKind, UserConfig } from '../config/schema.ts';
import { providers } from '../providers/index.ts';

/** The users.NAME key holding a person's id for each channel kind that has one: `{ sms: 'phone', email: 'email', ... }`. */
const userKeys: ReadonlyMap<string, string> = new Map(
  (providers as readonly { kind: string; userKey?: string }[]).flatMap((p) => (p.userKey === undefined ? [] : [[p.kind, p.userKey] as const])),
);

/**
 * The users.NAME key a channel kind reads a person's id from, or undefined (log, file, github... have none).
 *
 * @example
 * userKeyOf('sms') // 'phone'
 */
export function userKeyOf(kind: string): string | undefined {
  return userKeys.get(kind);
}

/**
 * A person's id in a channel kind's medium, as written (`whatsapp:+1555…` in `phone` reaches them on
 * WhatsApp through an sms channel), or undefined when they have none.
 *
 * @example
 * personTarget({ roles: [], phone: ' +15551230001 ' }, 'sms') // '+15551230001'
 */
export function personTarget(user: UserConfig | undefined, kind: string): string | undefined {
  const key = userKeyOf(kind);
  const value = key === undefined || user === undefined ? undefined : (user as Record<string, unknown>)[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The people a target names: the user, or every holder of the role in users order.
 *
 * @example
 * peopleOf({ role: 'oncall' }, users) // ['alice', 'bob']
 */
export function peopleOf(entry: { user?: string | undefined; role?: string | undefined }, users: Record<string, UserConfig>): string[] {
  if (entry.user !== undefined) return users[entry.user] ? [entry.user] : [];
  if (entry.role === undefined) return [];
  const role = entry.role;
  return Object.entries(users)
    .filter(([, u]) => u.roles.includes(role))
    .map(([name]) => name);
}

/** One (channel, target) a person is reached at. */
export interface PersonTarget {
  channel: ChannelConfig;
  target: string;
  user: string;
}

/** A person a target names who cannot be reached by it. */
export interface Unreachable {
  user: string;
  /** `alice has no phone for channel sms (kind sms)` */
  reason: string;
}

/**
 * Where a `{user}` / `{role}` target reaches each person: the named channel, or (no channel) the first
 * channel of every kind the person has an id for. People without an id there are `unreachable`.
 *
 * @example
 * resolvePeople({ channel: 'sms', role: 'oncall' }, channels, users)
 * // { targets: [{ channel: <sms>, target: '+15551230001', user: 'alice' }], unreachable: [{ user: 'carol', reason: 'carol has no phone for channel sms (kind sms)' }] }
 */
export function resolvePeople(
  entry: { channel?: string | undefined; user?: string | undefined; role?: string | undefined },
  channels: ReadonlyMap<string, ChannelConfig>,
  users: Record<string, UserConfig>,
): { targets: PersonTarget[]; unreachable: Unreachable[] } {
  const targets: PersonTarget[] = [];
  const unreachable: Unreachable[] = [];
  const named = entry.channel === undefined ? undefined : channels.get(entry.channel);
  for (const name of peopleOf(entry, users)) {
    const user = users[name];
    if (named) {
      const target = personTarget(user, named.kind);
      if (target !== undefined) targets.push({ channel: named, target, user: name });
      else {
        const key = userKeyOf(named.kind);
        unreachable.push({
          user: name,
          reason:
            key === undefined
              ? `channel ${named.name} (kind ${named.kind}) has no person ids: a user or role target needs a kind such as ${[...userKeys.keys()].join(', ')}`
              : `${name} has no ${key} for channel ${named.name} (kind ${named.kind})`,
        });
      }
      continue;
    }
    const kinds = new Set<ChannelKind>();
    for (const channel of channels.values()) {
      if (kinds.has(channel.kind)) continue;
      const target = personTarget(user, channel.kind);
      if (target === undefined) continue;
      kinds.add(channel.kind);
      targets.push({ channel, target, user: name });
    }
    if (kinds.size === 0) unreachable.push({ user: name, reason: `${name} has no id for any channel (${[...new Set([...userKeys.values()])].join(', ')})` });
  }
  return { targets, unreachable };
}
