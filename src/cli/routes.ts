/**
 * `switchboard routes`: which rules match and which deliveries would fire, with the exact rendered
 * message, for a simulated execution of an action. Nothing is queued or sent (amtool's
 * `config routes test`, extended to rendered messages). Exit 0; 1 when an argument is wrong or a
 * notification would go nowhere (a CI gate); 2 on a config error.
 */
import { loadConfig, formatDiagnostic } from '../config/load.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import type { ActionConfig, AliasConfig, Config } from '../config/types.ts';
import type { Env } from '../config/env.ts';
import type { ExecutionRecord, ExecutionStatus, Origin } from '../executions/types.ts';
import { buildAck, buildNotifications, type Notification, type NotifyTrigger } from '../notify/index.ts';
import { alertRoutes, describeAlertRoutes, describeRoutes, routeNotification, type RoutePlan } from '../routing/index.ts';
import { renderTemplate } from '../templates/render.ts';

export interface RoutesArgs {
  config: string;
  status: string;
  action: string;
  alias?: string;
  user?: string;
  /** from repeated `--data k=v`: set on every notification's data (dot keys make nested values) before routing */
  data?: Record<string, string>;
  /** only notifications of this trigger (on_success, on_failure, on_complete, ack, result) */
  trigger?: string;
  /** from repeated `--param k=v`: execution parameters over the action's defaults */
  params?: Record<string, string>;
  /** simulated origin medium (default cli: no origin reply is sent) */
  source?: Origin['source'];
  json?: boolean;
  /** environment for `${VAR}` in the config; default process.env */
  env?: Env;
  /** the clock for quiet hours (a delivery to a person in their hours shows `held now until ...`); default now */
  now?: Date;
}

export interface RoutesIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** One notification and its plan, as printed. */
export interface RoutedNotification {
  notification: Notification;
  plan: RoutePlan;
}

const statuses: readonly ExecutionStatus[] = ['queued', 'running', 'succeeded', 'failed', 'timeout', 'canceled'];
const triggers: readonly NotifyTrigger[] = ['on_success', 'on_failure', 'on_complete', 'ack', 'result'];
const sources: readonly Origin['source'][] = ['api', 'cli', 'sms', 'email', 'slack'];

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = target;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    cur = (cur[part] = next && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {}) as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] ?? path] = value;
}

function senderFor(config: Config, user: string | undefined, source: Origin['source']): string {
  const u = user ? config.main.users[user] : undefined;
  if (source === 'sms') return u?.phone ?? '+15550000000';
  if (source === 'email') return u?.email ?? 'sender@example.com';
  if (source === 'slack') return u?.slack ?? 'U0SENDER';
  return user ?? 'cli';
}

/**
 * Repeated `k=v` options (`--data`, `--param`) as a record; an entry without `=` is an error message.
 *
 * @example
 * parseKeyValues(['severity=critical', 'a.b=c=d']) // { severity: 'critical', 'a.b': 'c=d' }
 * parseKeyValues(['oops'])                        // 'expected key=value, got "oops"'
 */
export function parseKeyValues(list: readonly string[] | undefined): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) return `expected key=value, got "${item}"`;
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

/**
 * The execution the preview pretends ran: the action's parameter defaults (then the alias's
 * immutable parameters, then `--param`), a canned error for failed and timeout, an empty shell
 * result for succeeded, and an origin of `--source` (default cli) whose sender is the user's
 * phone, email or Slack id from switchboard.yaml.
 *
 * @example
 * simulateExecution(config, config.actions.get('ops.restart')!, undefined, { config: '.', status: 'failed', action: 'ops.restart' })
 * // { id: 'preview', status: 'failed', error: 'simulated failure', params: { env: 'staging' }, origin: { source: 'cli', sender: 'cli' }, ... }
 */
export function simulateExecution(config: Config, action: ActionConfig, alias: AliasConfig | undefined, args: RoutesArgs): ExecutionRecord {
  const params: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(action.parameters)) if (spec.default !== undefined) params[name] = spec.default;
  Object.assign(params, alias?.immutable_parameters ?? {}, args.params ?? {});
  const status = args.status as ExecutionStatus;
  const source = args.source ?? 'cli';
  const error = status === 'failed' ? 'simulated failure' : status === 'timeout' ? `timed out after ${action.timeout}s` : undefined;
  return {
    id: 'preview',
    status,
    action: action.ref,
    params,
    ...(alias ? { alias: alias.id } : {}),
    ...(args.user !== undefined ? { user: args.user } : {}),
    origin: {
      source,
      sender: senderFor(config, args.user, source),
      ...(source === 'slack' ? { reply: { channel: 'C0PREVIEW', thread_ts: '0000000000.000100' } } : {}),
    },
    created_at: new Date().toISOString(),
    ...(status === 'succeeded' ? { result: { stdout: '', stderr: '', return_code: 0 } } : {}),
    ...(error ? { error } : {}),
    attempts: 1,
    deliveries: [],
  };
}

