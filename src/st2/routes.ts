/**
 * StackStorm's chat API subset under `/st2/` (docs/contracts.md section 7), so st2client, the st2
 * CLI and hubot-stackstorm work against Switchboard by changing only their URLs:
 *
 * - `POST auth/v1/tokens` (Basic user:password, or `St2-Api-Key`) -> 201 `{user, token, expiry, id, metadata}`
 * - `GET  api/v1/actionalias[?pack=&name=&limit=&offset=]`, `GET api/v1/actionalias/:ref`
 * - `GET  api/v1/actionalias/help[?filter=&pack=&limit=&offset=]` -> `{available, helpstrings}`
 * - `POST api/v1/actionalias/match {command}` -> `{actionalias, display, representation}`
 * - `POST api/v1/aliasexecution {name, format, command, user, source_channel, notification_route}` (hubot-stackstorm)
 * - `POST api/v1/aliasexecution/match_and_execute {command, user, source_channel, notification_route}` (st2 CLI)
 * - `GET  api/v1/executions/:id` (also a provisional id `sp-…` of a command kept while Redis was away)
 * - `GET  stream/v1/stream` (also `api/v1/stream`, where st2client looks without a stream URL):
 *   server-sent events, `st2.announcement__chatops` when a command's execution ends
 *
 * Errors are StackStorm's `{faultstring}`. Commands go through the one command pipeline as the
 * credential's user (or, for a key with `act_as_others`, the request's `user`): the same aliases,
 * `allow` roles, confirmation and rate limits as every other source. Redis away, with a spool
 * (src/spool/): an `St2-Api-Key` caller's command is kept and answered 201 as a queued one, its
 * provisional id (`sp-…`) as the execution id, status `requested` (st2/spooled.ts); a token caller
 * is 503 (tokens live in Redis).
 */
