/**
 * `GET /healthz` (the process answers: always 200) and `GET /readyz` (Redis answers: 200, else 503).
 */
import { Hono } from 'hono';
import type { ExecutionService } from '../executions/types.ts';
import { errorBody } from './errors.ts';

export function healthRoutes(deps: { executions: Pick<ExecutionService, 'ping'> }): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const ready = await deps.executions.ping().catch(() => false);
    return ready ? c.json({ status: 'ready' }) : c.json(errorBody('unavailable', 'redis is not reachable'), 503);
  });
  return app;
}
