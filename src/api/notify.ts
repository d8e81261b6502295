/**
 * `POST /api/v1/notify {channels, message, data?}`: a notification through the rules without an
 * execution. 202 `{id, deliveries, unrouted}`. An `Idempotency-Key` header makes a re-sent request
 * a no-op (scoped to the API key, so two callers never collide).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { UnavailableError } from '../errors.ts';
import { readBody } from './body.ts';
import { RequestError } from './errors.ts';
import type { ApiEnv, AppDeps } from './types.ts';

const notifySchema = z
  .object({
    channels: z.array(z.string().min(1).max(200)).min(1).max(50),
    message: z.string().min(1).max(100_000),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const KEY_MAX = 200;

export function notifyRoutes(deps: AppDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post('/', async (c) => {
    const body = await readBody(c, notifySchema);
    const key = c.req.header('idempotency-key');
    if (key !== undefined && (key.length === 0 || key.length > KEY_MAX)) {
      throw new RequestError(400, 'invalid_request', `Idempotency-Key: 1 to ${KEY_MAX} characters`);
    }
    if (!deps.deliveries) throw new UnavailableError('notifications are not available on this server');
    const result = await deps.deliveries.notify({
      channels: body.channels,
      message: body.message,
      ...(body.data !== undefined && { data: body.data }),
      ...(key !== undefined && { id: `${c.get('apiKey').name}-${key}` }),
    });
    return c.json(result, 202);
  });
  return app;
}
