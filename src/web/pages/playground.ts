/**
 * `GET /playground?text=`: type a command and see, without running it, the alias it matches, the
 * parsed and cast parameters, and the deliveries a success or a failure would cause; "Run" sends it
 * through the API as the signed-in user (app.js). The preview is also served alone
 * (`/ui/fragments/preview?text=`) so it follows the typing.
 */
import { html } from 'hono/html';
import type { MatchResult } from '../../aliases/index.ts';
import { redactText } from '../../log.ts';
import { inline, type Markup } from '../format.ts';
import type { RoutePreview } from '../route-preview.ts';

export interface PreviewModel {
  text: string;
  result?: MatchResult;
  /** false when the match belongs to an alias the user may not run */
  allowed: boolean;
  previews: RoutePreview[];
  secrets: readonly string[];
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function paramsTable(params: Record<string, unknown>): Markup {
  const entries = Object.entries(params);
  if (entries.length === 0) return html`<p class="muted">No parameters.</p>`;
  return html`<table class="kv">${entries.map(([k, v]) => html`<tr><th>${k}</th><td class="mono">${inline(v)}</td><td class="muted small">${typeOf(v)}</td></tr>`)}</table>`;
}

function routesBlock(p: RoutePreview, secrets: readonly string[]): Markup {
  const label = p.status === 'succeeded' ? 'If it succeeds' : 'If it fails';
  const all = p.notifications.flatMap((n) => n.deliveries);
  return html`<section class="card route" data-route="${p.status}">
  <h3>${label} <span class="muted small">${all.length} ${all.length === 1 ? 'delivery' : 'deliveries'}</span></h3>
  ${p.notifications.length === 0 ? html`<p class="muted">No notification fires.</p>` : ''}
  ${p.notifications.map(
    (n) => html`<div class="notification">
    <p><span class="tag">${n.trigger}</span> → <strong>${n.name}</strong>${n.unrouted ? html` <span class="badge badge-failed">no rule</span>` : ''}</p>
    <ul class="plain">${n.deliveries.map(
      (d) =>
        html`<li class="delivery"><strong>${d.channel}</strong> <span class="muted">(${d.kind})</span>${d.target ? html` → ${redactText(d.target, secrets)}` : ''} <span class="muted small">rule “${d.rule}”</span>${d.fallback.length ? html` <span class="muted small">fallback: ${d.fallback.map((f) => f.channel).join(', ')}</span>` : ''}</li>`,
    )}</ul>
    ${n.notes.map((note) => html`<p class="muted small">${note}</p>`)}
    <pre class="out small">${redactText(n.message, secrets)}</pre>
  </div>`,
  )}
</section>`;
}

/** The preview for `model.text`: what matched and what would be sent, or why nothing would run. */
export function previewFragment(model: PreviewModel): Markup {
  const r = model.result;
  if (!r || model.text.trim() === '') return html`<p class="muted">Type a command to see what it would do.</p>`;
  if (!model.allowed && (r.kind === 'matched' || r.kind === 'invalid')) {
    return html`<p class="error" data-outcome="forbidden">You may not run <strong>${r.alias ?? ''}</strong>.</p>`;
  }
  switch (r.kind) {
    case 'none':
      return html`<p class="error" data-outcome="none">No alias matches this command.</p>
${r.suggestions.length ? html`<p>Did you mean:</p><ul class="plain">${r.suggestions.map((s) => html`<li><a class="mono cmd" href="/playground?text=${encodeURIComponent(s)}">${s}</a></li>`)}</ul>` : ''}`;
    case 'ambiguous':
      return html`<p class="error" data-outcome="ambiguous">This command matches several aliases:</p>
<ul class="plain">${r.candidates.map((c) => html`<li><strong>${c.alias}</strong> <span class="mono">${c.format}</span></li>`)}</ul>`;
    case 'invalid':
      return html`<p class="error" data-outcome="invalid">${r.alias ? html`<strong>${r.alias}</strong>: ` : ''}${r.error}</p>`;
    case 'matched':
      return html`<div data-outcome="matched">
<dl class="facts">
  <dt>Alias</dt><dd><strong data-alias>${r.alias}</strong> <span class="muted">→ ${r.action}</span></dd>
  <dt>Format</dt><dd class="mono">${r.format}</dd>
</dl>
<h2>Parameters</h2>
${r.multiple ? r.multiple.map((set, i) => html`<h3>Execution ${i + 1}</h3>${paramsTable(set)}`) : paramsTable(r.params)}
<h2>Deliveries it would cause</h2>
<div class="cards">${model.previews.map((p) => routesBlock(p, model.secrets))}</div>
</div>`;
  }
}

export function playgroundBody(model: PreviewModel): Markup {
  return html`<form class="playground" method="get" action="/playground" data-playground>
  <label for="command">Command</label>
  <div class="row">
    <input id="command" name="text" value="${model.text}" placeholder="restart web on prod" autocomplete="off" autofocus>
    <button type="submit" class="secondary">Preview</button>
    <button type="button" data-run>Run</button>
  </div>
  <p class="muted small">Preview runs nothing. Run queues the command as you, through the API.</p>
</form>
<section class="run-result" data-run-result aria-live="polite" hidden></section>
<section data-preview>${previewFragment(model)}</section>`;
}
