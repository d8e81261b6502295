/**
 * `GET /login`, `POST /login` (user + password, or an API key) and `POST /logout`. A successful
 * login sets the signed session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import { createLoginCheck } from './credentials.ts';
import { requireSameOrigin, SESSION_COOKIE } from './guard.ts';
import { createLoginThrottle } from './login-throttle.ts';
import { loginPage, safeNext } from './pages/login.ts';
import { SESSION_TTL_MS, type SessionCodec } from './session.ts';

const field = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 4096 ? v : undefined);

const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

function clientOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function authRoutes(deps: { config: Config; codec: SessionCodec; logger: Logger }): Hono {
  const { config, codec } = deps;
  const logger = deps.logger.child({ component: 'web' });
  const check = createLoginCheck(config);
  const throttle = createLoginThrottle();
  const app = new Hono();

  app.get('/login', (c) => c.html(loginPage({ next: safeNext(c.req.query('next')) })));

  app.post('/login', requireSameOrigin(config), async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(field(form.next));
    const user = field(form.user);
    const client = clientOf(c);
    if (!throttle.allowed(client)) {
      return c.html(loginPage({ next, error: 'Too many failed logins; wait a minute.', ...(user && { user }) }), 429);
    }
    const identity = check({ api_key: field(form.api_key), user, password: field(form.password) });
    if (!identity) {
      throttle.failed(client);
      logger.info({ client }, 'dashboard login refused');
      return c.html(loginPage({ next, error: 'Wrong user, password or API key.', ...(user && { user }) }), 401);
    }
    throttle.succeeded(client);
    const token = codec.sign({ user: identity.user, via: identity.via, exp: Date.now() + SESSION_TTL_MS });
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: isHttps(c),
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    logger.info({ user: identity.user, via: identity.via }, 'dashboard login');
    return c.redirect(next, 303);
  });

  app.post('/logout', requireSameOrigin(config), (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict', secure: isHttps(c) });
    return c.redirect('/login', 303);
  });

  return app;
}
