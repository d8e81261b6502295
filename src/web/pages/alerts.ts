/**
 * `GET /alerts`: the newest alerts (src/alerts/), filtered by status, with who acknowledged and
 * until when they are silenced, and paging by cursor (the alert service's `list`).
 */
import { html } from 'hono/html';
import type { AlertRecord } from '../../alerts/types.ts';
import { statusBadge, timeCell, type Markup } from '../format.ts';

export const alertStatusFilters = ['firing', 'resolved'] as const;
export type AlertStatusFilter = (typeof alertStatusFilters)[number];

export interface AlertListModel {
  alerts: readonly AlertRecord[];
  status?: AlertStatusFilter | undefined;
  /** this page's cursor: none on the first page */
  cursor?: string | undefined;
  next_cursor?: string | undefined;
  /** the alert service cannot be reached or is not configured */
  error?: string | undefined;
}

const dash = html`<span class="muted">—</span>`;

/** A silence still in force: its end; an expired one is no longer shown. */
export function silencedUntil(a: AlertRecord, now: number): string | undefined {
  return a.silence && Date.parse(a.silence.until) > now ? a.silence.until : undefined;
}

function alertRows(alerts: readonly AlertRecord[], filtered: boolean, now: number): Markup {
  if (alerts.length === 0) return html`<tr><td colspan="8" class="muted" data-none>${filtered ? 'No alerts match.' : 'No alerts yet.'}</td></tr>`;
  return html`${alerts.map((a) => {
    const until = silencedUntil(a, now);
    return html`<tr data-alert="${a.id}">
  <td>${statusBadge(a.status)}</td>
  <td><a href="/alerts/${encodeURIComponent(a.id)}" class="mono" data-code>${a.code}</a></td>
  <td>${a.labels.alertname ?? dash}</td>
  <td>${a.labels.severity ?? dash}</td>
  <td>${a.channel}</td>
  <td>${timeCell(a.received_at)}${a.repeats > 0 ? html`<span class="muted small"> ×${a.repeats + 1}</span>` : ''}</td>
  <td data-acked-by>${a.acked_by ?? dash}</td>
  <td data-silenced-until>${until ? timeCell(until) : dash}</td>
</tr>`;
  })}`;
}

/**
 * @example
 * alertsBody({ alerts: page.alerts, status: 'firing', next_cursor: page.next_cursor }, Date.now())
 */
export function alertsBody(m: AlertListModel, now: number): Markup {
  const q = m.status ? `status=${m.status}` : '';
  return html`<p class="filters">
  <a href="/alerts"${m.status ? '' : html` aria-current="true"`}>all</a>
  ${alertStatusFilters.map((s) => html`<a href="/alerts?status=${s}"${s === m.status ? html` aria-current="true"` : ''}>${s}</a>`)}
</p>
${m.error ? html`<p class="error" role="alert">${m.error}</p>` : ''}
<div class="scroll">
<table class="list alerts">
  <thead><tr><th>Status</th><th>Code</th><th>Alert</th><th>Severity</th><th>Channel</th><th>Received (UTC)</th><th>Acked by</th><th>Silenced until</th></tr></thead>
  <tbody>${alertRows(m.alerts, m.status !== undefined, now)}</tbody>
</table>
</div>
<p class="pager" data-pager>
  ${m.cursor ? html`<a href="/alerts${q ? `?${q}` : ''}" data-first>« Newest</a>` : ''}
  ${m.next_cursor ? html`<a href="/alerts?${q ? `${q}&` : ''}cursor=${encodeURIComponent(m.next_cursor)}" data-next rel="next">Older »</a>` : ''}
</p>`;
}
