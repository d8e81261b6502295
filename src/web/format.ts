/**
 * Small rendering helpers shared by the pages. Every value goes through hono's `html` template,
 * which escapes it; nothing here builds markup from strings by hand.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { redactText } from '../log.ts';

export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

const terminal = new Set(['succeeded', 'failed', 'timeout', 'canceled']);

/** Whether an execution status is final. */
export const isTerminal = (status: string): boolean => terminal.has(status);

/** A coloured status label; the class is picked from a fixed list, never from the value itself. */
export function statusBadge(status: string): Markup {
  const known = ['queued', 'running', 'succeeded', 'failed', 'timeout', 'canceled', 'pending', 'sent', 'skipped', 'held', 'firing', 'resolved'];
  const cls = known.includes(status) ? status : 'unknown';
  return html`<span class="badge badge-${cls}" data-status="${status}">${status}</span>`;
}

/** `2026-11-25 17:20:03` in UTC, with the full ISO time as tooltip; `—` when unset. */
export function timeCell(iso: string | null | undefined): Markup {
  if (!iso) return html`<span class="muted">—</span>`;
  const short = iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  return html`<time datetime="${iso}" title="${iso}">${short}</time>`;
}

/** Run time between two ISO times, e.g. `1.2 s`, or `—`. */
export function duration(from: string | null | undefined, to: string | null | undefined): string {
  if (!from || !to) return '—';
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** Pretty JSON with config secrets redacted (execution values may echo one). */
export function prettyJson(value: unknown, secrets: readonly string[]): string {
  return redactText(JSON.stringify(value, null, 2) ?? 'null', secrets);
}

/** A scalar or small structure as one line of text. */
export function inline(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}
