/**
 * The alert service (docs/contracts.md section 7, "Alerts in"): intake of Alertmanager/Grafana
 * alerts into records (src/alerts/store.ts), their notifications through the rules (the delivery
 * service), escalation (src/alerts/escalation.ts), and the answers people give (`ACK 4821`,
 * `SILENCE 4821 2h`, the API, the dashboard, Slack's button).
 */
import type { Redis } from 'ioredis';
import type { Source } from '../aliases/index.ts';
import { mayRun, resolveUser } from '../auth/authorize.ts';
import type { Config } from '../config/types.ts';
import type { DeliveryService } from '../deliveries/types.ts';
import { retentionSecondsOf } from '../executions/job-options.ts';
import { redactText, type Logger } from '../log.ts';
import { isAlertId } from './codes.ts';
import { formatDuration } from './duration.ts';
import { createEscalationScheduler, stepDelays, type EscalationJobData } from './escalation.ts';
import { alertKeys } from './keys.ts';
import { alertName, alertNotifications, type AlertNotice } from './notifications.ts';
import { createSilence } from './silence.ts';
import { createAlertStore } from './store.ts';
import type { AlertAction, AlertActionResult, AlertEvent, AlertRecord, IncomingAlert } from './types.ts';

/** What one webhook did: per alert, its record id and what happened to it. */
export interface IntakeResult {
  alerts: { id: string; code: string; fingerprint: string; outcome: 'fired' | 'repeated' | 'resolved' | 'ignored' }[];
}

/** The filters of `GET /api/v1/alerts` and the dashboard's list. */
export interface AlertListQuery {
  status?: 'firing' | 'resolved';
  channel?: string;
  /** 1..200, default 50 */
  limit?: number;
  /** opaque, from a previous page's `next_cursor` */
  cursor?: string;
}

export interface AlertPage {
  alerts: AlertRecord[];
  next_cursor?: string;
}

/** Who acts on which alert: by its short code (replies) or its id (API, dashboard, Slack button). */
export type AlertActInput = ({ code: string } | { id: string }) & {
  action: AlertAction;
  /** the configured user name of the person acting */
  user: string;
  source: Source | 'web';
};

export interface AlertService {
  /**
   * One webhook's alerts from channel `channel` (an alertmanager/grafana channel): new firing
   * alerts are recorded and notified, repeats only counted, resolutions followed up once.
   */
  intake(channel: string, alerts: IncomingAlert[]): Promise<IntakeResult>;
  /** ACK / UNACK / SILENCE by a person; refused when the channel's `allow` roles exclude them. */
  act(input: AlertActInput): Promise<AlertActionResult>;
  get(id: string): Promise<AlertRecord | undefined>;
  /** the OPEN alert holding this short code */
  byCode(code: string): Promise<AlertRecord | undefined>;
  /** newest first */
  list(query?: AlertListQuery): Promise<AlertPage>;
  close(): Promise<void>;
}

export interface AlertServiceOptions {
  config: Config;
  logger: Logger;
  deliveries: DeliveryService;
  /** the gateway's fail-fast connection (not closed by `close()`) */
  connection: Redis;
  /** clock in ms; tests inject one */
  now?: () => number;
  /** fetch for the Alertmanager silences API; tests may inject one */
  fetch?: typeof fetch;
}

/** An alertmanager/grafana channel as configured. */
export type AlertChannelConfig = Extract<Config['channels'] extends Map<string, infer C> ? C : never, { kind: 'alertmanager' | 'grafana' }>;

/** The alert channel called `name`, when it is one. */
export function alertChannel(config: Pick<Config, 'channels'>, name: string): AlertChannelConfig | undefined {
  const c = config.channels.get(name);
  return c && (c.kind === 'alertmanager' || c.kind === 'grafana') ? (c as AlertChannelConfig) : undefined;
}

const verbOf = (a: AlertAction) => (a.kind === 'ack' ? 'acknowledge' : a.kind === 'unack' ? 'unacknowledge' : 'silence');
const label = (r: AlertRecord) => `${alertName(r)} (${r.code})`;

/** The service plus what the alerts worker calls: one escalation step. */
export interface AlertCore extends AlertService {
  escalate(data: EscalationJobData): Promise<'sent' | 'skipped'>;
}

/**
 * @example
 * const alerts = createAlertService({ config, logger, deliveries, connection: redis });
 * await alerts.intake('am-prod', parsed.alerts);
 * await alerts.act({ code: '4821', action: { kind: 'ack' }, user: 'alice', source: 'sms' });
 */
