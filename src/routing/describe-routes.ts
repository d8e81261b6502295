/** A human-readable account of route plans: what `switchboard routes` prints (and the dashboard may show). */
import type { ChannelConfig } from '../config/schema.ts';
import type { ExecutionRecord } from '../executions/types.ts';
import type { Notification } from '../notify/types.ts';
import { flattenWhen } from './conditions.ts';
import { formatLocal } from './quiet-hours.ts';
import { originRule, type FallbackDelivery, type HeldDelivery, type PlannedDelivery, type RoutePlan } from './types.ts';

const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');

function describeTarget(d: FallbackDelivery): string {
  const options = Object.keys(d.options).length ? `  ${JSON.stringify(d.options)}` : '';
  const person = d.user !== undefined ? `  user ${d.user}` : '';
  return `${d.channel} (${d.kind}) ${d.target ?? '(no target)'}${person}${options}  [${d.id}]`;
}

/**
 * `held now until 07:00 Europe/Berlin (quiet hours; except data.severity=critical)`.
 *
 * @example
 * describeHeld({ until: '2026-12-07T06:00:00.000Z', hours: '22:00-07:00', tz: 'Europe/Berlin', except: { 'data.severity': 'critical' } })
 */
export function describeHeld(h: HeldDelivery): string {
  const except = flattenWhen(h.except)
    .map(([k, v]) => `${k}=${[v].flat().map(String).join('|')}`)
    .join(', ');
  return `held now until ${formatLocal(new Date(h.until), h.tz)} (quiet hours${except ? `; except ${except}` : ''})`;
}

function deliveryLines(d: PlannedDelivery, prefix: string): string[] {
  const lines = [`${prefix}${describeTarget(d)}${d.rule === originRule ? '  reply to origin' : ''}`];
  if (d.held) lines.push(`${prefix}  ${describeHeld(d.held)}`);
  for (const f of d.fallback) lines.push(`${prefix}  fallback: ${describeTarget(f)}`);
  return lines;
}

/**
 * @example
 * describeRoutes(execution, [{ notification, plan }])
 * // ops.restart failed  (alias ops.restart, user alice, origin cli, execution preview)
 * //
 * // on_failure -> ops  "ops.restart failed"
 * //   rules: "ops hears about everything", "failures are kept in the outbox too"
 * //   deliveries:
 * //     log (log) (no target)  [d-…]
 * //   message:
 * //     | ops.restart failed on staging: simulated failure
 */
export function describeRoutes(
  exec: Pick<ExecutionRecord, 'id' | 'action' | 'status' | 'alias' | 'user' | 'origin'>,
  routed: { notification: Notification; plan: RoutePlan }[],
): string {
  const who = [
    exec.alias ? `alias ${exec.alias}` : 'no alias',
    `user ${exec.user ?? '(none)'}`,
    `origin ${exec.origin?.source ?? '(none)'}`,
    `execution ${exec.id}`,
  ];
  const lines = [`${exec.action} ${exec.status}  (${who.join(', ')})`];
  if (routed.length === 0) lines.push('', `no notification fires for status ${exec.status}`);
  for (const { notification: n, plan } of routed) {
    lines.push('', `${n.trigger} -> ${n.name}  "${n.subject}"${plan.unrouted ? '  UNROUTED' : ''}`);
    lines.push(`  rules: ${plan.matched.length ? plan.matched.map((m) => `"${m.rule}"${m.stop ? ' (stop)' : ''}`).join(', ') : '(none)'}`);
    lines.push(plan.deliveries.length ? '  deliveries:' : '  deliveries: (none)');
    for (const d of plan.deliveries) lines.push(...deliveryLines(d, '    '));
    if (Object.keys(n.data).length) lines.push(`  data: ${JSON.stringify(n.data)}`);
    lines.push('  message:', indent(n.message, '    | '));
    for (const note of plan.notes) lines.push(`  note: ${note}`);
  }
  return lines.join('\n');
}

/** An alert channel's escalation step, read from its config (alertmanager and grafana channels: `escalate`). */
export interface EscalationStep {
  /** as written: `5m`, `1h`... */
  after: string;
  notify: string[];
}

/** The alert channel's routes: who its alerts notify first, then each escalation step. */
export interface AlertRoute {
  channel: string;
  kind: string;
  notify: string[];
  escalate: EscalationStep[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/**
 * The channels that take alerts in (`alertmanager`, `grafana`) with their `notify` names and `escalate`
 * steps, read defensively (the channel schema is the alerts', src/providers/alertmanager).
 *
 * @example
 * alertRoutes(config.channels) // [{ channel: 'am-prod', kind: 'alertmanager', notify: ['oncall'], escalate: [{ after: '5m', notify: ['oncall-backup'] }] }]
 */
export function alertRoutes(channels: ReadonlyMap<string, ChannelConfig>): AlertRoute[] {
  const out: AlertRoute[] = [];
  for (const channel of channels.values()) {
    const c = channel as unknown as Record<string, unknown>;
    if (c.kind !== 'alertmanager' && c.kind !== 'grafana') continue;
    const steps = 'escalate' in c && Array.isArray(c.escalate) ? c.escalate : [];
    out.push({
      channel: channel.name,
      kind: String(c.kind),
      notify: strings(c.notify),
      escalate: steps.flatMap((s: unknown) => {
        if (typeof s !== 'object' || s === null) return [];
        const step = s as Record<string, unknown>;
        return [{ after: typeof step.after === 'number' ? `${step.after}s` : String(step.after ?? '?'), notify: strings(step.notify) }];
      }),
    });
  }
  return out;
}

/**
 * What `switchboard routes` adds for alert channels: the deliveries of a firing alert, then each
 * escalation step and its deliveries (`route` plans a synthetic alert notification to a notify name).
 *
 * @example
 * describeAlertRoutes(alertRoutes(config.channels), (name, step) => routeNotification(alertPreview(name, step), config.rules, config.channels, { users, now }))
 * // alerts from am-prod (alertmanager): notify oncall
 * //   escalation: after 5m: notify oncall-backup → after 15m: notify managers
 * //   ...
 */
export function describeAlertRoutes(routes: readonly AlertRoute[], route: (name: string, step: number) => RoutePlan): string {
  const lines: string[] = [];
  for (const r of routes) {
    lines.push('', `alerts from ${r.channel} (${r.kind}): notify ${r.notify.join(', ') || '(nobody)'}`);
    lines.push(
      r.escalate.length
        ? `  escalation: ${r.escalate.map((s) => `after ${s.after}: notify ${s.notify.join(', ') || '(nobody)'}`).join(' → ')} (until someone acknowledges)`
        : '  escalation: (none)',
    );
    const stages = [{ label: 'firing', names: r.notify }, ...r.escalate.map((s) => ({ label: `after ${s.after}`, names: s.notify }))];
    stages.forEach((stage, step) => {
      for (const name of stage.names) {
        const plan = route(name, step);
        lines.push(`  ${stage.label} -> ${name}${plan.unrouted ? '  UNROUTED' : ''}`);
        for (const d of plan.deliveries) lines.push(...deliveryLines(d, '    '));
        for (const note of plan.notes) lines.push(`    note: ${note}`);
      }
    });
  }
  return lines.join('\n');
}
