/**
 * The dashboard (docs/contracts.md section 4, `GET /`): server-rendered pages with hono's `html` templates
 * and one small script, no build step. Mounted by `createApp` with `app.route('/', webRoutes(deps))`.
 *
 * - `/login`, `/logout`: user + password or an API key; a server-side session (Redis) whose signed
 *   id is an HttpOnly SameSite=Strict cookie
 * - pages and `/ui/fragments/*`: behind that login (see page-routes.ts)
 * - `/ui/api/*`: the API's own handlers (commands, executions, aliases) as the signed-in user,
 *   so matching and authorization are the API's; same-origin POSTs only
 * - `/admin/queues`: Bull Board, read-only, behind the same login
 * - `/ui/app.css`, `/ui/app.js`: static, public
 *
 * Every route is registered on its own path, never `*`, so the API, health probes and ingresses
 * mounted beside it never pass through the dashboard's login.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { aliasRoutes } from '../api/aliases.ts';
import { commandRoutes } from '../api/commands.ts';
import { executionRoutes } from '../api/executions.ts';
import { confirmRoutes } from '../api/confirm.ts';
import type { ApiEnv, AppDeps } from '../api/types.ts';
import { resolveUser } from '../auth/authorize.ts';
import { alertRoutes } from './alert-routes.ts';
import { assetRoutes } from './assets.ts';
import { authRoutes } from './auth-routes.ts';
import { BULL_BOARD_PATH, bullBoardHandler } from './bull-board.ts';
import type { WebContext } from './context.ts';
import { requireLogin, type WebEnv } from './guard.ts';
import { pageRoutes } from './page-routes.ts';
import { lazyQueues } from './queues.ts';
import { credentialOf } from './credentials.ts';
import { bullBoardHeaders } from './headers.ts';
import { createSessionStore, sessionKey } from './session.ts';

/** the session secret of a dashboard built without one (unit tests): sessions end with the process */
const processSecret = randomBytes(32).toString('base64url');

type SessionApiEnv = { Variables: WebEnv['Variables'] & ApiEnv['Variables'] };

/**
 * @example
 * app.route('/', webRoutes(deps));
 */
export function webRoutes(deps: AppDeps): Hono {
  const { config } = deps;
  const queues = lazyQueues({ config, logger: deps.logger, redis: deps.redis });
  // server.session_secret, else the one generated into the data folder: never derived from other secrets
  const secret = config.main.server.session_secret ?? deps.sessionSecret?.() ?? processSecret;
  const ctx: WebContext = {
    ...deps,
    codec: createSessionStore({ key: sessionKey(secret), redis: () => queues().redis, prefix: config.main.redis.prefix, credentialOf: credentialOf(config) }),
    queues,
  };
  const app = new Hono();
  app.route('/', assetRoutes());
  app.route('/', authRoutes({ config, codec: ctx.codec, logger: deps.logger }));
  app.route('/', pageRoutes(ctx));
  app.route('/', alertRoutes(ctx));

  // the API's handlers, as the signed-in user: a dashboard "key" that names them and acts for no one else
  const asUser: MiddlewareHandler<SessionApiEnv> = async (c, next) => {
    const user = c.get('session').user;
    c.set('apiKey', { name: `dashboard:${user}`, key: '', user, act_as_others: false });
    c.set('user', resolveUser(config, user));
    await next();
  };
  const api = new Hono<SessionApiEnv>();
  api.use('*', requireLogin({ codec: ctx.codec, config, mode: 'api' }), asUser);
  api.route('/commands', commandRoutes(deps));
  api.route('/executions', executionRoutes(deps));
  api.route('/executions', confirmRoutes(deps));
  api.route('/aliases', aliasRoutes(deps));
  app.route('/ui/api', api);

  const board = bullBoardHandler(config, ctx.queues);
  const boardPage = requireLogin({ codec: ctx.codec, config, mode: 'page' });
  const boardApi = requireLogin({ codec: ctx.codec, config, mode: 'api' });
  app.all(`${BULL_BOARD_PATH}/api/*`, bullBoardHeaders, boardApi, board);
  app.all(BULL_BOARD_PATH, bullBoardHeaders, boardPage, board);
  app.all(`${BULL_BOARD_PATH}/*`, bullBoardHeaders, boardPage, board);
  return app;
}
