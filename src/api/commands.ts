/**
 * `POST /api/v1/commands {text, user?}`: run a command as the API key's user (or as `user` when the
 * key may act for others). 202 `{execution}`; 422 no match / ambiguous / bad parameter; 403 not allowed.
 * Redis away, with a spool (`spool:`, src/spool/): 202 `{status: 'spooled', id: 'sp-…', message}`,
 * its Idempotency-Key kept with it and bound at replay; `GET /api/v1/executions/sp-…` follows it.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { runCommand, type CommandOutcome } from '../commands/run-command.ts';
import { ForbiddenError, UnavailableError } from '../errors.ts';
import { SPOOLED_MESSAGE } from '../spool/types.ts';
import { readBody } from './body.ts';
import { errorBody, RequestError } from './errors.ts';
import { createExecutionView, type ExecutionView } from './execution-view.ts';
import { createIdempotencyGuard } from './idempotency.ts';
import type { ApiEnv, AppDeps } from './types.ts';

const MAX_IDEMPOTENCY_KEY = 200;

/** The body of `POST /api/v1/commands` (and `text` of the match dry run), for this config's limits. */
export function commandBodySchema(commandLength: number) {
  return z.object({
    text: z
      .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
      .max(commandLength, { error: `is longer than ${commandLength} characters` })
      .refine((t) => t.trim().length > 0, { error: 'is empty' }),
    user: z.string({ error: 'must be a string' }).min(1, { error: 'is empty' }).optional(),
  });
}

/** Maps a pipeline outcome that ran nothing to its HTTP answer (also `POST /api/v1/executions/:id/rerun`'s). */
export function refusal(outcome: Exclude<CommandOutcome, { kind: 'queued' | 'pending' | 'spooled' }>) {
  switch (outcome.kind) {
    case 'none':
      return {
        status: 422 as const,
        body: { ...errorBody('no_match', 'no alias matches this command'), suggestions: outcome.suggestions },
      };
    case 'ambiguous': {
      const ids = [...new Set(outcome.candidates.map((c) => c.alias))].join(', ');
      return {
        status: 422 as const,
        body: {
          ...errorBody('ambiguous', `this command matches several aliases: ${ids}`),
          candidates: outcome.candidates,
          suggestions: outcome.candidates.map((c) => c.format),
        },
      };
    }
    case 'invalid':
      return {
        status: 422 as const,
        body: {
          ...errorBody(
            outcome.parameter !== undefined ? 'bad_parameter' : 'invalid_command',
            outcome.error,
            outcome.parameter !== undefined ? { parameter: outcome.parameter } : {},
          ),
          ...(outcome.alias !== undefined && { alias: outcome.alias }),
        },
      };
    case 'forbidden':
      return {
        status: 403 as const,
        body: errorBody('forbidden', `you may not run ${outcome.alias}`),
      };
    case 'unknown_user':
      return { status: 403 as const, body: errorBody('unknown_user', 'the user is not configured; nothing was run') };
    case 'confirmation': {
      // a reply to a confirmation sent as a command (`NO`, a wrong code): what became of it
      const r = outcome.result;
      const status =
        r.answer === 'locked'
          ? (429 as const)
          : r.answer === 'wrong' || r.answer === 'code_needed' || r.answer === 'not_found'
            ? (422 as const)
            : (200 as const);
      return { status, body: { ...errorBody(r.answer === 'wrong' ? 'wrong_code' : `confirmation_${r.answer}`, r.message) } };
    }
    case 'alert': {
      // an answer to an alert sent as a command (`ACK 4821`): what became of it (src/alerts/)
      const r = outcome.result;
      if (r.ok)
        return {
          status: 200 as const,
          body: { message: r.message, ...(r.alert && { alert: { id: r.alert.id, code: r.alert.code, status: r.alert.status } }) },
        };
      return { status: 422 as const, body: errorBody('alert_action_refused', r.message) };
    }
    case 'question':
      // the API asks nothing (it has no conversations); a pipeline that does answers 422 with the question
      return {
        status: 422 as const,
        body: { ...errorBody('missing_parameter', outcome.question, { parameter: outcome.parameter }), alias: outcome.alias },
      };
    case 'answered':
      return { status: 200 as const, body: { message: outcome.message } };
  }
}

