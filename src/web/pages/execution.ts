/**
 * `GET /executions/:id`: one execution: status and times, parameters, output (live while it runs) or result, error, and
 * every delivery with its status, attempts and last error. The body is also served alone
 * (`/ui/fragments/executions/:id`) and refreshed by app.js until nothing can change any more.
 */
import { html } from 'hono/html';
import { duration, inline, isTerminal, prettyJson, statusBadge, timeCell, type Markup } from '../format.ts';
import type { DeliveryRecord, RenderedMessage } from '../../executions/types.ts';
import type { ExecutionRow } from './executions.ts';

interface ShellResult {
  stdout?: unknown;
  stderr?: unknown;
  return_code?: unknown;
}

const isShellResult = (r: unknown): r is ShellResult => typeof r === 'object' && r !== null && ('stdout' in r || 'stderr' in r) && !Array.isArray(r);

function resultBlock(result: unknown, secrets: readonly string[]): Markup {
  if (result === null || result === undefined) return html`<p class="muted">No output yet.</p>`;
  if (isShellResult(result)) {
    const text = (v: unknown) => (typeof v === 'string' ? v : prettyJson(v ?? '', secrets));
    return html`${result.return_code !== undefined ? html`<p>Exit code <strong>${inline(result.return_code)}</strong></p>` : ''}
<h3>stdout</h3><pre class="out">${text(result.stdout) || html`<span class="muted">(empty)</span>`}</pre>
${result.stderr ? html`<h3>stderr</h3><pre class="out">${text(result.stderr)}</pre>` : ''}`;
  }
  return html`<pre class="out">${prettyJson(result, secrets)}</pre>`;
}

/**
 * What a running action has printed so far (the record's live output). The page's fragment is
 * fetched again every second, so it grows without a reload; the result replaces it at the end.
 */
function liveBlock(output: NonNullable<ExecutionRow['output']>): Markup {
  return html`<div data-live-output data-updated="${output.updated_at}">
<p class="muted small">Still running: the output so far (updated ${timeCell(output.updated_at)}).</p>
<h3>stdout</h3><pre class="out" data-stream="stdout">${output.stdout || html`<span class="muted">(empty)</span>`}</pre>
${output.stderr ? html`<h3>stderr</h3><pre class="out" data-stream="stderr">${output.stderr}</pre>` : ''}</div>`;
}

/** A pending execution's code field and Confirm button, for the person who sent it (app.js posts it to `/confirm`). */
function confirmForm(id: string): Markup {
  return html`<dt>Confirm</dt><dd><form class="confirm" data-confirm="${id}"><label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{4,12}" required size="8"></label> <button type="submit" class="small">Confirm</button> <span class="muted" data-confirm-answer></span></form></dd>`;
}

/** How sure the ingress was of the sender (docs/contracts.md section 6); records older than the field have none. */
function proofCell(proof: 'verified' | 'unverified' | undefined): Markup {
  if (proof === 'verified') return html`<span data-proof="verified">verified</span>`;
  if (proof === 'unverified')
    return html`<strong data-proof="unverified">unverified</strong> <span class="muted">(the medium did not prove who sent it)</span>`;
  return html`<span class="muted">not recorded</span>`;
}

/** What a delivery sent (or tried to), as its sink rendered it; secrets were redacted when it was recorded. */
/** A delivery held for quiet hours (or sent in a digest): for whom, until when, which digest. */
export function quietCell(d: Pick<DeliveryRecord, 'user' | 'held_until' | 'digest'>): Markup {
  if (d.held_until === undefined && d.digest === undefined) return d.user !== undefined ? html`<div class="muted small">for ${d.user}</div>` : html``;
  return html`<div class="muted small" data-quiet>${d.user !== undefined ? html`for ${d.user}, ` : ''}quiet hours${d.held_until ? html` until ${timeCell(d.held_until)}` : ''}${d.digest ? html`, digest <span class="mono">${d.digest}</span>` : ''}</div>`;
}

export function renderedCell(m: RenderedMessage | null | undefined): Markup {
  if (!m) return html`<span class="muted">not tried yet</span>`;
  return html`<div class="rendered" data-delivery-message>${m.subject ? html`<div class="subject" data-subject><strong>${m.subject}</strong></div>` : ''}${m.target ? html`<div class="muted small">to ${m.target}</div>` : ''}<pre class="out">${m.text}</pre></div>`;
}

/** Whether the page may still change: not terminal, or deliveries still pending. */
export function stillMoving(e: ExecutionRow): boolean {
  return !isTerminal(e.status) || e.deliveries.some((d) => d.status === 'pending');
}

export function executionBody(e: ExecutionRow, secrets: readonly string[]): Markup {
  const params = Object.entries(e.params);
  return html`<dl class="facts">
  <dt>Status</dt><dd>${statusBadge(e.status)}${isTerminal(e.status) || e.cancelable !== true ? '' : html` <button type="button" class="secondary small" data-cancel="${e.id}">Cancel</button>`}${e.rerunnable === true ? html` <button type="button" class="secondary small" data-rerun="${e.id}" title="Run the same alias with the same parameters again, as you">Re-run</button> <span class="muted small" data-rerun-answer></span>` : ''}</dd>
  ${e.confirmable === true ? confirmForm(e.id) : ''}
  <dt>Alias</dt><dd>${e.alias ?? html`<span class="muted">—</span>`} <span class="muted">→ ${e.action}</span></dd>
  <dt>Command</dt><dd class="text">${e.text ?? ''}</dd>
  <dt>User</dt><dd>${e.user ?? '—'} <span class="muted">via ${e.origin?.source ?? '—'} ${e.origin?.sender ?? ''}</span></dd>
  <dt>Sender</dt><dd>${proofCell(e.origin?.proof)}</dd>
  <dt>Created</dt><dd>${timeCell(e.created_at)}</dd>
  <dt>Started</dt><dd>${timeCell(e.started_at)}</dd>
  <dt>Finished</dt><dd>${timeCell(e.finished_at)} <span class="muted">${duration(e.started_at, e.finished_at)}</span></dd>
</dl>
<h2>Parameters</h2>
${
  params.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<table class="kv">${params.map(([k, v]) => html`<tr><th>${k}</th><td class="mono">${inline(v)}</td></tr>`)}</table>`
}
${e.error ? html`<h2>Error</h2><pre class="out error">${e.error}</pre>` : ''}
<h2>Output</h2>
${e.output ? liveBlock(e.output) : resultBlock(e.result, secrets)}
<h2>Deliveries</h2>
${
  e.deliveries.length === 0
    ? html`<p class="muted">${isTerminal(e.status) ? 'No deliveries.' : 'Deliveries are planned when the execution finishes.'}</p>`
    : html`<div class="scroll"><table class="list deliveries">
  <thead><tr><th>Channel</th><th>Target</th><th>Status</th><th>Attempts</th><th>Last error</th><th>Message sent</th></tr></thead>
  <tbody>${e.deliveries.map(
    (d) =>
      html`<tr><td>${d.channel}</td><td>${d.target ?? d.message?.target ?? html`<span class="muted">—</span>`}</td><td>${statusBadge(d.status)}${quietCell(d)}</td><td>${d.attempts}</td><td class="text">${d.last_error ?? ''}</td><td>${renderedCell(d.message)}</td></tr>`,
  )}</tbody></table></div>`
}`;
}
