/** `GET /channels`: every named channel and its settings, secrets hidden (see channel-view.ts). */
import { html } from 'hono/html';
import type { ChannelConfig } from '../../config/types.ts';
import { channelSettings } from '../channel-view.ts';
import type { Markup } from '../format.ts';

export function channelsBody(channels: readonly ChannelConfig[], secrets: readonly string[]): Markup {
  if (channels.length === 0) return html`<p class="muted">No channels configured.</p>`;
  return html`<div class="cards">${channels.map((ch) => {
    const settings = channelSettings(ch, secrets);
    return html`<section class="card" data-channel="${ch.name}">
  <h2>${ch.name} <span class="tag">${ch.kind}</span></h2>
  ${ch.description ? html`<p>${ch.description}</p>` : ''}
  ${
    settings.length
      ? html`<table class="kv">${settings.map((s) => html`<tr><th>${s.key}</th><td class="mono">${s.value}</td></tr>`)}</table>`
      : html`<p class="muted small">No settings.</p>`
  }
</section>`;
  })}</div>`;
}
