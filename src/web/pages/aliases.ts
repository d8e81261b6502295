/** `GET /aliases`: what the signed-in user may run, as help (the same listing as `core.help`). */
import { html } from 'hono/html';
import type { HelpEntry } from '../../commands/help.ts';
import type { Markup } from '../format.ts';

export function aliasesBody(entries: readonly HelpEntry[], user: string): Markup {
  if (entries.length === 0) return html`<p class="muted">${user} may not run any command.</p>`;
  return html`<p class="muted">Commands ${user} may run. Click one to try it in the playground.</p>
<div class="scroll"><table class="list">
<thead><tr><th>Command</th><th>Description</th><th>Alias → action</th></tr></thead>
<tbody>${entries.map(
    (e) => html`<tr>
  <td>${e.formats.map((f) => html`<a class="mono cmd" href="/playground?text=${encodeURIComponent(f)}">${f}</a>`)}</td>
  <td>${e.description ?? html`<span class="muted">—</span>`}</td>
  <td class="mono small">${e.id} → ${e.action}</td>
</tr>`,
  )}</tbody></table></div>`;
}