export function createAlertService(opts: AlertServiceOptions): AlertCore {
  const { config, deliveries } = opts;
  const logger = opts.logger.child({ component: 'alerts' });
  const redis = opts.connection;
  const now = opts.now ?? Date.now;
  const fetchFn = opts.fetch ?? fetch;
  const store = createAlertStore(redis, alertKeys(config.main.redis.prefix), retentionSecondsOf(config.main.executions.retention_days));
  const escalation = createEscalationScheduler(config, redis, logger);

  const notify = async (r: AlertRecord, channel: AlertChannelConfig, notice: AlertNotice) => {
    const ns = alertNotifications(r, channel, notice, now());
    if (ns.length === 0) return;
    const plans = await deliveries.notifyAlert(ns, r.id);
    const unrouted = ns.filter((_, i) => plans[i]?.unrouted).map((n) => n.name);
    if (unrouted.length > 0) logger.warn({ alert: r.id, names: unrouted }, 'alert notification not routed: no rule handles these names');
  };

  const escalateLater = (data: EscalationJobData, channel: AlertChannelConfig) =>
    escalation
      .schedule(data, stepDelays(channel.escalate), now())
      .catch((err: Error) => logger.warn({ alert: data.alertId, err: err.message }, 'escalation not scheduled'));
  const stopEscalation = (r: AlertRecord, channel: AlertChannelConfig | undefined) =>
    escalation.cancel(r.id, channel?.escalate.length ?? 0).catch((err: Error) => logger.warn({ alert: r.id, err: err.message }, 'escalation not cancelled'));

  async function intakeOne(name: string, channel: AlertChannelConfig, alert: IncomingAlert): Promise<IntakeResult['alerts'][number]> {
    const r = await store.intake({ channel: name, kind: channel.kind, alert, digits: channel.code_digits, now: now() });
    const base = { fingerprint: alert.fingerprint, id: r.id ?? '', code: r.code ?? '' };
    if (r.outcome === 'ignored' || r.id === undefined) return { ...base, outcome: 'ignored' };
    const rec = await store.get(r.id);
    if (!rec) return { ...base, outcome: r.outcome };
    if (r.outcome === 'fired') {
      logger.info({ alert: rec.id, code: rec.code, channel: name, alertname: alertName(rec) }, 'alert firing');
      await notify(rec, channel, { kind: 'firing' });
      if (channel.escalate.length > 0) await escalateLater({ alertId: rec.id, step: 1, baseMs: Date.parse(rec.received_at) }, channel);
    } else if (r.outcome === 'repeated') {
      // the first intake recorded the alert but failed before queuing: queue it now (delivery ids dedupe)
      if (rec.deliveries.length === 0) await notify(rec, channel, { kind: 'firing' });
    } else {
      logger.info({ alert: rec.id, code: rec.code, channel: name }, 'alert resolved');
      await stopEscalation(rec, channel);
      await notify(rec, channel, { kind: 'resolved' });
    }
    return { ...base, outcome: r.outcome };
  }

  async function find(input: AlertActInput): Promise<AlertRecord | AlertActionResult> {
    if ('code' in input) {
      const id = await store.idOfCode(input.code);
      const rec = id === undefined ? undefined : await store.get(id);
      return rec && rec.code === input.code && rec.status === 'firing' ? rec : { ok: false, message: `No open alert ${input.code}.`, reason: 'not_found' };
    }
    const rec = isAlertId(input.id) ? await store.get(input.id) : undefined;
    return rec ?? { ok: false, message: `No alert ${input.id}.`, reason: 'not_found' };
  }

  async function act(input: AlertActInput): Promise<AlertActionResult> {
    const found = await find(input);
    if (!('id' in found)) return found;
    let rec = found;
    const { action, user, source } = input;
    const event = (kind: AlertEvent['kind'], detail?: string): AlertEvent => ({
      at: new Date(now()).toISOString(),
      kind,
      user,
      source,
      ...(detail !== undefined && { detail }),
    });
    const channel = alertChannel(config, rec.channel);
    const person = resolveUser(config, user);
    if (!person || !mayRun(person, { allow: channel?.allow })) {
      await store.update(rec.id, { op: 'event' }, event('refused', verbOf(action)), now());
      logger.info({ alert: rec.id, user, action: action.kind }, 'alert action refused');
      return { ok: false, message: `You may not ${verbOf(action)} alerts of ${rec.channel}.`, reason: 'forbidden' };
    }
    if (rec.status !== 'firing') return { ok: false, message: `${label(rec)} is already resolved.`, alert: rec, reason: 'resolved' };
    const reload = async () => (await store.get(rec.id)) ?? rec;

    if (action.kind === 'ack') {
      const r = await store.update(rec.id, { op: 'ack', user }, event('acked'), now());
      if (r === 2) return { ok: true, message: `${label(rec)} was already acknowledged by ${rec.acked_by ?? 'someone'}.`, alert: rec };
      if (r !== 1) return { ok: false, message: `${label(rec)} is already resolved.`, reason: 'resolved' };
      await stopEscalation(rec, channel);
      rec = await reload();
      logger.info({ alert: rec.id, user, source }, 'alert acknowledged');
      const stopped = (channel?.escalate.length ?? 0) > rec.escalation_step ? '; escalation stopped' : '';
      return { ok: true, message: `Acknowledged ${label(rec)}${stopped}.`, alert: rec };
    }
    if (action.kind === 'unack') {
      const r = await store.update(rec.id, { op: 'unack', user }, event('acked', 'unacknowledged'), now());
      if (r === 2) return { ok: false, message: `${label(rec)} is not acknowledged.`, alert: rec, reason: 'unchanged' };
      if (r !== 1) return { ok: false, message: `${label(rec)} is already resolved.`, reason: 'resolved' };
      rec = await reload();
      let more = '';
      if (channel && channel.escalate.length > rec.escalation_step) {
        const delays = stepDelays(channel.escalate);
        // the next step is as far from now as it was from the last step sent
        const baseMs = now() - (rec.escalation_step === 0 ? 0 : (delays[rec.escalation_step - 1] ?? 0));
        await escalateLater({ alertId: rec.id, step: rec.escalation_step + 1, baseMs }, channel);
        more = '; escalation goes on';
      }
      return { ok: true, message: `Unacknowledged ${label(rec)}${more}.`, alert: rec };
    }
    // SILENCE
    if (!channel?.api_url) return { ok: false, message: `${rec.channel} has no api_url: cannot silence ${label(rec)}.`, alert: rec, reason: 'no_api_url' };
    const start = new Date(now());
    const end = new Date(start.getTime() + action.durationMs);
    const s = await createSilence(
      {
        apiUrl: channel.api_url,
        ...(channel.api_token !== undefined && { apiToken: channel.api_token }),
        labels: rec.labels,
        startsAt: start,
        endsAt: end,
        createdBy: user,
        comment: `Switchboard alert ${rec.code} (${alertName(rec)}) silenced by ${user} via ${source}`,
      },
      fetchFn,
    );
    if (!s.ok) {
      const error = redactText(s.error, config.secrets);
      logger.warn({ alert: rec.id, err: error }, 'silence not created');
      return { ok: false, message: `Could not silence ${label(rec)}: ${error}. Nothing was silenced.`, alert: rec, reason: 'upstream' };
    }
    const silence = { id: s.id, until: end.toISOString(), by: user };
    const r = await store.update(
      rec.id,
      { op: 'silence', user, silence },
      event('silenced', `silenced for ${formatDuration(action.durationMs)} (silence ${s.id})`),
      now(),
    );
    if (r !== 1) return { ok: true, message: `Silenced ${label(rec)} for ${formatDuration(action.durationMs)} (silence ${s.id}); it resolved meanwhile.` };
    await stopEscalation(rec, channel);
    rec = await reload();
    logger.info({ alert: rec.id, user, source, silence: s.id }, 'alert silenced');
    return {
      ok: true,
      message: `Silenced ${label(rec)} for ${formatDuration(action.durationMs)} until ${end.toISOString().slice(0, 16).replace('T', ' ')} UTC (silence ${s.id}); acknowledged.`,
      alert: rec,
    };
  }

  return {
    async intake(name, alerts) {
      const channel = alertChannel(config, name);
      if (!channel) throw new Error(`"${name}" is not an alertmanager or grafana channel`);
      const out: IntakeResult['alerts'] = [];
      // in order: Alertmanager may send a firing and its resolution in one group
      for (const a of alerts) out.push(await intakeOne(name, channel, a));
      return { alerts: out };
    },
    act,
    get: (id) => (isAlertId(id) ? store.get(id) : Promise.resolve(undefined)),
    async byCode(code) {
      const id = await store.idOfCode(code);
      const rec = id === undefined ? undefined : await store.get(id);
      return rec?.code === code && rec.status === 'firing' ? rec : undefined;
    },
    list: (q = {}) =>
      store.list({
        limit: Math.min(200, Math.max(1, q.limit ?? 50)),
        ...(q.status !== undefined && { status: q.status }),
        ...(q.channel !== undefined && { channel: q.channel }),
        ...(q.cursor !== undefined && { cursor: q.cursor }),
      }),
    async escalate(data) {
      const rec = await store.get(data.alertId);
      if (!rec) return 'skipped';
      const channel = alertChannel(config, rec.channel);
      const step = channel?.escalate[data.step - 1];
      if (!channel || !step) return 'skipped';
      const r = await store.update(
        rec.id,
        { op: 'escalate', step: data.step },
        { at: new Date(now()).toISOString(), kind: 'escalated', detail: `step ${data.step}: notify ${step.notify.join(', ')}` },
        now(),
      );
      if (r !== 1) return 'skipped';
      const fresh = (await store.get(rec.id)) ?? rec;
      logger.info({ alert: rec.id, step: data.step }, 'alert escalated');
      await notify(fresh, channel, { kind: 'escalate', step: data.step });
      await escalateLater({ ...data, step: data.step + 1 }, channel);
      return 'sent';
    },
    async close() {
      await escalation.close();
    },
  };
}
