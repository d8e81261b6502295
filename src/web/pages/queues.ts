/** `GET /queues`: queue health, refreshed by app.js; Bull Board has the job-level detail. */
import { html } from 'hono/html';
import type { Markup } from '../format.ts';
import { jobStates, type Health } from '../queue-health.ts';

export function queuesFragment(health: Health | { error: string }): Markup {
  if ('error' in health) return html`<p class="error" role="alert">${health.error}</p>`;
  const stats = Object.entries(health.deliveryStats);
  return html`<div class="cards">${health.queues.map(
    (q) => html`<section class="card" data-queue="${q.name}">
  <h2>${q.name}</h2>
  <table class="kv">${jobStates.map((s) => html`<tr><th>${s}</th><td class="num${s === 'failed' && q.counts[s] > 0 ? ' bad' : ''}">${q.counts[s]}</td></tr>`)}
  <tr><th>workers</th><td class="num">${q.workers ?? '?'}</td></tr></table>
</section>`,
  )}
<section class="card"><h2>delivery counters</h2>
${stats.length ? html`<table class="kv">${stats.map(([k, v]) => html`<tr><th>${k}</th><td class="num">${v}</td></tr>`)}</table>` : html`<p class="muted">Nothing delivered yet.</p>`}
</section></div>
<p class="muted small">Checked ${health.checkedAt}. Job-level detail: <a href="/admin/queues">Bull Board</a>.</p>`;
}

export function queuesBody(health: Health | { error: string }): Markup {
  return html`<div data-fragment="/ui/fragments/queues" data-every="2000">${queuesFragment(health)}</div>`;
}
