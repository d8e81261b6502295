/**
 * `POST /api/v1/notify {channels, message, data?}`: a notification through the rules without an
 * execution, for callers with the permission `notify` (403 otherwise). 202 `{id, deliveries, unrouted}`;
 * 429 `backlog_full` with `Retry-After` while the bulk delivery queue holds `deliveries.max_backlog` or more. An `Idempotency-Key` header makes a re-sent request
 * a no-op (scoped to the API key, so two callers never collide).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { actorOf, allows } from '../auth/permissions.ts';
import { ForbiddenError, UnavailableError } from '../errors.ts';
import { backlogFull } from './backpressure.ts';
import { readBody } from './body.ts';
import { RequestError } from './errors.ts';
import { createIdempotencyGuard } from './idempotency.ts';
import { dataBoundsProblem } from './json-bounds.ts';
import type { ApiEnv, AppDeps } from './types.ts';

const notifySchema = z
  .object({
    channels: z.array(z.string().min(1).max(200)).min(1).max(50),
    message: z.string().min(1).max(100_000),
    // bounded (docs/contracts.md section 6 "Abuse"): 422, never a stack overflow further down
    data: z
      .record(z.string(), z.unknown())
      .superRefine((d, ctx) => {
        const problem = dataBoundsProblem(d);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
  })
  .strict();

const KEY_MAX = 200;

export function notifyRoutes(deps: AppDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const idempotencyGuard = createIdempotencyGuard(deps);
  app.post('/', async (c) => {
    // before the body is read: a caller without `notify` learns nothing about what would be routed
    if (!allows('api', 'notify', actorOf(deps.config, c.get('user')))) {
      throw new ForbiddenError('sending notifications needs the permission notify (switchboard.yaml roles)');
    }
    const body = await readBody(c, notifySchema);
    const key = c.req.header('idempotency-key');
    if (key !== undefined && (key.length === 0 || key.length > KEY_MAX)) {
      throw new RequestError(400, 'invalid_request', `Idempotency-Key: 1 to ${KEY_MAX} characters`);
    }
    if (!deps.deliveries) throw new UnavailableError('notifications are not available on this server');
    // before the idempotency claim: a refused request leaves its key free for the retry
    const pressure = await deps.deliveries.pressure();
    if (!pressure.ok) {
      const full = backlogFull(pressure);
      return c.json(full.body, full.status, full.headers);
    }
    if (key !== undefined) await idempotencyGuard.claim('notify', c.get('apiKey').name, key, body);
    const result = await deps.deliveries.notify({
      channels: body.channels,
      message: body.message,
      ...(body.data !== undefined && { data: body.data }),
      ...(key !== undefined && { id: `${c.get('apiKey').name}-${key}` }),
      source: c.get('apiKey').name,
    });
    return c.json(result, 202);
  });
  return app;
}
