/** A human-readable account of route plans: what `switchboard routes` prints (and the dashboard may show). */
import type { ExecutionRecord } from '../executions/types.ts';
import type { Notification } from '../notify/types.ts';
import { originRule, type FallbackDelivery, type RoutePlan } from './types.ts';

const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');

function describeTarget(d: FallbackDelivery): string {
  const options = Object.keys(d.options).length ? `  ${JSON.stringify(d.options)}` : '';
  return `${d.channel} (${d.kind}) ${d.target ?? '(no target)'}${options}  [${d.id}]`;
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
    for (const d of plan.deliveries) {
      lines.push(`    ${describeTarget(d)}${d.rule === originRule ? '  reply to origin' : ''}`);
      for (const f of d.fallback) lines.push(`      fallback: ${describeTarget(f)}`);
    }
    if (Object.keys(n.data).length) lines.push(`  data: ${JSON.stringify(n.data)}`);
    lines.push('  message:', indent(n.message, '    | '));
    for (const note of plan.notes) lines.push(`  note: ${note}`);
  }
  return lines.join('\n');
}