function checkArgs(config: Config, args: RoutesArgs): { action: ActionConfig; alias?: AliasConfig } | string {
  if (!statuses.includes(args.status as ExecutionStatus)) return `--status must be one of ${statuses.join(', ')}, not "${args.status}"`;
  if (args.trigger !== undefined && !triggers.includes(args.trigger as NotifyTrigger))
    return `--trigger must be one of ${triggers.join(', ')}, not "${args.trigger}"`;
  if (args.source !== undefined && !sources.includes(args.source)) return `--source must be one of ${sources.join(', ')}, not "${args.source}"`;
  const action = config.actions.get(args.action);
  if (!action) return `unknown action "${args.action}"${didYouMean(args.action, config.actions.keys())}`;
  if (args.alias === undefined) return { action };
  const alias = config.aliases.find((a) => a.id === args.alias) ?? config.aliases.filter((a) => a.name === args.alias && a.action_ref === action.ref)[0];
  if (!alias)
    return `unknown alias "${args.alias}"${didYouMean(
      args.alias,
      config.aliases.map((a) => a.id),
    )}`;
  if (alias.action_ref !== action.ref) return `alias "${alias.id}" runs ${alias.action_ref}, not ${action.ref}`;
  return { action, alias };
}

/** A firing alert notification to `name` (escalation `step`, 0 = the first notification), for the preview; `--data` as its labels. */
function alertPreview(name: string, step: number, data: Record<string, string>): Notification {
  const labels: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) setPath(labels, k, v);
  return { id: `preview/alert/${step}/${name}`, name, trigger: 'alert', subject: 'alert preview', message: '', data: labels, status: 'firing' };
}

/**
 * Previews the notifications and deliveries of one simulated execution (and, for alert channels,
 * of a firing alert and its escalation steps); deliveries to a person in quiet hours show as held.
 *
 * @example
 * await runRoutes({ config: '.', status: 'failed', action: 'ops.restart', data: { severity: 'critical' } }, { out: console.log, err: console.error })
 */
export async function runRoutes(args: RoutesArgs, io: RoutesIo): Promise<number> {
  const { config, diagnostics } = await loadConfig(args.config, args.env ? { env: args.env } : {});
  if (!config) {
    for (const d of diagnostics.filter((x) => x.severity === 'error')) io.err(formatDiagnostic(d));
    return 2;
  }
  const checked = checkArgs(config, args);
  if (typeof checked === 'string') {
    io.err(checked);
    return 1;
  }
  const { action, alias } = checked;
  const people = { users: config.main.users, now: args.now ?? new Date() };
  const execution = simulateExecution(config, action, alias, args);
  const built =
    execution.status === 'queued'
      ? [buildAck({ execution, alias, render: renderTemplate })].filter((n): n is Notification => n !== undefined)
      : buildNotifications({ execution, action, alias, render: renderTemplate });
  const routed: RoutedNotification[] = built
    .filter((n) => args.trigger === undefined || n.trigger === args.trigger)
    .map((n) => {
      const data = { ...n.data };
      for (const [k, v] of Object.entries(args.data ?? {})) setPath(data, k, v);
      const notification = { ...n, data };
      return { notification, plan: routeNotification(notification, config.rules, config.channels, people) };
    });
  // alert channels (alertmanager, grafana): a firing alert's deliveries and each escalation step's
  const alerts = args.trigger === undefined ? alertRoutes(config.channels) : [];
  const routeAlert = (name: string, step: number) => routeNotification(alertPreview(name, step, args.data ?? {}), config.rules, config.channels, people);
  if (args.json) {
    const alertPlans = alerts.map((a) => ({
      ...a,
      plans: [a.notify, ...a.escalate.map((s) => s.notify)].flatMap((names, step) => names.map((name) => ({ step, name, plan: routeAlert(name, step) }))),
    }));
    io.out(JSON.stringify({ execution, notifications: routed, ...(alertPlans.length > 0 && { alerts: alertPlans }) }, null, 2));
  } else io.out(alerts.length ? `${describeRoutes(execution, routed)}\n${describeAlertRoutes(alerts, routeAlert)}` : describeRoutes(execution, routed));
  return routed.some((r) => r.plan.unrouted) ? 1 : 0;
}
