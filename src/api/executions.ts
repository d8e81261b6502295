/**
 * `GET /api/v1/executions/:id`, `GET /api/v1/executions?status=&user=&alias=&source=&q=&from=&to=&limit=&cursor=`
 * (newest first, `{items, next_cursor}`; filters in execution-query.ts; a filtered page reads at
 * most `LIST_SCAN_MAX` records and may come back short with a `next_cursor` to go on),
 * `POST /api/v1/executions/:id/cancel` and `POST /api/v1/executions/:id/rerun` (the same alias and
 * parameters again, as the caller, through the command pipeline: their `allow`, `confirm` rules).
 *
 * Each answers only what the caller may read (src/auth/permissions.ts): the list holds the caller's
 * own executions unless they have `executions.read_all` (or `cancel_all`); an execution they may
 * not read is a 404, like an unknown id, so ids cannot be probed; one they may read but not cancel
 * is a 403 on cancel. `origin` is shown to its owner and to `executions.read_all` only.
 */
import { Hono, type Context } from 'hono';
import { actorOf, allows, authorize, listScope, type Actor } from '../auth/permissions.ts';
import { runCommand } from '../commands/run-command.ts';
import { ForbiddenError, NotFoundError, UnavailableError } from '../errors.ts';
import { resolveSpoolId } from '../spool/replay-entry.ts';
import { isSpoolId } from '../spool/types.ts';
import type { ExecutionRecord } from '../executions/types.ts';
import { refusal, spooledBody } from './commands.ts';
import { describeZodError, errorBody, RequestError } from './errors.ts';
import { listQuerySchema, scopedQuery } from './execution-query.ts';
import { createExecutionView } from './execution-view.ts';
import { apiRedis } from './redis.ts';
import type { ApiEnv, AppDeps } from './types.ts';

const ID_MAX = 200;

export function executionRoutes(deps: AppDeps): Hono<ApiEnv> {
  const { executions, config } = deps;
  const view = createExecutionView(config);
  const redis = apiRedis(deps);
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
    const query = scope && scopedQuery(q, scope);
    if (!query) return c.json({ items: [], next_cursor: null });
    const page = await executions.list(query);
    return c.json({ items: page.items.map((rec) => show(rec, who)), next_cursor: page.next_cursor ?? null });
  });

  app.get('/:id', async (c) => {
    const who = actor(c);
    const id = c.req.param('id');
    if (isSpoolId(id)) return spooled(c, id, who);
    return c.json(show(await readable(id, who), who));
  });

  /**
   * A provisional id (src/spool/): the execution it became once replayed, 422 `spool_refused` when
   * the replay refused it, 202 `{status: 'spooled'}` while this gateway still holds it, else 404.
   */
  const spooled = async (c: Context<ApiEnv>, id: string, who: Actor | undefined) => {
    let away: unknown;
    const resolved = await resolveSpoolId(redis(), config.main.redis.prefix, id).catch((err: unknown) => {
      if (!(err instanceof UnavailableError)) throw err;
      away = err;
      return undefined;
    });
    if (resolved && 'execution' in resolved) {
      deps.commandSpool?.forget(id);
      return c.json(show(await readable(resolved.execution, who), who));
    }
    if (resolved) {
      if (!allows('api', 'execution.read', who, { user: resolved.user })) throw new NotFoundError('no such execution');
      return c.json({ ...errorBody('spool_refused', resolved.refused.message), id, refused: resolved.refused.code }, 422);
    }
    const entry = deps.commandSpool?.pending(id);
    if (entry && allows('api', 'execution.read', who, { user: entry.command.user })) return c.json({ ...spooledBody({ id }), spooled_at: entry.at }, 202);
    if (away) throw away; // Redis away and not held here: it may be another gateway's
    throw new NotFoundError('no such execution');
  };

  // a terminal execution comes back unchanged (200); an unknown one is a NotFoundError (404)
  app.post('/:id/cancel', async (c) => {
    const who = actor(c);
    const rec = await readable(c.req.param('id'), who);
    if (authorize('api', 'execution.cancel', who, rec) !== 'allow') {
      throw new ForbiddenError(`you may not cancel ${rec.id}: it is ${rec.user ?? 'nobody'}'s (permission executions.cancel_all)`);
    }
    return c.json({ execution: show(await executions.cancel(rec.id), who) });
  });

  // a new execution of the same alias and parameters, as the caller: never for one they may not read
  app.post('/:id/rerun', async (c) => {
    const who = actor(c);
    const rec = await readable(c.req.param('id'), who);
    if (rec.alias === undefined)
      throw new RequestError(422, 'not_rerunnable', `${rec.id} ran ${rec.action} without an alias (a notification or the CLI): only a command can be re-run`);
    const key = c.get('apiKey');
    const outcome = await runCommand(deps, {
      text: rec.text ?? rec.alias,
      source: 'api',
      user: key.user,
      origin: { source: 'api', sender: key.name, proof: 'verified' },
      rerun: { alias: rec.alias, action: rec.action, params: rec.params },
    });
    if (outcome.kind === 'queued' || outcome.kind === 'pending') {
      const confirmation = outcome.kind === 'pending' &&
        outcome.confirmation && { code: outcome.confirmation.code, expires_at: outcome.confirmation.expiresAt };
      return c.json(
        { execution: view(outcome.execution, { origin: true }), created: outcome.created, rerun_of: rec.id, ...(confirmation && { confirmation }) },
        202,
      );
    }
    // never spooled: a re-run reads its execution from Redis first (503 while Redis is away)
    if (outcome.kind === 'spooled') return c.json(spooledBody(outcome), 202);
    const { status, body } = refusal(outcome);
    return c.json(body, status);
  });

  return app;
}
