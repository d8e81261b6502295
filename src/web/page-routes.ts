/**
 * The dashboard's pages (`/`, `/executions/:id`, `/playground`, `/aliases`, `/rules`, `/channels`,
 * `/queues`) and the fragments app.js swaps in (`/ui/fragments/...`). Every route here sits behind
 * the login; commands are matched with the same `matchAsUser` the API and every ingress use.
 *
 * What a user sees is decided by src/auth/permissions.ts, as on the API: the list and the
 * execution pages hold their own executions unless they have `executions.read_all`; another
 * person's execution is "not found"; the Cancel button appears only where they may cancel; the
 * rules and channels pages need `config.read`, the queues page (and Bull Board) `queues`.
 */
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { normalizeText } from '../aliases/index.ts';
import { describeZodError } from '../api/errors.ts';
import { listQuerySchema, scopedQuery } from '../api/execution-query.ts';
import { createExecutionView } from '../api/execution-view.ts';
import { allowFromConfig, mayRun, resolveUser } from '../auth/authorize.ts';
import { actorOf, allows, isOwner, listScope, type Action, type Actor } from '../auth/permissions.ts';
import { helpEntries } from '../commands/help.ts';
import { deadLetterStates, listDeadLetters, NotRetryableError, retryDeadLetter } from '../deliveries/dead-letters.ts';
import { deliveryKeys } from '../deliveries/keys.ts';
import { createLedger } from '../deliveries/ledger.ts';
import { NotFoundError } from '../errors.ts';
import { matchAsUser } from '../commands/match-as-user.ts';
import type { ExecutionRecord } from '../executions/types.ts';
import { redactText } from '../log.ts';
import type { WebContext } from './context.ts';
import type { Markup } from './format.ts';
import { requireLogin, type WebEnv } from './guard.ts';
import { pageHeaders } from './headers.ts';
import { page, type NavKey } from './layout.ts';
import { aliasesBody } from './pages/aliases.ts';
import { channelsBody } from './pages/channels.ts';
import { deliveriesBody, type DeliveriesModel } from './pages/deliveries.ts';
import { executionBody, stillMoving } from './pages/execution.ts';
import { executionRows, executionsBody, type ExecutionRow, type ListForm, type ListModel } from './pages/executions.ts';
import { playgroundBody, previewFragment, type PreviewModel } from './pages/playground.ts';
import { queuesBody, queuesFragment } from './pages/queues.ts';
import { rulesBody } from './pages/rules.ts';
import { readHealth } from './queue-health.ts';
import { previewRoutes } from './route-preview.ts';

const LIST_LIMIT = 50;
const DELIVERIES_LIMIT = 50;
const FORM_FIELDS = ['q', 'user', 'alias', 'source', 'status', 'from', 'to'] as const;
const ID_MAX = 200;