import { Hono, type Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { normalizeText, type CompiledAlias, type MatchOptions } from '../aliases/index.ts';
import { readBody } from '../api/body.ts';
import { refusal } from '../api/commands.ts';
import { RequestError, describeZodError } from '../api/errors.ts';
import { createExecutionView } from '../api/execution-view.ts';
import { apiRedis } from '../api/redis.ts';
import type { AppDeps } from '../api/types.ts';
import { clientAddress, proxyTrust } from '../auth/client-address.ts';
import { allowFromConfig, mayRun } from '../auth/authorize.ts';
import { actorOf, allows } from '../auth/permissions.ts';
import { checkRateLimit } from '../auth/rate-limit.ts';
import { runCommand, type CommandMatcher, type CommandOutcome } from '../commands/run-command.ts';
import { matchAsUser } from '../commands/match-as-user.ts';
import type { AliasConfig } from '../config/types.ts';
import { AuthError, ForbiddenError, NotFoundError, ParameterError, UnavailableError } from '../errors.ts';
import { hashTagPrefix } from '../executions/keys.ts';
import { guarded } from '../executions/redis.ts';
import type { ExecutionRecord, Origin } from '../executions/types.ts';
import { redactText } from '../log.ts';
import { buildAck } from '../notify/index.ts';
import { renderTemplate } from '../templates/render.ts';
import { createLoginCheck, credentialOf } from '../web/credentials.ts';
import { createLoginThrottle, loginAccount } from '../web/login-throttle.ts';
import { announceChannel, st2Reply, type Announcement } from './announce.ts';
import { requireSt2Auth, type St2Caller, type St2Env } from './auth.ts';
import { aliasApi, aliasHasFormat, entryOf, executionApi, helpStrings, splitRef, st2Time } from './shapes.ts';
import { announcementHub } from './stream-hub.ts';
import { createTokenStore, TOKEN_TTL_MAX_SECONDS } from './tokens.ts';
import { spooledExecutionApi } from './spooled.ts';
import { resolveSpoolId } from '../spool/replay-entry.ts';
import { isSpoolId } from '../spool/types.ts';

const ID_MAX = 200;
/** chat room, chat user and route names kept in the origin */
const FIELD_MAX = 200;
/** a comment line every so often, so proxies keep an idle stream open */
const KEEPALIVE_MS = 20_000;

/** password guessing on the token endpoint, per process (as the dashboard's login) */
const throttle = createLoginThrottle();

const fault = (c: Context, status: 400 | 401 | 403 | 404 | 413 | 422 | 429 | 500 | 503, message: string, headers?: Record<string, string>) =>
  c.json({ faultstring: message }, status, headers);

const short = (what: string) => z.string({ error: `${what} must be a string` }).max(FIELD_MAX, { error: `${what} is longer than ${FIELD_MAX} characters` });

function bodySchemas(commandLength: number) {
  const command = z
    .string({ error: (i) => (i.input === undefined ? 'command is required' : 'command must be a string') })
    .max(commandLength, { error: `command is longer than ${commandLength} characters` })
    .refine((t) => t.trim().length > 0, { error: 'command is empty' });
  const chat = {
    user: short('user').optional(),
    source_channel: short('source_channel').optional(),
    notification_route: short('notification_route').optional(),
    notification_channel: short('notification_channel').optional(),
  };
  return {
    match: z.object({ command }),
    // hubot-stackstorm also sends `source_context` (its message envelope): accepted, not kept
    aliasExecution: z.object({
      name: z.string({ error: 'Alias execution "name" is required' }).min(1, { error: 'Alias execution "name" is required' }).max(FIELD_MAX),
      format: short('format').optional(),
      command,
      ...chat,
    }),
    matchAndExecute: z.object({ command, ...chat }),
    token: z.object({ ttl: z.number().int().positive().optional() }),
  };
}

/** A matcher that only ever matches `aliasId` (aliasexecution names its alias). */
function restrictTo(matcher: CommandMatcher, aliasId: string): CommandMatcher {
  const inOnly = (only: MatchOptions['only'], id: string) => (only === undefined ? true : typeof only === 'function' ? only(id) : only.includes(id));
  return { match: (text, opts) => matcher.match(text, { only: (id) => id === aliasId && inOnly(opts?.only, id) }) };
}

export function st2Routes(deps: AppDeps): Hono {
  const { config, matcher, executions } = deps;
  const logger = deps.logger.child({ component: 'st2' });
  const redis = apiRedis(deps);
  const prefix = hashTagPrefix(config.main.redis.prefix);
  const tokens = createTokenStore(redis, config.main.redis.prefix);
  const schemas = bodySchemas(config.main.limits.command_length);
  const view = createExecutionView(config);
  const allowOf = allowFromConfig(config);
  const loginCheck = createLoginCheck(config);
  const credential = credentialOf(config);
  const trust = proxyTrust(config.main.server.trusted_proxies);
  const perMinute = config.main.limits.per_key_per_minute;
  const aliasById = new Map(config.aliases.map((a) => [a.id, a]));
  const compiledById = new Map(matcher.aliases.map((a) => [a.id, a]));

  const app = new Hono();
  app.onError((err, c) => {
    const message = redactText(err.message, config.secrets);
    if (err instanceof RequestError) return fault(c, err.status === 422 ? 400 : err.status, message);
    if (err instanceof AuthError) return fault(c, 401, message);
    if (err instanceof ForbiddenError) return fault(c, 403, message);
    if (err instanceof NotFoundError) return fault(c, 404, message);
    if (err instanceof ParameterError) return fault(c, 400, message);
    if (err instanceof UnavailableError) return fault(c, 503, message);
    if (err instanceof z.ZodError) return fault(c, 400, describeZodError(err));
    logger.error({ err, method: c.req.method, path: c.req.path }, 'st2 request failed');
    return fault(c, 500, 'Internal Server Error');
  });

  // ------------------------------------------------------------------ auth/v1/tokens
  app.post('/auth/v1/tokens', async (c) => {
    const body = await readBody(c, schemas.token);
    const key = c.req.header('st2-api-key');
    const basic = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(c.req.header('authorization') ?? '');
    let form: { api_key?: string; user?: string; password?: string };
    if (key) form = { api_key: key };
    else if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      form = colon < 0 ? { user: decoded, password: '' } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    } else {
      return fault(c, 401, 'Unauthorized - One of Basic authentication or an API key required.', { 'WWW-Authenticate': 'Basic realm="switchboard"' });
    }
    const client = clientAddress(peerOf(c), c.req.header('x-forwarded-for'), trust);
    const account = loginAccount(form);
    if (!throttle.allowed(account, client)) return fault(c, 429, 'Too many failed attempts; wait a minute.', { 'Retry-After': '60' });
    const identity = await loginCheck(form);
    const cred = identity && credential(identity);
    if (!identity || cred === undefined) {
      throttle.failed(account, client);
      logger.info({ client }, 'st2 token refused');
      return fault(c, 401, 'Invalid or missing credentials');
    }
    throttle.succeeded(account, client);
    const ttl = Math.min(body.ttl ?? TOKEN_TTL_MAX_SECONDS, TOKEN_TTL_MAX_SECONDS);
    const { token, record } = await tokens.issue({ user: identity.user, via: identity.via, credential: cred, ttlSeconds: ttl });
    return c.json({ id: token.slice(0, 24), user: record.user, token, expiry: st2Time(new Date(record.expires).toISOString()), metadata: {} }, 201);
  });

  // ------------------------------------------------------------------ api/v1 (and the stream)
  const api = new Hono<St2Env>();
  api.use('*', requireSt2Auth({ config, tokens }));
  api.use('*', async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const caller = c.get('caller');
    // a key shares its budget with /api/v1 (the same name there)
    const bucket = caller.credential.startsWith('key:') ? `api:${caller.credential.slice(4)}` : `st2:${caller.credential}`;
    const r = redis();
    const decision = await guarded(r, () => checkRateLimit(r, prefix, bucket, perMinute)).catch((err: unknown) => {
      // Redis away with a spool (src/spool/): not counted, as on /api/v1; the spool's max_mb bounds what is kept
      if (deps.commandSpool && err instanceof UnavailableError) return undefined;
      throw err;
    });
    if (decision && !decision.allowed) {
      const message = `too many requests for this credential: at most ${perMinute} a minute; try again in ${decision.retryAfterSeconds}s`;
      return fault(c, 429, message, { 'Retry-After': String(decision.retryAfterSeconds) });
    }
    return next();
  });

  const visible = (caller: St2Caller): AliasConfig[] => config.aliases.filter((a) => mayRun(caller.user, allowOf(a.id)));

  api.get('/actionalias', (c) => {
    const q = c.req.query();
    const all = visible(c.get('caller')).filter(
      (a) => (q.pack === undefined || splitRef(a.id).pack === q.pack) && (q.name === undefined || splitRef(a.id).name === q.name),
    );
    const limit = intParam(q.limit, 'limit') ?? 0;
    const offset = Math.max(0, intParam(q.offset, 'offset') ?? 0);
    const page = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    return c.json(page.map(aliasApi), 200, { 'X-Total-Count': String(all.length), 'X-Limit': String(limit > 0 ? limit : all.length) });
  });

  api.get('/actionalias/help', (c) => {
    const q = c.req.query();
    const mine = new Set(visible(c.get('caller')).map((a) => a.id));
    const limit = intParam(q.limit, 'limit');
    const offset = intParam(q.offset, 'offset');
    return c.json(
      helpStrings(
        matcher.aliases.filter((a) => mine.has(a.id)),
        { filter: q.filter, pack: q.pack, ...(limit !== undefined && { limit }), ...(offset !== undefined && { offset }) },
      ),
    );
  });

  api.get('/actionalias/:ref', (c) => {
    const ref = c.req.param('ref');
    const alias = visible(c.get('caller')).find((a) => a.id === ref);
    if (!alias) throw new NotFoundError(`Resource with a reference or id "${ref.slice(0, ID_MAX)}" not found`);
    return c.json(aliasApi(alias));
  });

  api.post('/actionalias/match', async (c) => {
    const { command } = await readBody(c, schemas.match);
    const caller = c.get('caller');
    const text = normalizeText(command, 'api', { botNames: config.main.ingress.bot_names });
    const { result, allowed } = matchAsUser(matcher, text, (id) => mayRun(caller.user, allowOf(id)));
    if (!allowed && (result.kind === 'matched' || result.kind === 'invalid')) return fault(c, 403, `you may not run ${result.alias}`);
    if (result.kind === 'none') return fault(c, 400, `Command '${text}' matched no patterns`);
    if (result.kind === 'ambiguous') return fault(c, 400, `Command '${text}' matched more than 1 pattern`);
    if (result.kind === 'invalid') return fault(c, 400, result.error);
    const alias = aliasById.get(result.alias)!;
    const entry = entryOf(compiledById.get(result.alias), result.format);
    return c.json({ actionalias: aliasApi(alias), display: entry?.display ?? result.format, representation: result.format });
  });

  /** Runs `command` through the pipeline for the caller; the StackStorm answer for each execution, or a refusal. */
  async function execute(
    c: Context<St2Env>,
    input: { command: string; alias?: CompiledAlias; user?: string | undefined; channel?: string | undefined; route?: string | undefined },
  ) {
    const caller = c.get('caller');
    // a key that may act for others runs the command as the chat user it names; any other caller as itself
    const runAs = caller.actAsOthers && input.user !== undefined ? input.user : caller.user?.name;
    const origin: Origin = {
      source: 'api',
      sender: caller.sender,
      reply: st2Reply({ route: input.route, channel: input.channel, user: input.user, credential: caller.credential }),
      proof: 'verified',
    };
    const outcome = await runCommand(
      {
        ...deps,
        logger,
        matcher: input.alias ? restrictTo(matcher, input.alias.id) : matcher,
        // Redis away: kept in the spool, its provisional id answered as the execution id (st2/spooled.ts)
        ...(deps.commandSpool && { spool: deps.commandSpool }),
      },
      { text: input.command, source: 'api', user: runAs, origin, sendAck: false },
    );
    if (outcome.kind === 'spooled') return { results: [spooledAnswer(outcome, runAs)], refused: undefined };
    if (outcome.kind === 'queued' || outcome.kind === 'pending') {
      const alias = aliasById.get(outcome.alias);
      const prompt = outcome.kind === 'pending' ? outcome.prompt : undefined;
      return { results: outcome.executions.map((s) => answer(s.execution, alias, prompt)), refused: undefined };
    }
    return { results: undefined, refused: refused(outcome, runAs) };
  }

  function answer(rec: ExecutionRecord, alias: AliasConfig | undefined, prompt: string | undefined) {
    const ack = buildAck({ execution: rec, alias, render: renderTemplate });
    const message = prompt ?? ack?.message;
    const extra = ack?.data.extra;
    return {
      execution: executionApi(view(rec, { origin: true })),
      ...(alias && { actionalias: aliasApi(alias) }),
      ...(message !== undefined && { message: redactText(message, config.secrets) }),
      ...(extra !== undefined && { extra }),
    };
  }

  /** A command kept in the spool: `{execution, actionalias, message}` as for a queued one, its provisional id as the execution id. */
  function spooledAnswer(outcome: Extract<CommandOutcome, { kind: 'spooled' }>, runAs: string | undefined) {
    const entry = deps.commandSpool?.pending(outcome.id);
    const alias = aliasById.get(outcome.alias);
    const execution = spooledExecutionApi({
      id: outcome.id,
      at: entry?.at ?? new Date().toISOString(),
      action: outcome.action,
      alias: outcome.alias,
      params: entry?.command.rerun.params ?? {},
      user: entry?.command.user ?? runAs ?? null,
    });
    return { execution, ...(alias && { actionalias: aliasApi(alias) }), message: `${outcome.message} (${outcome.id}).` };
  }

  function refused(outcome: Exclude<CommandOutcome, { kind: 'queued' | 'pending' | 'spooled' }>, runAs: string | undefined) {
    if (outcome.kind === 'none') return { status: 400 as const, message: `Command '${outcome.text}' matched no patterns` };
    if (outcome.kind === 'ambiguous') return { status: 400 as const, message: `Command '${outcome.text}' matched more than 1 pattern` };
    if (outcome.kind === 'unknown_user') return { status: 403 as const, message: `user "${runAs ?? ''}" is not configured in Switchboard; nothing was run` };
    // an answer to an alert (`ACK 4821`, src/alerts/): st2 has no shape for it, its words are the fault string
    if (outcome.kind === 'alert') return { status: 400 as const, message: outcome.result.message };
    const { status, body } = refusal(outcome);
    return { status: status === 422 ? (400 as const) : status, message: 'error' in body ? body.error.message : '' };
  }

  api.post('/aliasexecution', async (c) => {
    const body = await readBody(c, schemas.aliasExecution);
    const alias = findAlias(body.name, c.get('caller'));
    const compiled = compiledById.get(alias.id);
    if (!alias.enabled || !compiled) return fault(c, 400, `Action alias with name "${body.name}" is disabled.`);
    if (body.format !== undefined && !aliasHasFormat(compiled, body.format)) {
      return fault(c, 400, `Format string "${body.format}" is not available on the alias "${body.name}"`);
    }
    const run = await execute(c, {
      command: body.command,
      alias: compiled,
      user: body.user,
      channel: body.source_channel,
      route: body.notification_route ?? body.notification_channel,
    });
    if (run.refused) return refusedAnswer(c, run.refused);
    return c.json(run.results[0], 201);
  });

  api.post('/aliasexecution/match_and_execute', async (c) => {
    const body = await readBody(c, schemas.matchAndExecute);
    const run = await execute(c, {
      command: body.command,
      user: body.user,
      channel: body.source_channel,
      route: body.notification_route ?? body.notification_channel,
    });
    if (run.refused) return refusedAnswer(c, run.refused);
    return c.json({ results: run.results }, 201);
  });

  /** The alias hubot names: by ref, else by name (StackStorm's `get_by_name`); 404 as StackStorm words it. */
  function findAlias(name: string, caller: St2Caller): AliasConfig {
    const byRef = aliasById.get(name);
    if (byRef) return byRef;
    const named = config.aliases.filter((a) => splitRef(a.id).name === name);
    if (named.length === 1) return named[0]!;
    const mine = named.filter((a) => mayRun(caller.user, allowOf(a.id)));
    if (mine.length === 1) return mine[0]!;
    if (named.length > 1)
      throw new RequestError(400, 'ambiguous', `Alias name "${name}" is in several packs (${named.map((a) => a.id).join(', ')}): send its ref`);
    throw new NotFoundError(`Unable to identify action alias with name "${name}".`);
  }

  api.get('/executions/:id', async (c) => {
    const id = c.req.param('id');
    const who = actorOf(config, c.get('caller').user);
    if (isSpoolId(id)) return spooledExecution(c, id, who);
    const rec = id.length <= ID_MAX ? await executions.get(id) : undefined;
    // an execution the caller may not read is as unknown as one that does not exist
    if (!rec || !allows('api', 'execution.read', who, rec)) throw new NotFoundError(`Resource with a reference or id "${id.slice(0, ID_MAX)}" not found`);
    return c.json(executionApi(view(rec, { origin: allows('api', 'execution.origin', who, rec) })));
  });

  /**
   * A provisional id (src/spool/), as `GET /api/v1/executions/sp-…` answers it: the execution it
   * became once replayed; 400 with the reason when the replay refused it; the spooled command
   * (status `requested`) while this gateway holds it; else 404 (503 while Redis is away).
   */
  async function spooledExecution(c: Context<St2Env>, id: string, who: ReturnType<typeof actorOf>) {
    let away: unknown;
    const resolved = await resolveSpoolId(redis(), config.main.redis.prefix, id).catch((err: unknown) => {
      if (!(err instanceof UnavailableError)) throw err;
      away = err;
      return undefined;
    });
    const notFound = () => new NotFoundError(`Resource with a reference or id "${id}" not found`);
    if (resolved && 'execution' in resolved) {
      deps.commandSpool?.forget(id);
      const rec = await executions.get(resolved.execution);
      if (!rec || !allows('api', 'execution.read', who, rec)) throw notFound();
      return c.json(executionApi(view(rec, { origin: allows('api', 'execution.origin', who, rec) })));
    }
    if (resolved) {
      if (!allows('api', 'execution.read', who, { user: resolved.user })) throw notFound();
      return fault(c, 400, `The command kept as ${id} was not run: ${resolved.refused.message}`);
    }
    const entry = deps.commandSpool?.pending(id);
    if (entry && allows('api', 'execution.read', who, { user: entry.command.user })) {
      const c2 = entry.command;
      return c.json(spooledExecutionApi({ id, at: entry.at, action: c2.rerun.action, alias: c2.rerun.alias, params: c2.rerun.params, user: c2.user }));
    }
    if (away) throw away; // Redis away and not held here: it may be another gateway's
    throw notFound();
  }

  const stream = async (c: Context<St2Env>) => {
    const caller = c.get('caller');
    const who = actorOf(config, caller.user);
    const wanted = c.req
      .query('events')
      ?.split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    // the caller hears what it submitted, and what it may read
    const hears = (a: Announcement) => a.credential === caller.credential || allows('api', 'execution.read', who, { user: a.owner });
    const hub = announcementHub(redis(), announceChannel(config.main.redis.prefix), logger);
    let deliver: (a: Announcement) => void;
    const early: Announcement[] = [];
    deliver = (a) => early.push(a);
    let finish = () => {};
    const ended = new Promise<void>((resolve) => (finish = resolve));
    // subscribed before the response starts: a client that saw the stream open misses nothing after
    const off = await hub
      .listen(
        (a) => deliver(a),
        () => finish(),
      )
      .catch((err: Error) => {
        throw new UnavailableError(err.message);
      });
    return streamSSE(c, async (sse) => {
      const send = (a: Announcement) => {
        if (!hears(a)) return;
        for (const event of a.events) if (!wanted || wanted.includes(event)) void sse.writeSSE({ event, data: JSON.stringify(a.data) });
      };
      const keepalive = setInterval(() => void sse.write(': keep-alive\n\n'), KEEPALIVE_MS);
      keepalive.unref();
      sse.onAbort(() => finish());
      try {
        await sse.write(': connected\n\n');
        for (const a of early.splice(0)) send(a);
        deliver = send;
        await ended;
      } finally {
        clearInterval(keepalive);
        off();
      }
    });
  };
  api.get('/stream', stream);
  app.route('/api/v1', api);

  const streamApp = new Hono<St2Env>();
  streamApp.use('*', requireSt2Auth({ config, tokens }));
  streamApp.get('/stream', stream);
  app.route('/stream/v1', streamApp);

  return app;
}

/** A refusal as StackStorm answers it; a confirmation reply that ran nothing (`NO`) is a 200 with its message. */
function refusedAnswer(c: Context, r: { status: 200 | 400 | 403 | 429; message: string }) {
  return r.status === 200 ? c.json({ results: [], message: r.message }, 200) : fault(c, r.status, r.message);
}

function intParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^-?\d{1,9}$/.test(value)) throw new RequestError(400, 'invalid_request', `${name} must be an integer`);
  return Number(value);
}

function peerOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
