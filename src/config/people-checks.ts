/**
 * Rule targets that name people (`{channel: sms, user: alice}`, `{role: oncall}`): the user or role
 * must exist, and the channel must reach them (the person's id under the users.NAME key of the
 * channel's kind). A single user who cannot be reached is an error; role members who cannot be are
 * warnings (routing skips them and says so in the plan's notes), unless nobody in the role can be.
 */
import type { ChannelConfig } from './schema.ts';
import { peopleOf, resolvePeople, userKeyOf } from '../routing/people.ts';
import { didYouMean } from './did-you-mean.ts';
import type { LoadedChannel, LoadedMain, LoadedRule } from './load-outbound.ts';
import type { Diagnostic } from './types.ts';

/**
 * @example
 * checkPeopleTargets(l.main, l.rules, l.channels)
 * // [{ file: 'rules/page.yaml', line: 5, col: 36, path: 'rules.0.to.0.user', message: 'rule "page oncall": alice has no phone for channel sms (kind sms)', severity: 'error' }]
 */
export function checkPeopleTargets(main: LoadedMain | undefined, rules: readonly LoadedRule[], channels: ReadonlyMap<string, LoadedChannel>): Diagnostic[] {
  if (!main) return []; // switchboard.yaml is invalid: its own errors say enough
  const users = main.main.users;
  const held = new Set(Object.values(users).flatMap((u) => u.roles));
  const byName = new Map<string, ChannelConfig>([...channels].map(([name, c]) => [name, c.channel]));
  const out: Diagnostic[] = [];
  for (const { rule, source, index } of rules) {
    for (const list of ['to', 'fallback'] as const) {
      rule[list].forEach((entry, i) => {
        if (entry.user === undefined && entry.role === undefined) return;
        const field = entry.user !== undefined ? 'user' : 'role';
        const at = (severity: Diagnostic['severity'], message: string) => out.push({ ...source.at(['rules', index, list, i, field]), message, severity });
        if (entry.user !== undefined && !users[entry.user]) {
          at('error', `undefined user "${entry.user}" used in rule "${rule.name}"${didYouMean(entry.user, Object.keys(users))}`);
          return;
        }
        if (entry.role !== undefined && peopleOf(entry, users).length === 0) {
          const known = new Set([...held, ...Object.keys(main.main.roles)]);
          at('error', `role "${entry.role}" used in rule "${rule.name}" is held by no user${didYouMean(entry.role, known)}`);
          return;
        }
        if (entry.channel !== undefined && !byName.has(entry.channel)) return; // reported as an undefined channel
        const named = entry.channel === undefined ? undefined : byName.get(entry.channel);
        if (named && userKeyOf(named.kind) === undefined) {
          at(
            'error',
            `rule "${rule.name}": channel ${named.name} (kind ${named.kind}) cannot reach a person: it has no user ids (sms: phone, email, slack...)`,
          );
          return;
        }
        const { targets, unreachable } = resolvePeople(entry, byName, users);
        if (entry.user !== undefined || targets.length === 0) {
          const who = entry.role !== undefined ? ` (nobody holding role "${entry.role}" can be reached)` : '';
          for (const u of unreachable) at('error', `rule "${rule.name}": ${u.reason}${who}`);
          return;
        }
        for (const u of unreachable) at('warning', `rule "${rule.name}": role "${entry.role}": ${u.reason}; they are skipped`);
      });
    }
  }
  return out;
}

/** The roles rule targets name (`{role: oncall}`): a role held for paging is not an unused role. */
export function rolesNamedByRules(rules: readonly LoadedRule[]): string[] {
  return rules.flatMap(({ rule }) => [...rule.to, ...rule.fallback].flatMap((t) => (t.role === undefined ? [] : [t.role])));
}