/** The answer to a command kept in the spool while Redis is away (and to `GET /api/v1/executions/sp-…` until it runs). */
export const spooledBody = (outcome: { id: string; message?: string }) => ({
  status: 'spooled' as const,
  id: outcome.id,
  message: outcome.message ?? SPOOLED_MESSAGE,
});

/** the origin of what this key just submitted is the key's own request: shown */
const CALLER_MADE_IT = { origin: true };

export function commandRoutes(deps: AppDeps): Hono<ApiEnv> {
  const { config } = deps;
  const schema = commandBodySchema(config.main.limits.command_length);
  const view = createExecutionView(config);
  const logger = deps.logger.child({ component: 'api' });
  const idempotencyGuard = createIdempotencyGuard(deps);
  const app = new Hono<ApiEnv>();

  app.post('/', async (c) => {
    const body = await readBody(c, schema);
    const key = c.get('apiKey');
    if (body.user !== undefined && body.user !== key.user && !key.act_as_others) {
      throw new ForbiddenError('this API key may not act for other users');
    }
    const idempotency = c.req.header('idempotency-key')?.trim();
    if (idempotency !== undefined && (idempotency.length === 0 || idempotency.length > MAX_IDEMPOTENCY_KEY)) {
      throw new RequestError(422, 'invalid_request', `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`);
    }
    // Stripe's rule: the key is bound to this body; another body with it is 422 idempotency_key_reused
    let offline = false as boolean;
    const claim =
      idempotency === undefined
        ? undefined
        : await idempotencyGuard.claim('commands', key.name, idempotency, body).catch((err: unknown) => {
            // Redis away: the binding is made at replay, when the command is spooled
            if (!(deps.commandSpool && err instanceof UnavailableError)) throw err;
            offline = true;
            return undefined;
          });
    const outcome = await runCommand(
      { ...deps, logger, ...(deps.commandSpool && { spool: deps.commandSpool }) },
      {
        text: body.text,
        source: 'api',
        user: body.user ?? key.user,
        origin: { source: 'api', sender: key.name, ...(idempotency !== undefined && { message_id: idempotency }), proof: 'verified' },
        // scoped by key, so two callers' keys never collide
        ...(idempotency !== undefined && { idempotencyKey: `api:${key.name}:${idempotency}` }),
        ...(offline && idempotency !== undefined && { apiIdempotency: { apiKey: key.name, key: idempotency, body } }),
      },
    );
    if (outcome.kind === 'spooled') return c.json(spooledBody(outcome), 202);
    if (outcome.kind === 'pending') {
      // two steps by design: the caller confirms with POST /api/v1/executions/:id/confirm {code}
      const confirmation = outcome.confirmation && { code: outcome.confirmation.code, expires_at: outcome.confirmation.expiresAt };
      return c.json({ execution: view(outcome.execution, CALLER_MADE_IT), created: outcome.created, ...(confirmation && { confirmation }) }, 202);
    }
    if (outcome.kind !== 'queued') {
      if (outcome.kind !== 'confirmation') await claim?.release(); // nothing was created: the key is free again
      const { status, body: answer } = refusal(outcome);
      return c.json(answer, status);
    }
    const answer: { execution: ExecutionView; created: boolean; executions?: ExecutionView[] } = {
      execution: view(outcome.execution, CALLER_MADE_IT),
      created: outcome.created,
    };
    if (outcome.executions.length > 1) answer.executions = outcome.executions.map((s) => view(s.execution, CALLER_MADE_IT));
    return c.json(answer, 202, outcome.created ? {} : { 'Idempotent-Replayed': 'true' });
  });

  return app;
}
