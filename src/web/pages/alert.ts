/**
 * `GET /alerts/:id`: one alert: status, code, who acknowledged it and until when it is silenced,
 * its labels and annotations, the timeline of what happened and who acted, and every delivery of
 * its notifications as the execution page shows them. While it fires, ACK and Silence 1h (when
 * its channel has an `api_url` to create silences through) are plain POST forms (same-origin only, src/web/guard.ts) acting as the signed-in user.
 */
import { html } from 'hono/html';
import type { AlertEvent, AlertRecord } from '../../alerts/types.ts';
import { statusBadge, timeCell, type Markup } from '../format.ts';
import { silencedUntil } from './alerts.ts';
import { quietCell, renderedCell } from './execution.ts';

/** The answer to an ACK / Silence button, shown above the alert. */
export interface AlertNotice {
  ok: boolean;
  message: string;
}

const dash = html`<span class="muted">—</span>`;

/** A value as text, or a link when it is an http(s) URL (runbooks, Grafana panels); never any other scheme. */
function valueCell(v: string): Markup {
  return /^https?:\/\/[^\s"'<>]+$/i.test(v) ? html`<a href="${v}" rel="noopener noreferrer" target="_blank">${v}</a>` : html`${v}`;
}

function kvTable(entries: Record<string, string>, what: string): Markup {
  const rows = Object.entries(entries).sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) return html`<p class="muted">No ${what}.</p>`;
  return html`<table class="kv" data-${what}>${rows.map(([k, v]) => html`<tr><th>${k}</th><td class="text">${valueCell(v)}</td></tr>`)}</table>`;
}

function eventRow(e: AlertEvent): Markup {
  return html`<tr data-event="${e.kind}"><td>${timeCell(e.at)}</td><td>${e.kind}</td><td>${e.user ?? dash}${e.source ? html`<span class="muted small"> via ${e.source}</span>` : ''}</td><td class="text">${e.detail ?? ''}</td></tr>`;
}

function actionForms(a: AlertRecord, now: number, silenceable: boolean): Markup {
  if (a.status !== 'firing') return html``;
  const id = encodeURIComponent(a.id);
  const ack = a.acked_by
    ? ''
    : html`<form method="post" action="/alerts/${id}/ack" class="inline" data-ack><button type="submit" class="small">ACK</button></form>`;
  const silence =
    !silenceable || silencedUntil(a, now)
      ? ''
      : html`<form method="post" action="/alerts/${id}/silence" class="inline" data-silence><input type="hidden" name="duration" value="1h"><button type="submit" class="secondary small">Silence 1h</button></form>`;
  return html`<dt>Act</dt><dd>${ack}${silence}${ack === '' && silence === '' ? dash : ''}</dd>`;
}

/**
 * @example
 * alertBody(await alerts.get(id), Date.now(), { ok: true, message: 'Acknowledged HighLatency (4821); escalation stopped.' })
 */
export function alertBody(a: AlertRecord, now: number, notice?: AlertNotice, opts: { silenceable?: boolean } = {}): Markup {
  const until = silencedUntil(a, now);
  return html`${notice ? html`<p class="${notice.ok ? 'notice' : 'error'}" role="${notice.ok ? 'status' : 'alert'}" data-notice>${notice.message}</p>` : ''}
<dl class="facts">
  <dt>Status</dt><dd>${statusBadge(a.status)}</dd>
  <dt>Code</dt><dd class="mono" data-code>${a.code} <span class="muted small">reply ACK ${a.code} or SILENCE ${a.code} 2h</span></dd>
  <dt>Alert</dt><dd>${a.labels.alertname ?? dash}${a.labels.severity ? html` <span class="muted">(${a.labels.severity})</span>` : ''}</dd>
  <dt>Channel</dt><dd>${a.channel} <span class="muted">${a.kind}</span></dd>
  <dt>Acked by</dt><dd data-acked-by>${a.acked_by ? html`${a.acked_by} <span class="muted small">${timeCell(a.acked_at)}</span>` : dash}</dd>
  <dt>Silenced until</dt><dd data-silenced-until>${until && a.silence ? html`${timeCell(until)} <span class="muted small">by ${a.silence.by}</span>` : dash}</dd>
  ${actionForms(a, now, opts.silenceable !== false)}
  <dt>Started</dt><dd>${timeCell(a.starts_at)}</dd>
  <dt>Ended</dt><dd>${timeCell(a.ends_at)}</dd>
  <dt>Received</dt><dd>${timeCell(a.received_at)} <span class="muted small">${a.repeats > 0 ? `received ${a.repeats + 1} times, last ${a.updated_at}` : ''}</span></dd>
  <dt>Escalation</dt><dd>${a.escalation_step > 0 ? `step ${a.escalation_step} sent` : 'no step sent'}</dd>
  ${a.generator_url ? html`<dt>Source</dt><dd>${valueCell(a.generator_url)}</dd>` : ''}
  <dt>Fingerprint</dt><dd class="mono">${a.fingerprint}</dd>
</dl>
<h2>Labels</h2>
${kvTable(a.labels, 'labels')}
<h2>Annotations</h2>
${kvTable(a.annotations, 'annotations')}
<h2>Timeline</h2>
${
  a.events.length === 0
    ? html`<p class="muted">Nothing yet.</p>`
    : html`<div class="scroll"><table class="list events"><thead><tr><th>When (UTC)</th><th>What</th><th>Who</th><th>Detail</th></tr></thead>
<tbody>${a.events.map(eventRow)}</tbody></table></div>`
}
<h2>Deliveries</h2>
${
  a.deliveries.length === 0
    ? html`<p class="muted">No deliveries.</p>`
    : html`<div class="scroll"><table class="list deliveries">
  <thead><tr><th>Channel</th><th>Target</th><th>Status</th><th>Attempts</th><th>Last error</th><th>Message sent</th></tr></thead>
  <tbody>${a.deliveries.map(
    (d) =>
      html`<tr data-delivery="${d.id}"><td>${d.channel}</td><td>${d.target ?? d.message?.target ?? dash}</td><td>${statusBadge(d.status)}${quietCell(d)}</td><td>${d.attempts}</td><td class="text">${d.last_error ?? ''}</td><td>${renderedCell(d.message)}</td></tr>`,
  )}</tbody></table></div>`
}`;
}
