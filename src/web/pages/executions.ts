/**
 * `GET /`: the newest executions, a search form (text, user, alias, source, status, time range:
 * the API's filters, src/api/execution-query.ts) and paging by cursor. The first page's rows are
 * also served alone (`/ui/fragments/executions?...`) so app.js can swap them in every second:
 * statuses move without a reload.
 */
import { html } from 'hono/html';
import { listSources } from '../../api/execution-query.ts';
import type { ExecutionView } from '../../api/execution-view.ts';
import { executionStatuses } from '../../executions/types.ts';
import { duration, statusBadge, timeCell, type Markup } from '../format.ts';

/**
 * An execution as the list shows it: the API view plus the command text, and whether the signed-in
 * user may cancel it (src/auth/permissions.ts; absent = no).
 */
/**
 * `confirmable`: pending, and the viewer is the person who sent it (they alone may confirm it);
 * `rerunnable`: made by an alias the viewer may run (the API checks again when they click)
 */
export type ExecutionRow = ExecutionView & { text: string | null; cancelable?: boolean; confirmable?: boolean; rerunnable?: boolean };

export const statusFilters = executionStatuses;

export function executionRows(rows: readonly ExecutionRow[], filtered = false): Markup {
  if (rows.length === 0 && filtered) return html`<tr><td colspan="6" class="muted" data-none>No executions match.</td></tr>`;
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

/** The search form's values as the page received them (strings, as typed). */
export interface ListForm {
  status?: string | undefined;
  user?: string | undefined;
  alias?: string | undefined;
  source?: string | undefined;
  q?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface ListModel {
  rows: readonly ExecutionRow[];
  form: ListForm;
  /** the query string of this page without `cursor` ('' = no filter) */
  query: string;
  /** this page's cursor: none on the first page (the only one refreshed live) */
  cursor?: string | undefined;
  next_cursor?: string | undefined;
  /** executions read to fill this page (a filtered search reads a bounded number per page) */
  scanned?: number | undefined;
  limit: number;
  /** what may be picked in the form */
  aliases: readonly string[];
  /** false: the user sees only their own, so no user field */
  everyone: boolean;
  error?: string | undefined;
}

const withQuery = (query: string, extra: string) => (query ? `?${query}&${extra}` : `?${extra}`);

function option(value: string, current: string | undefined, label = value): Markup {
  return html`<option value="${value}"${value === (current ?? '') ? html` selected` : ''}>${label}</option>`;
}

function searchForm(m: ListModel): Markup {
  const f = m.form;
  return html`<form class="search" method="get" action="/" data-search>
  <label>Text <input name="q" type="search" value="${f.q ?? ''}" placeholder="part of the command" size="18"></label>
  ${m.everyone ? html`<label>User <input name="user" value="${f.user ?? ''}" size="10" autocomplete="off"></label>` : ''}
  <label>Alias <select name="alias">${option('', f.alias, 'any')}${m.aliases.map((a) => option(a, f.alias))}</select></label>
  <label>Source <select name="source">${option('', f.source, 'any')}${listSources.map((s) => option(s, f.source))}</select></label>
  <label>Status <select name="status">${option('', f.status, 'any')}${statusFilters.map((s) => option(s, f.status))}</select></label>
  <label>From <input name="from" type="datetime-local" step="1" value="${f.from ?? ''}"></label>
  <label>To <input name="to" type="datetime-local" step="1" value="${f.to ?? ''}"></label>
  <button type="submit" class="small">Search</button> <a href="/" class="small">clear</a>
  <span class="muted small">times in UTC</span>
</form>`;
}

function pager(m: ListModel): Markup {
  const short = m.next_cursor !== undefined && m.rows.length < m.limit;
  return html`<p class="pager" data-pager>
  ${m.cursor ? html`<a href="/${m.query ? `?${m.query}` : ''}" data-first>« Newest</a>` : ''}
  ${
    m.next_cursor
      ? html`<a href="/${withQuery(m.query, `cursor=${encodeURIComponent(m.next_cursor)}`)}" data-next rel="next">${short ? 'Search older executions' : 'Older'} »</a>`
      : html`<span class="muted small" data-end>${m.cursor || m.rows.length > 0 ? 'No older executions.' : ''}</span>`
  }
  ${short ? html`<span class="muted small">Searched ${m.scanned ?? 0} executions; ${m.rows.length} matched.</span>` : ''}
</p>`;
}

export function executionsBody(m: ListModel): Markup {
  const status = m.form.status;
  const filtered = m.query !== '' && m.query !== `status=${status}`;
  return html`<p class="filters">
  <a href="/"${status || filtered ? '' : html` aria-current="true"`}>all</a>
  ${statusFilters.map((s) => html`<a href="/?status=${s}"${s === status && !filtered ? html` aria-current="true"` : ''}>${s}</a>`)}
</p>
${searchForm(m)}
${m.error ? html`<p class="error" role="alert" data-search-error>${m.error}</p>` : ''}
<div class="scroll">
<table class="list executions">
  <thead><tr><th>Execution</th><th>Status</th><th>Alias</th><th>Command</th><th>User</th><th>Created (UTC)</th></tr></thead>
  <tbody${m.cursor ? '' : html` data-fragment="/ui/fragments/executions${m.query ? `?${m.query}` : ''}"`}>${executionRows(m.rows, filtered)}</tbody>
</table>
</div>
${pager(m)}`;
}
