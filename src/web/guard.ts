/**
 * The dashboard's gatekeepers: a valid session cookie for every page and JSON endpoint, and a
 * same-origin check on every request that changes something (CSRF: on top of SameSite=Strict).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { resolveUser } from '../auth/authorize.ts';
import type { Config } from '../config/types.ts';
import type { Session, SessionStore } from './session.ts';

export const SESSION_COOKIE = 'sb_session';

/** Hono environment of the dashboard routes: the logged-in session. */
export interface WebEnv {
  Variables: { session: Session };
}

const unsafe = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Whether a state-changing request comes from a page of this gateway: its `Origin` (else its
 * `Referer`) must be the gateway's own origin (as requested, or with `X-Forwarded-Proto`'s scheme)
 * or `server.public_url`'s. No header at all is refused.
 */
export function isSameOrigin(c: Context, config: Pick<Config, 'main'>): boolean {
  const from = c.req.header('origin') ?? originOf(c.req.header('referer'));
  if (!from || from === 'null') return false;
  const self = new URL(c.req.url);
  // behind a TLS-terminating proxy the gateway sees http://; the browser says https://
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim();
  const own = [self.origin, originOf(config.main.server.public_url), proto ? originOf(`${proto}://${self.host}`) : undefined];
  return own.includes(from);
}

/** Refuses cross-site state-changing requests with a 403 (a page, or JSON for fetches). */
export function requireSameOrigin(config: Pick<Config, 'main'>): MiddlewareHandler {
  return async function requireSameOrigin(c, next) {
    if (unsafe(c.req.method) && !isSameOrigin(c, config)) {
      return c.json({ error: { code: 'cross_site', message: 'cross-site request refused' } }, 403);
    }
    await next();
  };
}

/**
 * The session behind the cookie, when it is valid (signed, still in Redis, opened with the
 * credential the config holds now) and its user still exists in the config.
 */
export async function readSession(c: Context, sessions: SessionStore, config: Pick<Config, 'main'>): Promise<Session | undefined> {
  const session = await sessions.read(getCookie(c, SESSION_COOKIE));
  return session && resolveUser(config, session.user) ? session : undefined;
}

/**
 * Requires a login. Pages (`mode: 'page'`) send the browser to `/login?next=...`; JSON endpoints
 * and everything a script fetches (`mode: 'api'`) answer 401.
 */
export function requireLogin(options: { codec: SessionStore; config: Pick<Config, 'main'>; mode: 'page' | 'api' }): MiddlewareHandler<WebEnv> {
  const { codec, config, mode } = options;
  return async function requireLogin(c, next) {
    const session = await readSession(c, codec, config);
    if (!session) {
      if (mode === 'page' && c.req.method === 'GET') {
        const path = new URL(c.req.url).pathname;
        return c.redirect(`/login?next=${encodeURIComponent(path)}`, 302);
      }
      return c.json({ error: { code: 'unauthorized', message: 'log in first' } }, 401);
    }
    if (unsafe(c.req.method) && !isSameOrigin(c, config)) {
      return c.json({ error: { code: 'cross_site', message: 'cross-site request refused' } }, 403);
    }
    c.set('session', session);
    await next();
  };
}
