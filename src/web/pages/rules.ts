/** `GET /rules`: the routing rules in file order: what they handle, when, and where they send. */
import { html } from 'hono/html';
import type { RuleConfig } from '../../config/types.ts';
import { redactText } from '../../log.ts';
import { inline, type Markup } from '../format.ts';

type Target = RuleConfig['to'][number];

function targets(list: readonly Target[], secrets: readonly string[]): Markup {
  return html`<ul class="plain">${list.map(({ channel, target, ...rest }) => {
    const extra = Object.keys(rest).length ? redactText(inline(rest), secrets) : '';
    return html`<li><strong>${channel}</strong>${target ? html` → ${redactText(target, secrets)}` : ''}${extra ? html` <span class="muted small mono">${extra}</span>` : ''}</li>`;
  })}</ul>`;
}

export function rulesBody(rules: readonly RuleConfig[], secrets: readonly string[]): Markup {
  if (rules.length === 0) return html`<p class="muted">No rules: only replies to where a command came from are sent.</p>`;
  return html`<div class="scroll"><table class="list">
<thead><tr><th>#</th><th>Rule</th><th>Handles</th><th>When</th><th>Sends to</th><th>Fallback</th></tr></thead>
<tbody>${rules.map(
    (r, i) => html`<tr>
  <td class="muted">${i + 1}</td>
  <td>${r.name}${r.stop ? html` <span class="tag">stop</span>` : ''}</td>
  <td class="mono">${[r.channel].flat().join(', ')}</td>
  <td class="mono small">${r.when ? Object.entries(r.when).map(([k, v]) => html`<div>${k}: ${redactText(inline(v), secrets)}</div>`) : html`<span class="muted">always</span>`}</td>
  <td>${targets(r.to, secrets)}</td>
  <td>${r.fallback.length ? targets(r.fallback, secrets) : html`<span class="muted">—</span>`}</td>
</tr>`,
  )}</tbody></table></div>`;
}
