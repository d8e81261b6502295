/**
 * Dashboard sessions, kept server-side in Redis so they can be ended at once. The cookie holds only
 * a random session id and its signature: `<id> "." base64url(HMAC-SHA256(key, id))`, the id being
 * 32 random bytes (base64url). The record, under `{prefix}:session:<sha256(id)>` with a TTL of
 * {@link SESSION_TTL_MS}, holds who logged in, how, until when, and a fingerprint of the credential
 * they used. A session ends when:
 * - the user logs out (the record is deleted);
 * - the credential changes (a new `password_hash`, a rotated API key: the fingerprint no longer
 *   matches the config now serving) or the user is removed;
 * - the signing key (`server.session_secret`) changes;
 * - 12 hours pass.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { hashTagPrefix } from '../executions/keys.ts';

export interface Session {
  /** the configured user the session acts as */
  user: string;
  /** how they logged in: `key:<name>` (an API key), or `password` */
  via: string;
  /** expiry, ms since the epoch */
  exp: number;
}

/** The credential a session was opened with, as the config holds it now (undefined: it is gone). */
export type CredentialOf = (session: Pick<Session, 'user' | 'via'>) => string | undefined;

export interface SessionStore {
  /** opens a session; returns the cookie value */
  create(session: Pick<Session, 'user' | 'via'>, nowMs?: number): Promise<string>;
  /**
   * The session behind `token`, when the signature is right, the record exists and has not expired,
   * and the credential it was opened with is still the configured one (else the record is deleted).
   */
  read(token: string | undefined, nowMs?: number): Promise<Session | undefined>;
  /** ends the session behind `token` (logout); unknown tokens are ignored */
  end(token: string | undefined): Promise<void>;
}

/** Sessions last this long after login. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const mac = (key: Buffer, value: string) => createHmac('sha256', key).update(value).digest();

/**
 * The HMAC key sessions are signed with, from `server.session_secret` or the generated one (never
 * from any other secret): HKDF-style separation, so the same secret could sign something else too.
 */
export function sessionKey(secret: string): Buffer {
  return mac(Buffer.from(secret, 'utf8'), 'switchboard dashboard session v2');
}

/** Signs and checks session ids: `<id>.<signature>`, both 43 base64url characters. */
export function createSessionSigner(key: Buffer) {
  const sign = (id: string) => `${id}.${mac(key, `id:${id}`).toString('base64url')}`;
  return {
    /** a new random id, signed */
    issue(): { id: string; token: string } {
      const id = randomBytes(32).toString('base64url');
      return { id, token: sign(id) };
    },
    /** the id in `token` when its signature is right */
    verify(token: string | undefined): string | undefined {
      // 1. shape, bounded so a huge cookie costs nothing
      if (token === undefined || token.length !== 87) return undefined;
      const m = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!m) return undefined;
      const [, id = '', signature = ''] = m;
      // 2. signature, compared as written, in constant time (both 43 characters): decoded, the
      //    last character's two unused bits would be ignored, and four spellings of one signature pass
      const given = Buffer.from(signature, 'latin1');
      const expected = Buffer.from(mac(key, `id:${id}`).toString('base64url'), 'latin1');
      return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
    },
  };
}

interface SessionRecord extends Session {
  /** HMAC of the credential the session was opened with */
  fp: string;
}

/**
 * @example
 * const sessions = createSessionStore({ key: sessionKey(secret), redis: () => redis, prefix: 'sb', credentialOf });
 * const token = await sessions.create({ user: 'alice', via: 'password' });
 * await sessions.read(token); // { user: 'alice', via: 'password', exp }
 */
export function createSessionStore(options: { key: Buffer; redis: () => Redis; prefix: string; credentialOf: CredentialOf; ttlMs?: number }): SessionStore {
  const { key, credentialOf, ttlMs = SESSION_TTL_MS } = options;
  const signer = createSessionSigner(key);
  const p = hashTagPrefix(options.prefix);
  // the id itself never reaches Redis: a copy of the database holds no usable session
  const recordKey = (id: string) => `${p}:session:${createHash('sha256').update(id).digest('base64url')}`;
  const fingerprint = (via: string, credential: string) => mac(key, `fp:${via}\0${credential}`).toString('base64url');

  return {
    async create(session, now = Date.now()) {
      const credential = credentialOf(session);
      if (credential === undefined) throw new Error(`no credential for user "${session.user}" via ${session.via}`);
      const { id, token } = signer.issue();
      const record: SessionRecord = { user: session.user, via: session.via, exp: now + ttlMs, fp: fingerprint(session.via, credential) };
      await options.redis().set(recordKey(id), JSON.stringify(record), 'PX', ttlMs);
      return token;
    },
    async read(token, now = Date.now()) {
      const id = signer.verify(token);
      if (!id) return undefined;
      const text = await options.redis().get(recordKey(id));
      if (!text) return undefined;
      let r: Partial<SessionRecord>;
      try {
        r = JSON.parse(text) as Partial<SessionRecord>;
      } catch {
        return undefined;
      }
      if (typeof r.user !== 'string' || typeof r.via !== 'string' || typeof r.exp !== 'number' || typeof r.fp !== 'string') return undefined;
      const credential = credentialOf({ user: r.user, via: r.via });
      const current = credential === undefined ? undefined : Buffer.from(fingerprint(r.via, credential));
      const stored = Buffer.from(r.fp);
      if (r.exp <= now || !current || current.length !== stored.length || !timingSafeEqual(current, stored)) {
        await options.redis().del(recordKey(id));
        return undefined;
      }
      return { user: r.user, via: r.via, exp: r.exp };
    },
    async end(token) {
      const id = signer.verify(token);
      if (id) await options.redis().del(recordKey(id));
    },
  };
}
