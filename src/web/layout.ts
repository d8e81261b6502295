/**
 * The page shell: head, navigation, the signed-in user with a logout button, and a banner when the
 * last config reload failed (the old config keeps serving).
 */
import { html } from 'hono/html';
import { redactText } from '../log.ts';
import type { ReloadStatus } from '../runtime/status.ts';
import type { Markup } from './format.ts';
import type { Session } from './session.ts';

export interface PageShell {
  title: string;
  /** which nav entry is current */
  active: NavKey;
  session: Session;
  reload?: ReloadStatus | undefined;
  secrets: readonly string[];
  body: Markup;
  /** extra data attributes on <main> that app.js reads (live updates) */
  live?: string | undefined;
  /** nav entries the user may not open (permissions `config.read`, `queues`): not linked */
  hidden?: readonly NavKey[] | undefined;
}

export type NavKey = 'executions' | 'alerts' | 'deliveries' | 'playground' | 'aliases' | 'rules' | 'channels' | 'queues';

const nav: [NavKey, string, string][] = [
  ['executions', '/', 'Executions'],
  ['alerts', '/alerts', 'Alerts'],
  ['deliveries', '/deliveries', 'Deliveries'],
  ['playground', '/playground', 'Playground'],
  ['aliases', '/aliases', 'Aliases'],
  ['rules', '/rules', 'Rules'],
  ['channels', '/channels', 'Channels'],
  ['queues', '/queues', 'Queues'],
];

function reloadBanner(reload: ReloadStatus | undefined, secrets: readonly string[]): Markup {
  if (!reload || reload.ok) return html``;
  return html`<div class="banner" role="alert">
    <strong>Config reload ${reload.restartNeeded ? 'needs a restart' : 'failed'}${reload.attemptedAt ? ` at ${reload.attemptedAt}` : ''}.</strong>
    Still serving the config loaded at ${reload.loadedAt}.
    ${reload.error?.length ? html`<pre>${redactText(reload.error.join('\n'), secrets)}</pre>` : ''}
  </div>`;
}

/** A full page for a signed-in user. */
export function page(shell: PageShell): Markup {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${shell.title} · Switchboard</title>
<link rel="stylesheet" href="/ui/app.css">
<script src="/ui/app.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">Switchboard</a>
  <nav>${nav
    .filter(([key]) => !shell.hidden?.includes(key))
    .map(([key, href, label]) => html`<a href="${href}"${key === shell.active ? html` aria-current="page"` : ''}>${label}</a>`)}
    ${shell.hidden?.includes('queues') ? '' : html`<a href="/admin/queues">Bull Board</a>`}</nav>
  <form class="who" method="post" action="/logout">
    <span title="${shell.session.via}">${shell.session.user}</span>
    <button type="submit" class="link">Log out</button>
  </form>
</header>
${reloadBanner(shell.reload, shell.secrets)}
<main${shell.live ? html` data-live="${shell.live}"` : ''}>
<h1>${shell.title}</h1>
${shell.body}
</main>
</body>
</html>`;
}
