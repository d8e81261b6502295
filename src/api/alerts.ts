/**
 * `GET /api/v1/alerts?status=&channel=&limit=&cursor=` (newest first, `{items, next_cursor}`),
 * `GET /api/v1/alerts/:id`, `POST /api/v1/alerts/:id/ack`, `POST /api/v1/alerts/:id/unack` and
 * `POST /api/v1/alerts/:id/silence` `{duration}` (default 1h) (docs/contracts.md section 7).
 *
 * Alerts are not per person: any API key whose user is configured may read them all. Acting needs
 * the key's user to hold one of the alert channel's `allow` roles (absent: any configured user),
 * as a reply would.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { DURATION_EXAMPLES, parseDuration } from '../alerts/duration.ts';
import { DEFAULT_SILENCE_MS } from '../alerts/reply.ts';
import type { AlertService } from '../alerts/service.ts';
import type { AlertAction, AlertActionResult } from '../alerts/types.ts';
import { ForbiddenError, NotFoundError, UnavailableError } from '../errors.ts';
import { readBody } from './body.ts';
import { describeZodError, errorBody, RequestError } from './errors.ts';
import type { ApiEnv, AppDeps } from './types.ts';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const alertListQuerySchema = z.object({
  status: z.preprocess(blank, z.enum(['firing', 'resolved']).optional()),
  channel: z.preprocess(blank, z.string().max(200, { error: 'is too long' }).optional()),
  limit: z.preprocess(blank, z.coerce.number().int().min(1).max(200).optional()),
  cursor: z.preprocess(
    blank,
    z
      .string()
      .regex(/^\d{1,20}$/, { error: 'is not a cursor from a previous page' })
      .optional(),
  ),
});

const silenceSchema = z
  .object({
    duration: z
      .union([z.string(), z.number()], { error: `expected a duration (${DURATION_EXAMPLES})` })
      .refine((v) => parseDuration(String(v)) !== undefined, { error: `expected a duration (${DURATION_EXAMPLES})` })
      .optional(),
  })
  .strict();

/** The HTTP status of a refused or failed alert action, by the service's reason (API and dashboard alike). */
export const ALERT_ACTION_STATUS: Record<NonNullable<AlertActionResult['reason']>, 403 | 404 | 409 | 422 | 502> = {
  not_found: 404,
  forbidden: 403,
  resolved: 409,
  unchanged: 409,
  no_api_url: 409,
  upstream: 502,
  invalid: 422,
};

export function alertRoutes(deps: AppDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const service = (): AlertService => {
    if (!deps.alerts) throw new UnavailableError('this gateway has no alert service');
    return deps.alerts;
  };
  const person = (c: Context<ApiEnv>) => {
    const user = c.get('user');
    if (!user) throw new ForbiddenError("this API key's user is not configured");
    return user;
  };

  app.get('/', async (c) => {
    person(c);
    const parsed = alertListQuerySchema.safeParse(c.req.query());
    if (!parsed.success) throw new RequestError(400, 'invalid_request', describeZodError(parsed.error));
    const q = parsed.data;
    const page = await service().list({
      ...(q.status !== undefined && { status: q.status }),
      ...(q.channel !== undefined && { channel: q.channel }),
      ...(q.limit !== undefined && { limit: q.limit }),
      ...(q.cursor !== undefined && { cursor: q.cursor }),
    });
    return c.json({ items: page.alerts, next_cursor: page.next_cursor ?? null });
  });

  app.get('/:id', async (c) => {
    person(c);
    const rec = await service().get(c.req.param('id'));
    if (!rec) throw new NotFoundError('no such alert');
    return c.json(rec);
  });

  const act = async (c: Context<ApiEnv>, action: AlertAction) => {
    const user = person(c);
    const r = await service().act({ id: c.req.param('id') ?? '', action, user: user.name, source: 'api' });
    if (r.ok) return c.json({ message: r.message, ...(r.alert && { alert: r.alert }) });
    const status = ALERT_ACTION_STATUS[r.reason ?? 'unchanged'];
    return c.json(errorBody(r.reason === 'not_found' ? 'not_found' : `alert_${r.reason ?? 'unchanged'}`, r.message), status);
  };
  app.post('/:id/ack', (c) => act(c, { kind: 'ack' }));
  app.post('/:id/unack', (c) => act(c, { kind: 'unack' }));
  app.post('/:id/silence', async (c) => {
    // an empty body silences for 1 hour, like `SILENCE 4821`
    const body = await readBody(c, silenceSchema);
    const durationMs = body.duration === undefined ? DEFAULT_SILENCE_MS : (parseDuration(String(body.duration)) ?? DEFAULT_SILENCE_MS);
    return act(c, { kind: 'silence', durationMs });
  });
  return app;
}
