/**
 * The dashboard's alert pages (`/alerts`, `/alerts/:id`) and their two buttons (`POST
 * /alerts/:id/ack`, `POST /alerts/:id/silence`), behind the login like every page; the POSTs also
 * pass the same-origin check (guard.ts). Acting goes through the alert service as the signed-in
 * user, which refuses people the alert channel's `allow` roles do not name: the page then shows
 * the refusal and nothing is recorded.
 *
 * Every signed-in user sees the alerts (they are what people are paged about); acting is the
 * service's decision.
 */
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { DEFAULT_SILENCE_MS } from '../alerts/reply.ts';
import type { AlertAction } from '../alerts/types.ts';
import { ALERT_ACTION_STATUS, alertListQuerySchema } from '../api/alerts.ts';
import { actorOf, allows } from '../auth/permissions.ts';
import { resolveUser } from '../auth/authorize.ts';
import { redactText } from '../log.ts';
import type { WebContext } from './context.ts';
import type { Markup } from './format.ts';
import { requireLogin, type WebEnv } from './guard.ts';
import { pageHeaders } from './headers.ts';
import { page, type NavKey } from './layout.ts';
import { alertBody, type AlertNotice } from './pages/alert.ts';
import { alertStatusFilters, alertsBody, type AlertListModel } from './pages/alerts.ts';

const LIST_LIMIT = 50;
const ID_MAX = 200;

/**
 * @example
 * app.route('/', alertRoutes(ctx));
 */
export function alertRoutes(ctx: WebContext): Hono<WebEnv> {
  const { config } = ctx;
  const secrets = config.secrets;
  const now = () => Date.now();
  const app = new Hono<WebEnv>();
  const guard = requireLogin({ codec: ctx.codec, config, mode: 'page' });
  for (const path of ['/alerts', '/alerts/:id', '/alerts/:id/ack', '/alerts/:id/silence']) app.use(path, guard, pageHeaders);

  const hiddenFor = (c: Context<WebEnv>): NavKey[] => {
    const who = actorOf(config, resolveUser(config, c.get('session').user));
    const out: NavKey[] = [];
    if (!allows('dashboard', 'config.read', who)) out.push('rules', 'channels');
    if (!allows('dashboard', 'queues', who)) out.push('queues');
    return out;
  };
  const render = (c: Context<WebEnv>, title: string, body: Markup, status: 200 | 400 | 403 | 404 | 409 | 422 | 502 | 503 = 200) =>
    c.html(page({ title, active: 'alerts', session: c.get('session'), reload: ctx.runtime?.status(), secrets, body, hidden: hiddenFor(c) }), status);
  const unavailable = (c: Context<WebEnv>) =>
    render(
      c,
      'Alerts',
      html`<p class="muted">No alert intake here: add a channel of kind <span class="mono">alertmanager</span> or <span class="mono">grafana</span>.</p>`,
      503,
    );
  /** whether the alert's channel can create silences (its `api_url`): else no Silence button */
  const silenceable = (channel: string) => {
    const ch = config.channels.get(channel);
    return ch !== undefined && 'api_url' in ch && typeof ch.api_url === 'string' && ch.api_url !== '';
  };
  const notFound = (c: Context<WebEnv>, id: string) => render(c, 'Not found', html`<p>No alert <span class="mono">${id}</span>.</p>`, 404);

  app.get('/alerts', async (c) => {
    const alerts = ctx.alerts;
    if (!alerts) return unavailable(c);
    const status = alertStatusFilters.find((s) => s === c.req.query('status'));
    // a cursor from a previous page (the API's shape); anything else starts at the newest
    const cursor = alertListQuerySchema.shape.cursor.safeParse(c.req.query('cursor')).data;
    let model: AlertListModel;
    try {
      const page = await alerts.list({ limit: LIST_LIMIT, ...(status && { status }), ...(cursor && { cursor }) });
      model = { alerts: page.alerts, status, cursor, next_cursor: page.next_cursor };
    } catch (err) {
      model = { alerts: [], status, cursor, error: `Alerts unavailable: ${redactText((err as Error).message, secrets)}` };
    }
    return render(c, 'Alerts', alertsBody(model, now()), model.error ? 400 : 200);
  });

  app.get('/alerts/:id', async (c) => {
    const alerts = ctx.alerts;
    if (!alerts) return unavailable(c);
    const id = c.req.param('id');
    const a = id.length <= ID_MAX ? await alerts.get(id) : undefined;
    if (!a) return notFound(c, id);
    return render(c, `Alert ${a.code}`, alertBody(a, now(), undefined, { silenceable: silenceable(a.channel) }));
  });

  const act = (action: AlertAction) => async (c: Context<WebEnv>) => {
    const alerts = ctx.alerts;
    if (!alerts) return unavailable(c);
    const id = c.req.param('id') ?? '';
    if (id.length > ID_MAX || !(await alerts.get(id))) return notFound(c, id);
    const user = c.get('session').user;
    const r = await alerts.act({ id, action, user, source: 'web' });
    ctx.logger.info({ alert: id, action: action.kind, user, ok: r.ok }, 'alert action from the dashboard');
    const notice: AlertNotice = { ok: r.ok, message: r.message };
    const a = r.alert ?? (await alerts.get(id));
    if (!a) return notFound(c, id);
    return render(
      c,
      `Alert ${a.code}`,
      alertBody(a, now(), notice, { silenceable: silenceable(a.channel) }),
      r.ok ? 200 : ALERT_ACTION_STATUS[r.reason ?? 'unchanged'],
    );
  };
  app.post('/alerts/:id/ack', act({ kind: 'ack' }));
  // the button's one length (it says 1h); longer ones by reply or the API
  app.post('/alerts/:id/silence', act({ kind: 'silence', durationMs: DEFAULT_SILENCE_MS }));

  return app;
}
