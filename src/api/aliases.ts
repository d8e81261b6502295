/**
 * `GET /api/v1/aliases`: the help listing, only what the caller may run.
 * `POST /api/v1/aliases/match {text}`: a dry run as the caller; says what would run (after
 * normalisation, immutable parameters and the action's schema), and nothing is queued.
 */
import { Hono } from 'hono';
import { normalizeText, type MatchResult } from '../aliases/index.ts';
import { allowFromConfig, mayRun } from '../auth/authorize.ts';
import { helpEntries } from '../commands/help.ts';
import { matchAsUser } from '../commands/match-as-user.ts';
import { readBody } from './body.ts';
import { commandBodySchema } from './commands.ts';
import type { ApiEnv, AppDeps } from './types.ts';

/** The dry-run answer: `switchboard match --json`'s shape (docs/contracts.md section 5), plus `forbidden`. */
export function dryRunJson(r: MatchResult, allowed: boolean): Record<string, unknown> {
  const none = { suggestions: [] as string[], candidates: [] as unknown[] };
  if (!allowed && (r.kind === 'matched' || r.kind === 'invalid')) {
    return { matched: false, reason: 'forbidden', error: `you may not run ${r.alias}`, alias: r.alias, ...none };
  }
  switch (r.kind) {
    case 'matched':
      return { matched: true, alias: r.alias, action: r.action, format: r.format, params: r.multiple ?? r.params };
    case 'none':
      return { matched: false, reason: 'no_match', error: 'no alias matches this command', ...none, suggestions: r.suggestions };
    case 'ambiguous':
      return { matched: false, reason: 'ambiguous', error: 'this command matches several aliases', ...none, candidates: r.candidates };
    case 'invalid':
      return {
        matched: false,
        reason: 'invalid',
        error: r.error,
        ...(r.alias !== undefined && { alias: r.alias }),
        ...(r.parameter !== undefined && { parameter: r.parameter }),
        ...none,
      };
  }
}

export function aliasRoutes(deps: AppDeps): Hono<ApiEnv> {
  const { config, matcher } = deps;
  const allowOf = allowFromConfig(config);
  const schema = commandBodySchema(config.main.limits.command_length).pick({ text: true });
  const app = new Hono<ApiEnv>();

  app.get('/', (c) => c.json({ items: helpEntries({ config, matcher }, c.get('user')?.name) }));

  app.post('/match', async (c) => {
    const { text: raw } = await readBody(c, schema);
    const text = normalizeText(raw, 'api', { botNames: config.main.ingress.bot_names });
    const user = c.get('user');
    const { result, allowed } = matchAsUser(matcher, text, (id) => mayRun(user, allowOf(id)));
    return c.json(dryRunJson(result, allowed));
  });

  return app;
}
