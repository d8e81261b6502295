/**
 * Cross-reference checks of the alert intake channels (`alertmanager`, `grafana`; src/alerts/):
 * they only receive, so no rule may send to them; their `notify` and `escalate[].notify` names must
 * be handled by a rule (like an action's notify channels); their `allow` roles should be held.
 */
import { didYouMean } from './did-you-mean.ts';
import type { LoadedChannel, LoadedMain, LoadedRule } from './load-outbound.ts';
import type { Diagnostic } from './types.ts';

const INBOUND_ONLY = new Set(['alertmanager', 'grafana']);

/** @example checkAlertChannels(channels, rules, handledNames, main) // [{ file, line, message: 'channel "am-prod" is an alertmanager channel: …' }] */
export function checkAlertChannels(
  channels: Map<string, LoadedChannel>,
  rules: LoadedRule[],
  handled: ReadonlySet<string>,
  main: LoadedMain | undefined,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { rule, source, index } of rules) {
    for (const list of ['to', 'fallback'] as const) {
      rule[list].forEach((d, i) => {
        const kind = d.channel === undefined ? undefined : channels.get(d.channel)?.channel.kind;
        if (kind === undefined || !INBOUND_ONLY.has(kind)) return;
        out.push({
          ...source.at(['rules', index, list, i, 'channel']),
          message: `channel "${d.channel}" used in rule "${rule.name}" is an ${kind} channel: it only receives alerts and cannot be sent to; name a channel that sends (slack, email, sms...)`,
          severity: 'error',
        });
      });
    }
  }
  const roles = main ? new Set(Object.values(main.main.users).flatMap((u) => u.roles)) : undefined;
  for (const { channel, source } of channels.values()) {
    if (channel.kind !== 'alertmanager' && channel.kind !== 'grafana') continue;
    const uses = [
      ...channel.notify.map((name, i) => ({ name, path: ['notify', i] })),
      ...channel.escalate.flatMap((s, j) => s.notify.map((name, i) => ({ name, path: ['escalate', j, 'notify', i] }))),
    ];
    for (const { name, path } of uses) {
      if (handled.has(name)) continue;
      out.push({
        ...source.at(path),
        message: `notify channel "${name}" is handled by no rule: the alerts of ${channel.name} would go nowhere${didYouMean(name, [...handled])}`,
        severity: 'error',
      });
    }
    channel.allow?.forEach((role, i) => {
      if (!roles || roles.has(role)) return;
      out.push({ ...source.at(['allow', i]), message: `role "${role}" is held by no user: nobody may ACK or SILENCE these alerts`, severity: 'warning' });
    });
  }
  return out;
}
