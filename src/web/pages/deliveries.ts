/**
 * `GET /deliveries`: deliveries that did not go out, across executions, newest first, a page at a
 * time: `dead` (failed for good) and `retrying` (failed, waiting for their backoff). Each row shows
 * the message as rendered (secrets redacted). A user with the `queues` permission gets a Retry
 * button (src/deliveries/dead-letters.ts); everyone else sees only the deliveries of executions
 * they may read, and no button.
 */
import { html } from 'hono/html';
import type { DeadLetter, DeadLetterState } from '../../deliveries/dead-letters.ts';
import { timeCell, type Markup } from '../format.ts';
import { renderedCell } from './execution.ts';

export interface DeliveriesModel {
  state: DeadLetterState;
  items: readonly DeadLetter[];
  offset: number;
  next?: number | undefined;
  /** jobs in that state, whoever may see them */
  total: number;
  /** how many of the page's jobs this user may not see */
  hidden: number;
  canRetry: boolean;
  error?: string | undefined;
}

const LABEL: Record<DeadLetterState, string> = { dead: 'failed for good', retrying: 'failed, retrying' };

function row(d: DeadLetter, canRetry: boolean): Markup {
  const button = canRetry
    ? html`<button type="button" class="secondary small" data-retry="${d.id}">${d.state === 'dead' ? 'Retry' : 'Retry now'}</button> <span class="muted small" data-retry-answer></span>`
    : '';
  return html`<tr data-delivery="${d.id}">
  <td>${timeCell(d.at)}</td>
  <td>${d.channel}<div class="muted small">${d.target ?? d.message.target ?? ''}</div></td>
  <td>${d.executionId ? html`<a class="mono" href="/executions/${encodeURIComponent(d.executionId)}">${d.executionId}</a>` : html`<span class="muted">notification</span>`}<div class="muted small">${d.rule}</div></td>
  <td class="num">${d.attempts}</td>
  <td class="text error">${d.error}</td>
  <td>${renderedCell(d.message)}</td>
  <td>${button}</td>
</tr>`;
}

export function deliveriesBody(m: DeliveriesModel): Markup {
  const tab = (s: DeadLetterState) => html`<a href="/deliveries?state=${s}"${s === m.state ? html` aria-current="true"` : ''}>${LABEL[s]}</a>`;
  return html`<p class="filters">${tab('dead')} ${tab('retrying')}</p>
${m.error ? html`<p class="error" role="alert">${m.error}</p>` : ''}
<div class="scroll">
<table class="list deliveries-dead">
  <thead><tr><th>When (UTC)</th><th>Channel</th><th>Execution</th><th>Attempts</th><th>Error</th><th>Message</th><th></th></tr></thead>
  <tbody>${m.items.length === 0 ? html`<tr><td colspan="7" class="muted" data-none>No ${m.state === 'dead' ? 'failed' : 'retrying'} deliveries${m.hidden ? html` you may see` : ''}.</td></tr>` : m.items.map((d) => row(d, m.canRetry))}</tbody>
</table>
</div>
<p class="pager">
  ${m.offset > 0 ? html`<a href="/deliveries?state=${m.state}" data-first>« Newest</a>` : ''}
  ${m.next !== undefined ? html`<a href="/deliveries?state=${m.state}&offset=${m.next}" data-next rel="next">Older »</a>` : ''}
  <span class="muted small">${m.total} in all${m.hidden ? `, ${m.hidden} on this page of executions you may not read` : ''}.</span>
</p>`;
}