export function pageRoutes(ctx: WebContext): Hono<WebEnv> {
  const { config, matcher, executions } = ctx;
  const secrets = config.secrets;
  const view = createExecutionView(config);
  const allowOf = allowFromConfig(config);
  const app = new Hono<WebEnv>();
  const pageGuard = requireLogin({ codec: ctx.codec, config, mode: 'page' });
  const fragmentGuard = requireLogin({ codec: ctx.codec, config, mode: 'api' });

  const actor = (c: Context<WebEnv>): Actor | undefined => actorOf(config, resolveUser(config, c.get('session').user));
  const row = (rec: ExecutionRecord, who: Actor | undefined): ExecutionRow => ({
    ...view(rec, { origin: allows('dashboard', 'execution.origin', who, rec) }),
    text: rec.text === undefined ? null : redactText(rec.text, secrets),
    cancelable: allows('dashboard', 'execution.cancel', who, rec),
    confirmable: rec.status === 'pending' && isOwner(who, rec),
    rerunnable:
      rec.alias !== undefined &&
      who !== undefined &&
      config.aliases.some((a) => a.id === rec.alias) &&
      mayRun(resolveUser(config, who.name), allowOf(rec.alias)),
  });
  /** the list page for this request's search (the API's filters, within what the user may see) */
  const listModel = async (c: Context<WebEnv>, who: Actor | undefined): Promise<ListModel> => {
    const raw = c.req.query();
    const form: ListForm = Object.fromEntries(FORM_FIELDS.flatMap((k) => (raw[k]?.trim() ? [[k, raw[k].trim()]] : [])));
    const query = new URLSearchParams(form as Record<string, string>).toString();
    const everyone = allows('dashboard', 'executions.list_all', who);
    const base = { form, query, limit: LIST_LIMIT, aliases: config.aliases.map((a) => a.id).sort(), everyone, cursor: raw.cursor };
    const parsed = listQuerySchema.safeParse({ ...form, limit: LIST_LIMIT, cursor: raw.cursor });
    if (!parsed.success) return { ...base, rows: [], error: describeZodError(parsed.error) };
    const scope = listScope('dashboard', who);
    const q = scope && scopedQuery(parsed.data, scope);
    if (!q) return { ...base, rows: [] };
    const page = await executions.list(q);
    return { ...base, rows: page.items.map((rec) => row(rec, who)), next_cursor: page.next_cursor, scanned: page.scanned };
  };
  /** the execution, when the user may read it: another person's is "not found", like an unknown id */
  const findRow = async (id: string, who: Actor | undefined) => {
    const rec = id.length <= ID_MAX ? await executions.get(id) : undefined;
    return rec && allows('dashboard', 'execution.read', who, rec) ? row(rec, who) : undefined;
  };
  /** nav entries this user may not open */
  const hiddenFor = (who: Actor | undefined): NavKey[] => {
    const out: NavKey[] = [];
    if (!allows('dashboard', 'config.read', who)) out.push('rules', 'channels');
    if (!allows('dashboard', 'queues', who)) out.push('queues');
    return out;
  };
  const healthOf = () => readHealth(config, ctx.queues()).catch((err: Error) => ({ error: `Queue counts unavailable: ${redactText(err.message, secrets)}` }));

  const preview = (user: string, raw: string): PreviewModel => {
    const text = normalizeText(raw.slice(0, config.main.limits.command_length), 'api', { botNames: config.main.ingress.bot_names });
    if (text.trim() === '') return { text: raw, allowed: true, previews: [], secrets };
    const principal = resolveUser(config, user);
    const { result, allowed } = matchAsUser(matcher, text, (id) => mayRun(principal, allowOf(id)));
    const previews =
      allowed && result.kind === 'matched'
        ? previewRoutes(config, { alias: result.alias, action: result.action, params: result.multiple?.[0] ?? result.params, user })
        : [];
    return { text: raw, result, allowed, previews, secrets };
  };

  const render = (c: Context<WebEnv>, active: NavKey, title: string, body: Markup, status: 200 | 400 | 403 | 404 = 200) =>
    c.html(page({ title, active, session: c.get('session'), reload: ctx.runtime?.status(), secrets, body, hidden: hiddenFor(actor(c)) }), status);
  /** a 403 page naming the permission, or `undefined` when the user has it */
  const refuse = (c: Context<WebEnv>, active: NavKey, action: Action, permission: string) =>
    allows('dashboard', action, actor(c))
      ? undefined
      : render(
          c,
          active,
          'Not allowed',
          html`<p>This page needs the permission <span class="mono">${permission}</span> (switchboard.yaml <span class="mono">roles</span>).</p>`,
          403,
        );

  for (const path of ['/', '/executions/:id', '/deliveries', '/playground', '/aliases', '/rules', '/channels', '/queues'])
    app.use(path, pageGuard, pageHeaders);
  app.use('/ui/fragments/*', fragmentGuard, pageHeaders);
  app.use('/ui/deliveries/*', fragmentGuard, pageHeaders);

  /** failed deliveries: everything with `queues`, else those of executions this user may read */
  const deliveriesModel = async (c: Context<WebEnv>, who: Actor | undefined): Promise<DeliveriesModel> => {
    const state = deadLetterStates.find((s) => s === c.req.query('state')) ?? 'dead';
    const offset = Math.min(1_000_000, Math.max(0, Math.floor(Number(c.req.query('offset') ?? 0) || 0)));
    const canRetry = allows('dashboard', 'queues', who);
    try {
      const q = ctx.queues();
      const page = await listDeadLetters([q.deliveries, q.replies], state, offset, DELIVERIES_LIMIT, secrets);
      const ids = [...new Set(page.items.flatMap((d) => (d.executionId ? [d.executionId] : [])))];
      const recs = canRetry ? [] : await Promise.all(ids.map((id) => executions.get(id)));
      const readable = new Set(ids.filter((_, i) => recs[i] && allows('dashboard', 'execution.read', who, recs[i])));
      const items = canRetry ? page.items : page.items.filter((d) => d.executionId !== undefined && readable.has(d.executionId));
      return { state, offset, items, next: page.next, total: page.total, hidden: page.items.length - items.length, canRetry };
    } catch (err) {
      return { state, offset, items: [], total: 0, hidden: 0, canRetry, error: `Deliveries unavailable: ${redactText((err as Error).message, secrets)}` };
    }
  };

  app.get('/', async (c) => {
    const model = await listModel(c, actor(c));
    return render(c, 'executions', 'Executions', executionsBody(model), model.error ? 400 : 200);
  });
  app.get('/executions/:id', async (c) => {
    const id = c.req.param('id');
    const e = await findRow(id, actor(c));
    if (!e) return render(c, 'executions', 'Not found', html`<p>No execution <span class="mono">${id}</span>.</p>`, 404);
    const body = html`<div data-fragment="/ui/fragments/executions/${encodeURIComponent(e.id)}">${executionBody(e, secrets)}</div>`;
    return render(c, 'executions', `Execution ${e.id}`, body);
  });
  app.get('/deliveries', async (c) => render(c, 'deliveries', 'Deliveries', deliveriesBody(await deliveriesModel(c, actor(c)))));
  app.post('/ui/deliveries/:id/retry', async (c) => {
    if (!allows('dashboard', 'queues', actor(c)))
      return c.json({ error: { code: 'forbidden', message: 'retrying a delivery needs the permission queues' } }, 403);
    const id = c.req.param('id');
    try {
      if (id.length > ID_MAX) throw new NotFoundError(`no delivery ${id}`);
      const q = ctx.queues();
      const letter = await retryDeadLetter([q.deliveries, q.replies], createLedger(q.redis, deliveryKeys(config.main.redis.prefix)), id, secrets);
      ctx.logger.info({ delivery: id, execution: letter.executionId, user: c.get('session').user }, 'delivery retried from the dashboard');
      return c.json({ delivery: { id: letter.id, state: letter.state, channel: letter.channel } });
    } catch (err) {
      if (err instanceof NotFoundError) return c.json({ error: { code: 'not_found', message: err.message } }, 404);
      if (err instanceof NotRetryableError) return c.json({ error: { code: err.code, message: err.message } }, 409);
      throw err;
    }
  });
  app.get('/playground', (c) => {
    const model = preview(c.get('session').user, c.req.query('text') ?? '');
    return render(c, 'playground', 'Playground', playgroundBody(model));
  });
  app.get('/aliases', (c) => {
    const user = c.get('session').user;
    return render(c, 'aliases', 'Aliases', aliasesBody(helpEntries({ config, matcher }, user), user));
  });
  app.get('/rules', (c) => refuse(c, 'rules', 'config.read', 'config.read') ?? render(c, 'rules', 'Rules', rulesBody(config.rules, secrets)));
  app.get(
    '/channels',
    (c) => refuse(c, 'channels', 'config.read', 'config.read') ?? render(c, 'channels', 'Channels', channelsBody([...config.channels.values()], secrets)),
  );
  app.get('/queues', async (c) => refuse(c, 'queues', 'queues', 'queues') ?? render(c, 'queues', 'Queues', queuesBody(await healthOf())));

  app.get('/ui/fragments/executions', async (c) => {
    const model = await listModel(c, actor(c));
    return c.html(executionRows(model.rows, model.query !== ''));
  });
  app.get('/ui/fragments/executions/:id', async (c) => {
    const e = await findRow(c.req.param('id'), actor(c));
    if (!e) return c.html(html`<p class="error">This execution no longer exists.</p>`, 200, { 'x-live': 'done' });
    return c.html(executionBody(e, secrets), 200, stillMoving(e) ? {} : { 'x-live': 'done' });
  });
  app.get('/ui/fragments/preview', (c) => c.html(previewFragment(preview(c.get('session').user, c.req.query('text') ?? ''))));
  app.get('/ui/fragments/queues', async (c) =>
    allows('dashboard', 'queues', actor(c))
      ? c.html(queuesFragment(await healthOf()))
      : c.json({ error: { code: 'forbidden', message: 'needs the permission queues' } }, 403),
  );

  return app;
}
