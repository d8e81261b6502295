/**
 * Dashboard sessions: a small signed token in an HttpOnly, SameSite=Strict cookie. Nothing is
 * stored server side; the token says who logged in, how, and until when.
 *
 * Token: `base64url(json payload) "." base64url(HMAC-SHA256(key, payload))`.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  /** the configured user the session acts as */
  user: string;
  /** how they logged in: the API key's name, or `password` */
  via: string;
  /** expiry, ms since the epoch */
  exp: number;
}

export interface SessionCodec {
  sign(session: Session): string;
  /** the session in `token` when its signature is right and it has not expired */
  verify(token: string | undefined, nowMs?: number): Session | undefined;
}

/** the fallback key: one per process, so a config reload does not log everyone out */
const processKey = randomBytes(32);

/** Sessions last this long after login. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/**
 * The signing key. Derived from the config's secrets (HKDF-SHA256), so every gateway serving the
 * same config accepts the same cookies and changing any secret logs everyone out; a config without
 * secrets gets a random key per process.
 *
 * @example
 * const codec = createSessionCodec(sessionKey(config.secrets));
 */
export function sessionKey(secrets: readonly string[]): Buffer {
  if (secrets.length === 0) return processKey;
  const material = [...secrets].sort().join('\0');
  return Buffer.from(hkdfSync('sha256', material, 'switchboard', 'dashboard-session-v1', 32));
}

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();

export function createSessionCodec(key: Buffer): SessionCodec {
  return {
    sign(session) {
      const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
      return `${payload}.${mac(key, payload).toString('base64url')}`;
    },
    verify(token, nowMs = Date.now()) {
      // 1. shape: two base64url parts, bounded so a huge cookie costs nothing
      if (token === undefined || token.length > 2048) return undefined;
      const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!m) return undefined;
      const [, payload = '', signature = ''] = m;
      // 2. signature, compared in constant time (both are 32 bytes)
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(key, payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      // 3. payload and expiry
      try {
        const s = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Session>;
        if (typeof s.user !== 'string' || typeof s.via !== 'string' || typeof s.exp !== 'number') return undefined;
        return s.exp > nowMs ? { user: s.user, via: s.via, exp: s.exp } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
