/**
 * Cross-reference checks, alertmanager `checkReceiver` style: what one file names must exist in
 * another. Runtime code may then trust every reference.
 */
import type { LoadedAction } from './load-actions.ts';
import type { LoadedAlias } from './load-aliases.ts';
import type { LoadedChannel, LoadedMain, LoadedRule } from './load-outbound.ts';
import { checkAlertChannels } from './alert-checks.ts';
import { notifyChannelUses } from './notify.ts';
import type { Diagnostic } from './types.ts';
import { didYouMean } from './did-you-mean.ts';
import { checkRolePermissions } from './role-permissions.ts';
import { checkApiKeys, checkReachableUsers, checkUnusedRoles } from './main-checks.ts';
import { checkPeopleTargets, rolesNamedByRules } from './people-checks.ts';

/** Notify channel names every config has: reply where the command came from. */
export const builtinNotifyChannels = ['origin', 'chatops'] as const;

export interface Loaded {
  main?: LoadedMain;
  actions: Map<string, LoadedAction>;
  /** refs of action files with errors of their own */
  brokenActions: Set<string>;
  aliases: LoadedAlias[];
  channels: Map<string, LoadedChannel>;
  rules: LoadedRule[];
}

export function checkCrossReferences(l: Loaded): Diagnostic[] {
  const out: Diagnostic[] = [];
  const actionRefs = [...l.actions.keys()];
  for (const { alias, source } of l.aliases) {
    if (!l.actions.has(alias.action_ref) && !l.brokenActions.has(alias.action_ref)) {
      out.push({
        ...source.at(['action_ref']),
        message: `undefined action "${alias.action_ref}" used in alias "${alias.id}"${didYouMean(alias.action_ref, actionRefs)}`,
        severity: 'error',
      });
    }
  }
  const channelNames = [...l.channels.keys()];
  for (const { rule, source, index } of l.rules) {
    for (const list of ['to', 'fallback'] as const) {
      rule[list].forEach((d, i) => {
        if (d.channel === undefined || l.channels.has(d.channel)) return;
        out.push({
          ...source.at(['rules', index, list, i, 'channel']),
          message: `undefined channel "${d.channel}" used in rule "${rule.name}"${didYouMean(d.channel, channelNames)}`,
          severity: 'error',
        });
      });
    }
  }
  const handled = new Set<string>([...builtinNotifyChannels, ...l.rules.flatMap(({ rule }) => [rule.channel].flat())]);
  const owners = [
    ...[...l.actions.values()].map(({ action, source }) => ({ notify: action.notify, source })),
    ...l.aliases.map(({ alias, source }) => ({ notify: alias.notify, source })),
  ];
  out.push(...checkAlertChannels(l.channels, l.rules, handled, l.main));
  for (const { notify, source } of owners) {
    if (!source) continue;
    for (const use of notifyChannelUses(notify)) {
      if (handled.has(use.name)) continue;
      out.push({ ...source.at(use.path), message: `notify channel "${use.name}" is handled by no rule`, severity: 'error' });
    }
  }
  if (l.main?.source) {
    const { main, source } = l.main;
    const users = Object.keys(main.users);
    main.api_keys.forEach((k, i) => {
      if (main.users[k.user]) return;
      out.push({
        ...source.at(['api_keys', i, 'user']),
        message: `undefined user "${k.user}" used in api key "${k.name}"${didYouMean(k.user, users)}`,
        severity: 'error',
      });
    });
  }
  if (!l.main) return out; // switchboard.yaml is invalid: its own errors say enough
  out.push(...checkPeopleTargets(l.main, l.rules, l.channels));
  out.push(...checkRolePermissions(l.main));
  out.push(
    ...checkApiKeys(l.main),
    ...checkUnusedRoles(l.main, [...l.aliases.map((a) => a.alias), { allow: rolesNamedByRules(l.rules) }]),
    ...checkReachableUsers(l.main),
  );
  if (l.main.main.server.public_url === undefined) {
    for (const { channel, source } of l.channels.values()) {
      if (channel.kind !== 'sms') continue;
      out.push({
        ...source.at(['kind']),
        message: 'server.public_url is not set: texts to this number are refused (Twilio signs its webhooks over that URL); sending still works',
        severity: 'warning',
      });
    }
  }
  for (const { channel, source } of l.channels.values()) {
    if (channel.kind !== 'email' || channel.listen?.verify.length !== 0) continue;
    out.push({
      ...source.at(['listen', 'verify']),
      message:
        'verify: [] checks no sender: any mail whose From names a user runs as that user, verified; list dmarc unless an MTA in front of this listener checks senders',
      severity: 'warning',
    });
  }
  const roles = new Set(Object.values(l.main.main.users).flatMap((u) => u.roles));
  for (const { alias, source } of l.aliases) {
    alias.allow?.forEach((role, i) => {
      if (roles.has(role)) return;
      out.push({ ...source.at(['allow', i]), message: `role "${role}" is held by no user`, severity: 'warning' });
    });
  }
  return out;
}
