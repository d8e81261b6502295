/**
 * `GET /healthz` (the process answers: always 200), `GET /readyz` (Redis answers and, in a process
 * that runs workers, the workers take jobs: 200, else 503 with a JSON reason; a gateway whose spool
 * accepts commands while Redis is away: 200 `{status: 'ready', redis: 'down', spool: 'accepting'}`) and `GET /metrics`
 * (Prometheus text format; 404 when the process keeps no metrics). The probes need no key; /metrics
 * needs `Authorization: Bearer <server.metrics_token>` when that is set (401 otherwise).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { ExecutionService } from '../executions/types.ts';
import type { Metrics } from '../metrics.ts';
import { errorBody } from './errors.ts';

/**
 * The answer of a readiness check: ready, or the reason it is not. A gateway with a spool
 * (src/spool/) stays ready while Redis is away and its spool has room (`redis: 'down', spool:
 * 'accepting'`): every gateway sees the same Redis, so taking it out of rotation would only turn
 * the commands it would keep into errors; with the spool full it is not ready (`spool: 'full'`).
 */
export type Readiness = { ready: true; redis?: 'down'; spool?: 'accepting' } | { ready: false; reason: string; spool?: 'full' };

export interface HealthDeps {
  /** readiness of the whole process; default: Redis answers `executions.ping()` */
  readiness?: () => Promise<Readiness>;
  executions?: Pick<ExecutionService, 'ping'>;
  metrics?: Pick<Metrics, 'scrape'>;
  /** `server.metrics_token` of the config now serving; undefined = /metrics is open */
  metricsToken?: () => string | undefined;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Whether the request's bearer token is `token`, compared in constant time (fixed-length digests). */
function bearerIs(header: string | undefined, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return timingSafeEqual(digest(m?.[1] ?? ''), digest(token)) && m !== null;
}

/** @example app.route('/', healthRoutes({ readiness: async () => ({ ready: true }), metrics })); */
export function healthRoutes(deps: HealthDeps): Hono {
  const app = new Hono();
  const readiness =
    deps.readiness ??
    (async (): Promise<Readiness> =>
      (await deps.executions?.ping().catch(() => false)) ? { ready: true } : { ready: false, reason: 'redis is not reachable' });
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const r = await readiness().catch((err: Error): Readiness => ({ ready: false, reason: err.message }));
    // `{status: 'ready'}` as always; while Redis is away and the spool accepts: `redis: 'down', spool: 'accepting'` besides
    if (r.ready) return c.json({ status: 'ready', ...(r.redis && { redis: r.redis }), ...(r.spool && { spool: r.spool }) });
    return c.json({ status: 'unavailable', ...errorBody('unavailable', r.reason), ...(r.spool && { redis: 'down', spool: r.spool }) }, 503);
  });
  app.get('/metrics', async (c) => {
    const token = deps.metricsToken?.();
    if (token !== undefined && !bearerIs(c.req.header('authorization'), token)) {
      c.header('www-authenticate', 'Bearer realm="metrics"');
      return c.json(errorBody('unauthorized', 'GET /metrics needs Authorization: Bearer <server.metrics_token>'), 401);
    }
    if (!deps.metrics) return c.json(errorBody('not_found', 'metrics are not kept by this process'), 404);
    const { contentType, body } = await deps.metrics.scrape();
    return c.body(body, 200, { 'Content-Type': contentType });
  });
  return app;
}
