/**
 * The notifications of an alert (pure): one per notify channel name, for its firing, its
 * escalation steps and its resolution. The text is built here in code and NEVER rendered as a
 * template (alert labels and annotations come from outside; nunjucks is not sandboxed).
 *
 * - id `<alertId>/firing/<name>`, `<alertId>/escalate-<N>/<name>`, `<alertId>/resolved/<name>`
 * - trigger `alert`, status `firing` | `resolved`, thread `alert:<alertId>` (follow-ups thread)
 * - data: labels and annotations flat (`when: {"data.severity": critical}`), and as maps, with
 *   status, fingerprint, code, alert_id, generator_url
 */
import type { Notification } from '../notify/types.ts';
import { markValue } from '../templates/marks.ts';
import { formatDuration } from './duration.ts';
import { answerLine } from './reply.ts';
import type { AlertRecord } from './types.ts';

/** What of the channel config the notifications need. */
export interface AlertChannelNotify {
  notify: readonly string[];
  escalate?: readonly { after: string | number; notify: readonly string[] }[];
}

/** Which notification: the first firing, escalation step N (1-based), or the resolution. */
export type AlertNotice = { kind: 'firing' } | { kind: 'escalate'; step: number } | { kind: 'resolved' };

/** `alertname`, else the first label, else `alert`. */
export const alertName = (r: Pick<AlertRecord, 'labels'>) => r.labels.alertname ?? Object.values(r.labels)[0] ?? 'alert';

/** The names notified so far: the channel's, plus those of the escalation steps already sent. */
export function namesNotified(channel: AlertChannelNotify, stepsSent: number): string[] {
  const names = [...channel.notify];
  for (const s of (channel.escalate ?? []).slice(0, stepsSent)) names.push(...s.notify);
  return [...new Set(names)];
}

const CONTEXT_LABELS = ['instance', 'job', 'service', 'namespace', 'pod', 'cluster', 'env', 'environment'];

/** A value from the alert (labels, annotations: outside text) marked, so Slack shows `<!here>` rather than acting on it. */
const v = (s: string) => markValue(s);

function describe(r: AlertRecord): string[] {
  const lines: string[] = [];
  const summary = r.annotations.summary ?? r.annotations.title;
  const description = r.annotations.description ?? r.annotations.message;
  if (summary) lines.push(v(summary));
  if (description && description !== summary) lines.push(v(description));
  if (r.annotations.value_string) lines.push(`Value: ${v(r.annotations.value_string)}`);
  const ctx = CONTEXT_LABELS.filter((k) => r.labels[k] !== undefined).map((k) => `${k}=${v(r.labels[k]!)}`);
  if (ctx.length > 0) lines.push(ctx.join(' '));
  return lines;
}

function head(r: AlertRecord): string {
  const severity = r.labels.severity;
  return `${v(alertName(r))}${severity ? ` (${v(severity)})` : ''}`;
}

/**
 * The text of one notice; the alert's own values are marked (src/templates/marks.ts), each sink
 * escapes or strips them.
 *
 * @example
 * alertMessage(record, { kind: 'firing' }) // 'FIRING: HighLatency (critical)\nlatency above 1s\ninstance=web-1 job=api\nReply ACK 4821 or SILENCE 4821 2h'
 */
export function alertMessage(r: AlertRecord, notice: AlertNotice, now: number = Date.parse(r.updated_at)): string {
  if (notice.kind === 'resolved') {
    const since = Date.parse(r.starts_at);
    const until = r.ends_at !== undefined && Number.isFinite(Date.parse(r.ends_at)) ? Date.parse(r.ends_at) : now;
    const was = Number.isFinite(since) && until >= since ? ` (was firing for ${formatDuration(until - since)})` : '';
    return [`Resolved: ${head(r)}${was}`, ...describe(r).slice(0, 1), `Alert ${r.code}`].join('\n');
  }
  const lead = notice.kind === 'escalate' ? `ESCALATED (step ${notice.step}, nobody acknowledged): ${head(r)}` : `FIRING: ${head(r)}`;
  return [lead, ...describe(r), answerLine(r.code)].join('\n');
}

/**
 * The notifications of one notice of alert `r`, one per name.
 *
 * @example
 * alertNotifications(record, { notify: ['oncall'] }, { kind: 'firing' })
 * // [{ id: 'al-…/firing/oncall', name: 'oncall', trigger: 'alert', status: 'firing', subject: '[FIRING] HighLatency', … }]
 */
export function alertNotifications(r: AlertRecord, channel: AlertChannelNotify, notice: AlertNotice, now?: number): Notification[] {
  const status = notice.kind === 'resolved' ? 'resolved' : 'firing';
  const names =
    notice.kind === 'firing'
      ? [...new Set(channel.notify)]
      : notice.kind === 'escalate'
        ? [...new Set(channel.escalate?.[notice.step - 1]?.notify ?? [])]
        : namesNotified(channel, r.escalation_step);
  const scope = notice.kind === 'escalate' ? `escalate-${notice.step}` : notice.kind;
  const subject = `[${status.toUpperCase()}] ${alertName(r)}`;
  const message = alertMessage(r, notice, now);
  const data: Record<string, unknown> = {
    ...r.labels,
    ...r.annotations,
    labels: r.labels,
    annotations: r.annotations,
    status,
    fingerprint: r.fingerprint,
    code: r.code,
    alert_id: r.id,
    alert_channel: r.channel,
    ...(r.generator_url !== undefined && { generator_url: r.generator_url }),
    ...(notice.kind === 'escalate' && { escalation_step: notice.step }),
  };
  return names.map((name) => ({
    id: `${r.id}/${scope}/${name}`,
    name,
    trigger: 'alert' as const,
    subject,
    message,
    data,
    status,
    alert: {
      id: r.id,
      code: r.code,
      fingerprint: r.fingerprint,
      status,
      channel: r.channel,
      ...(notice.kind === 'escalate' && { step: notice.step }),
    },
    thread: `alert:${r.id}`,
  }));
}
