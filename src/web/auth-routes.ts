/**
 * `GET /login`, `POST /login` (user + password, or an API key) and `POST /logout`. A successful
 * login opens a server-side session (src/web/session.ts) and sets its signed id as the cookie:
 * HttpOnly, SameSite=Strict, Secure over HTTPS. Logout deletes the session in Redis, so the old
 * cookie is refused from then on. Failed logins are throttled per (account, client address), the
 * address read through `server.trusted_proxies`.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { clientAddress, proxyTrust } from '../auth/client-address.ts';
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import { createLoginCheck } from './credentials.ts';
import { requireSameOrigin, SESSION_COOKIE } from './guard.ts';
import { pageHeaders } from './headers.ts';
import { createLoginThrottle, loginAccount, type LoginThrottle } from './login-throttle.ts';
import { loginPage, safeNext } from './pages/login.ts';
import { SESSION_TTL_MS, type SessionStore } from './session.ts';

const field = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 4096 ? v : undefined);

const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

function peerOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** one per process: a config reload must not forget the failures counted so far */
const sharedThrottle = createLoginThrottle();

export function authRoutes(deps: { config: Config; codec: SessionStore; logger: Logger; throttle?: LoginThrottle }): Hono {
  const { config, codec: sessions, throttle = sharedThrottle } = deps;
  const logger = deps.logger.child({ component: 'web' });
  const check = createLoginCheck(config);
  const trust = proxyTrust(config.main.server.trusted_proxies);
  const app = new Hono();
  // the same headers as every other page: CSP, no framing, no-store
  for (const path of ['/login', '/logout']) app.use(path, pageHeaders);

  app.get('/login', (c) => c.html(loginPage({ next: safeNext(c.req.query('next')) })));

  app.post('/login', requireSameOrigin(config), async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(field(form.next));
    const user = field(form.user);
    const fields = { api_key: field(form.api_key), user, password: field(form.password) };
    const client = clientAddress(peerOf(c), c.req.header('x-forwarded-for'), trust);
    const account = loginAccount(fields);
    if (!throttle.allowed(account, client)) {
      return c.html(loginPage({ next, error: 'Too many failed logins; wait a minute.', ...(user && { user }) }), 429);
    }
    const identity = await check(fields);
    if (!identity) {
      throttle.failed(account, client);
      logger.info({ client }, 'dashboard login refused');
      return c.html(loginPage({ next, error: 'Wrong user, password or API key.', ...(user && { user }) }), 401);
    }
    throttle.succeeded(account, client);
    const token = await sessions.create(identity);
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: isHttps(c),
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    if (identity.via === 'password' && config.main.users[identity.user]?.password_hash === undefined) {
      logger.warn({ user: identity.user }, 'dashboard login with a clear-text password: store password_hash instead (switchboard hash-password)');
    }
    logger.info({ user: identity.user, via: identity.via }, 'dashboard login');
    return c.redirect(next, 303);
  });

  app.post('/logout', requireSameOrigin(config), async (c) => {
    await sessions.end(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict', secure: isHttps(c) });
    return c.redirect('/login', 303);
  });

  return app;
}
