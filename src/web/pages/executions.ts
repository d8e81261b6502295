/**
 * `GET /`: the newest executions. The rows are also served alone (`/ui/fragments/executions`) so
 * app.js can swap them in every second: statuses move without a reload.
 */
import { html } from 'hono/html';
import type { ExecutionView } from '../../api/execution-view.ts';
import { executionStatuses } from '../../executions/types.ts';
import { duration, statusBadge, timeCell, type Markup } from '../format.ts';

/**
 * An execution as the list shows it: the API view plus the command text, and whether the signed-in
 * user may cancel it (src/auth/permissions.ts; absent = no).
 */
/** `confirmable`: pending, and the viewer is the person who sent it (they alone may confirm it) */
export type ExecutionRow = ExecutionView & { text: string | null; cancelable?: boolean; confirmable?: boolean };

export const statusFilters = executionStatuses;

export function executionRows(rows: readonly ExecutionRow[]): Markup {
  if (rows.length === 0) return html`<tr><td colspan="6" class="muted">No executions yet. Try the <a href="/playground">playground</a>.</td></tr>`;
  return html`${rows.map(
    (e) => html`<tr data-id="${e.id}">
  <td><a href="/executions/${encodeURIComponent(e.id)}" class="mono">${e.id}</a></td>
  <td>${statusBadge(e.status)}</td>
  <td>${e.alias ?? e.action}</td>
  <td class="text">${e.text ?? ''}</td>
  <td>${e.user ?? html`<span class="muted">—</span>`}<span class="muted small"> ${e.origin?.source ?? ''}</span></td>
  <td>${timeCell(e.created_at)}<span class="muted small"> ${duration(e.started_at, e.finished_at)}</span></td>
</tr>`,
  )}`;
}

export function executionsBody(rows: readonly ExecutionRow[], status: string | undefined): Markup {
  const query = status ? `?status=${status}` : '';
  return html`<p class="filters">
  <a href="/"${status ? '' : html` aria-current="true"`}>all</a>
  ${statusFilters.map((s) => html`<a href="/?status=${s}"${s === status ? html` aria-current="true"` : ''}>${s}</a>`)}
</p>
<div class="scroll">
<table class="list executions">
  <thead><tr><th>Execution</th><th>Status</th><th>Alias</th><th>Command</th><th>User</th><th>Created (UTC)</th></tr></thead>
  <tbody data-fragment="/ui/fragments/executions${query}">${executionRows(rows)}</tbody>
</table>
</div>`;
}
