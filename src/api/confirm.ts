/**
 * `POST /api/v1/executions/:id/confirm {code}`: confirm a `pending` execution (docs/contracts.md section 6)
 * as the person who sent it. Anyone else gets 404, as for an id that does not exist (ids cannot be
 * probed). 200 `{execution}` once queued; 422 `wrong_code` (with the tries left), `code_required`;
 * 409 `canceled` when that code was the third wrong one or the time was up; 429 `locked` after too
 * many wrong codes; 503 when this gateway cannot confirm.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { isOwner } from '../auth/permissions.ts';
import { NotFoundError } from '../errors.ts';
import { readBody } from './body.ts';
import { errorBody } from './errors.ts';
import { createExecutionView } from './execution-view.ts';
import type { ApiEnv, AppDeps } from './types.ts';

const bodySchema = z.object({
  code: z
    .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
    .regex(/^\d{1,12}$/, { error: 'must be the digits you were sent' }),
});

/** @example app.route('/executions', confirmRoutes(deps)) // next to executionRoutes */
export function confirmRoutes(deps: AppDeps): Hono<ApiEnv> {
  const view = createExecutionView(deps.config);
  const app = new Hono<ApiEnv>();

  app.post('/:id/confirm', async (c) => {
    const id = c.req.param('id');
    const caller = c.get('user');
    const rec = id.length <= 200 ? await deps.executions.get(id) : undefined;
    // 1. only the person who sent it, and only while it waits: anything else is "no such execution"
    if (!rec || !isOwner(caller, rec)) throw new NotFoundError('no such execution');
    const body = await readBody(c, bodySchema);
    if (!deps.confirmations) return c.json(errorBody('unavailable', 'this gateway cannot confirm executions'), 503);
    if (rec.status !== 'pending') return c.json(errorBody('not_pending', `execution ${id} is ${rec.status}, not waiting for a confirmation`), 409);
    const r = await deps.confirmations.confirmExecution(id, caller!.name, body.code);
    switch (r.answer) {
      case 'confirmed': {
        for (const e of r.executions) await deps.deliveries?.ackExecution(e).catch(() => undefined);
        const now = r.executions.find((e) => e.id === id) ?? (await deps.executions.get(id));
        // the caller owns it: they see its origin
        return c.json({ execution: now ? view(now, { origin: true }) : null });
      }
      case 'wrong':
        return c.json({ ...errorBody('wrong_code', r.message), tries_left: r.left }, 422);
      case 'code_needed':
        return c.json(errorBody('code_required', r.message), 422);
      case 'locked':
        return c.json(errorBody('locked', r.message), 429);
      case 'canceled':
      case 'expired':
      case 'refused':
        return c.json(errorBody('canceled', r.message), 409);
      case 'not_found':
        throw new NotFoundError('no such execution');
    }
  });
  return app;
}
