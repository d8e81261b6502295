/**
 * The playground's "what would be sent": the notifications a success and a failure of a matched
 * command would build, and the deliveries the rules plan for them. The same simulation as
 * `switchboard routes` (src/cli/routes.ts); nothing is queued or sent.
 */
import { simulateExecution } from '../cli/routes.ts';
import type { Config } from '../config/types.ts';
import type { ExecutionStatus } from '../executions/types.ts';
import { buildNotifications } from '../notify/index.ts';
import { routeNotification, type PlannedDelivery } from '../routing/index.ts';
import { renderTemplate } from '../templates/render.ts';

export interface PreviewNotification {
  trigger: string;
  /** notify channel name */
  name: string;
  subject: string;
  message: string;
  unrouted: boolean;
  deliveries: PlannedDelivery[];
  notes: string[];
}

export interface RoutePreview {
  status: Extract<ExecutionStatus, 'succeeded' | 'failed'>;
  notifications: PreviewNotification[];
}

export interface PreviewInput {
  alias: string;
  action: string;
  params: Record<string, unknown>;
  user: string;
}

/**
 * @example
 * previewRoutes(config, { alias: 'ops.restart', action: 'ops.restart', params: { service: 'web' }, user: 'alice' })
 * // [{ status: 'succeeded', notifications: [...] }, { status: 'failed', notifications: [...] }]
 */
export function previewRoutes(config: Config, input: PreviewInput): RoutePreview[] {
  const action = config.actions.get(input.action);
  if (!action) return [];
  const alias = config.aliases.find((a) => a.id === input.alias);
  return (['succeeded', 'failed'] as const).map((status) => {
    const simulated = simulateExecution(config, action, alias, { config: config.dir, status, action: action.ref, user: input.user, source: 'api' });
    const execution = { ...simulated, params: { ...simulated.params, ...input.params } };
    const notifications = buildNotifications({ execution, action, alias, render: renderTemplate }).map((n) => {
      const plan = routeNotification(n, config.rules, config.channels, { users: config.main.users, now: new Date() });
      return {
        trigger: n.trigger,
        name: n.name,
        subject: n.subject,
        message: n.message,
        unrouted: plan.unrouted,
        deliveries: plan.deliveries,
        notes: plan.notes,
      };
    });
    return { status, notifications };
  });
}
