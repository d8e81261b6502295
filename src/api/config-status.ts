/**
 * `GET /api/v1/config/status`: the hot-reload status (src/runtime/status.ts): whether the last
 * reload was applied, when the running config was loaded, and every diagnostic of a refused one.
 */
import { Hono } from 'hono';
import type { ApiEnv, AppDeps } from './types.ts';

export function configStatusRoutes(deps: Pick<AppDeps, 'runtime'>): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/status', (c) => c.json(deps.runtime?.status() ?? { ok: true, loadedAt: null, reloads: 'disabled' }));
  return app;
}
