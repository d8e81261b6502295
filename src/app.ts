/**
 * The HTTP app (docs/contracts.md section 4). Routes per resource live in src/api/; this file only mounts
 * them, sets the body limit and bearer-key check, and translates errors in one place (`onError`).
 * Tests drive it with `app.request()`; `serve` hands it to @hono/node-server.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { aliasRoutes } from './api/aliases.ts';
import { requireApiKey } from './api/auth.ts';
import { commandRoutes } from './api/commands.ts';
import { configStatusRoutes } from './api/config-status.ts';
import { alertRoutes } from './api/alerts.ts';
import { confirmRoutes } from './api/confirm.ts';
import { createErrorHandler, errorBody } from './api/errors.ts';
import { executionRoutes } from './api/executions.ts';
import { healthRoutes } from './api/health.ts';
import { notifyRoutes } from './api/notify.ts';
import { limitPerKey } from './api/rate-limit.ts';
import type { ApiEnv, AppDeps } from './api/types.ts';
import { st2Routes } from './st2/routes.ts';
import { webRoutes } from './web/index.ts';

export type { AppDeps, AppMatcher } from './api/types.ts';

/**
 * @example
 * const app = createApp({ config, matcher, executions, logger });
 * const res = await app.request('/api/v1/commands', {
 *   method: 'POST', headers: { authorization: `Bearer ${key}` }, body: JSON.stringify({ text: 'ping' }),
 * });
 */
export function createApp(deps: AppDeps): Hono {
  const { config } = deps;
  const logger = deps.logger.child({ component: 'http' });
  const app = new Hono();
  const limit = config.main.server.body_limit;

  app.onError(createErrorHandler({ logger, secrets: config.secrets }));
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));
  const tooLarge = (c: Context) => c.json(errorBody('payload_too_large', `the request body is larger than ${limit} bytes`), 413);
  const streamingLimit = bodyLimit({ maxSize: limit, onError: tooLarge });
  app.use('*', async (c, next) => {
    // A declared Content-Length (no chunking) is checked from the header alone: hono's bodyLimit
    // reads `c.req.raw.body`, which makes @hono/node-server build a full web Request and stream
    // for every request (measured: about half the throughput of the webhook routes).
    const length = c.req.header('content-length');
    if (length !== undefined && /^\d{1,15}$/.test(length) && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > limit) return tooLarge(c);
      return next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return streamingLimit(c, next);
  });

  app.route('/', healthRoutes({ ...deps, metricsToken: () => config.main.server.metrics_token }));

  const api = new Hono<ApiEnv>();
  api.use('*', requireApiKey({ config }));
  api.use('*', limitPerKey(deps));
  const gate = deps.commandGate;
  if (gate) api.use('/commands', (_c, next) => gate.track(next));
  // the bulk intake yields to commands in flight here (bounded: `deliveries.command_gate_wait_ms`)
  const gateWaitMs = config.main.deliveries.command_gate_wait_ms;
  if (gate && gateWaitMs !== null)
    api.use('/notify', async (_c, next) => {
      await gate.idle(gateWaitMs);
      return next();
    });
  api.route('/commands', commandRoutes(deps));
  api.route('/executions', executionRoutes(deps));
  api.route('/executions', confirmRoutes(deps));
  api.route('/aliases', aliasRoutes(deps));
  api.route('/notify', notifyRoutes(deps));
  api.route('/alerts', alertRoutes(deps));
  api.route('/config', configStatusRoutes(deps));
  app.route('/api/v1', api);
  app.route('/st2', st2Routes(deps));
  app.route('/', webRoutes(deps));

  return app;
}
