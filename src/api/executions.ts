/**
 * `GET /api/v1/executions/:id`, `GET /api/v1/executions?status=&limit=&cursor=` (newest first,
 * `{items, next_cursor}`) and `POST /api/v1/executions/:id/cancel`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { NotFoundError } from '../errors.ts';
import { describeZodError, RequestError } from './errors.ts';
import { createExecutionView } from './execution-view.ts';
import type { ApiEnv, AppDeps } from './types.ts';

const statuses = ['queued', 'running', 'succeeded', 'failed', 'timeout', 'canceled'] as const;

const listQuerySchema = z.object({
  status: z.enum(statuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().min(1).max(500).optional(),
});

const ID_MAX = 200;

export function executionRoutes(deps: AppDeps): Hono<ApiEnv> {
  const { executions } = deps;
  const view = createExecutionView(deps.config);
  const app = new Hono<ApiEnv>();

  const find = async (id: string) => {
    const rec = id.length <= ID_MAX ? await executions.get(id) : undefined;
    if (!rec) throw new NotFoundError('no such execution');
    return rec;
  };

  app.get('/', async (c) => {
    const parsed = listQuerySchema.safeParse(c.req.query());
    if (!parsed.success) throw new RequestError(400, 'invalid_request', describeZodError(parsed.error));
    const q = parsed.data;
    const page = await executions.list({
      ...(q.status !== undefined && { status: q.status }),
      ...(q.limit !== undefined && { limit: q.limit }),
      ...(q.cursor !== undefined && { cursor: q.cursor }),
    });
    return c.json({ items: page.items.map(view), next_cursor: page.next_cursor ?? null });
  });

  app.get('/:id', async (c) => c.json(view(await find(c.req.param('id')))));

  // a terminal execution comes back unchanged (200); an unknown one is a NotFoundError (404)
  app.post('/:id/cancel', async (c) => {
    const id = c.req.param('id');
    if (id.length > ID_MAX) throw new NotFoundError('no such execution');
    return c.json({ execution: view(await executions.cancel(id)) });
  });

  return app;
}
