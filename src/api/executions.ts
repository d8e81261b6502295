/**
 * `GET /api/v1/executions/:id`, `GET /api/v1/executions?status=&limit=&cursor=` (newest first,
 * `{items, next_cursor}`) and `POST /api/v1/executions/:id/cancel`.
 *
 * Each answers only what the caller may read (src/auth/permissions.ts): the list holds the caller's
 * own executions unless they have `executions.read_all` (or `cancel_all`); an execution they may
 * not read is a 404, like an unknown id, so ids cannot be probed; one they may read but not cancel
 * is a 403 on cancel. `origin` is shown to its owner and to `executions.read_all` only.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { actorOf, allows, authorize, listScope, type Actor } from '../auth/permissions.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { executionStatuses, type ExecutionRecord } from '../executions/types.ts';
import { describeZodError, RequestError } from './errors.ts';
import { createExecutionView } from './execution-view.ts';
import type { ApiEnv, AppDeps } from './types.ts';

const listQuerySchema = z.object({
  status: z.enum(executionStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().min(1).max(500).optional(),
});

const ID_MAX = 200;

export function executionRoutes(deps: AppDeps): Hono<ApiEnv> {
  const { executions, config } = deps;
  const view = createExecutionView(config);
  const app = new Hono<ApiEnv>();
  const actor = (c: Context<ApiEnv>) => actorOf(config, c.get('user'));
  const show = (rec: ExecutionRecord, who: Actor | undefined) => view(rec, { origin: allows('api', 'execution.origin', who, rec) });

  /** The execution, when `who` may read it; a 404 both for unknown ids and for others' executions. */
  const readable = async (id: string, who: Actor | undefined) => {
    const rec = id.length <= ID_MAX ? await executions.get(id) : undefined;
    if (!rec || !allows('api', 'execution.read', who, rec)) throw new NotFoundError('no such execution');
    return rec;
  };

  app.get('/', async (c) => {
    const parsed = listQuerySchema.safeParse(c.req.query());
    if (!parsed.success) throw new RequestError(400, 'invalid_request', describeZodError(parsed.error));
    const q = parsed.data;
    const who = actor(c);
    const scope = listScope('api', who);
    if (!scope) return c.json({ items: [], next_cursor: null });
    const page = await executions.list({
      ...scope,
      ...(q.status !== undefined && { status: q.status }),
      ...(q.limit !== undefined && { limit: q.limit }),
      ...(q.cursor !== undefined && { cursor: q.cursor }),
    });
    return c.json({ items: page.items.map((rec) => show(rec, who)), next_cursor: page.next_cursor ?? null });
  });

  app.get('/:id', async (c) => {
    const who = actor(c);
    return c.json(show(await readable(c.req.param('id'), who), who));
  });

  // a terminal execution comes back unchanged (200); an unknown one is a NotFoundError (404)
  app.post('/:id/cancel', async (c) => {
    const who = actor(c);
    const rec = await readable(c.req.param('id'), who);
    if (authorize('api', 'execution.cancel', who, rec) !== 'allow') {
      throw new ForbiddenError(`you may not cancel ${rec.id}: it is ${rec.user ?? 'nobody'}'s (permission executions.cancel_all)`);
    }
    return c.json({ execution: show(await executions.cancel(rec.id), who) });
  });

  return app;
}
