/** The login page: a configured user and password, or an API key. */
import { html } from 'hono/html';
import type { Markup } from '../format.ts';

/** Only local paths are followed after login (no `//evil.example`, no `/\evil`). */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/';
}

export function loginPage(options: { next: string; error?: string; user?: string }): Markup {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in · Switchboard</title>
<link rel="stylesheet" href="/ui/app.css">
</head>
<body class="login">
<main class="card">
  <h1>Switchboard</h1>
  ${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
  <form method="post" action="/login">
    <input type="hidden" name="next" value="${options.next}">
    <label>User <input name="user" autocomplete="username" value="${options.user ?? ''}" autofocus></label>
    <label>Password <input name="password" type="password" autocomplete="current-password"></label>
    <p class="or">or</p>
    <label>API key <input name="api_key" type="password" autocomplete="off"></label>
    <button type="submit">Log in</button>
  </form>
</main>
</body>
</html>`;
}
