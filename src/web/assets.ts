/**
 * The dashboard's two static files, read once at startup from src/web/assets/ and served from
 * memory: `/ui/app.css` and `/ui/app.js`. They hold no data, so they need no login.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';

const read = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

export function assetRoutes(): Hono {
  const css = read('app.css');
  const js = read('app.js');
  const app = new Hono();
  const headers = (type: string) => ({ 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  app.get('/ui/app.css', (c) => c.body(css, 200, headers('text/css; charset=utf-8')));
  app.get('/ui/app.js', (c) => c.body(js, 200, headers('text/javascript; charset=utf-8')));
  return app;
}
