/**
 * Dashboard login checks: an API key (its user is who logs in), or a configured user name with the
 * `password_hash` (scrypt) set for them in switchboard.yaml, or a clear-text `password` (loopback
 * only: the server refuses to listen elsewhere while one is configured). Every comparison is
 * constant-time, and an unknown user costs the same scrypt run as a known one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createApiKeyVerifier } from '../auth/api-keys.ts';
import { resolveUser } from '../auth/authorize.ts';
import { verifyPassword } from '../auth/password-hash.ts';
import type { Config } from '../config/types.ts';
import type { CredentialOf } from './session.ts';

export interface LoginForm {
  api_key?: string;
  user?: string;
  password?: string;
}

/** Who a login form proves to be: the user, and how (`password` or the API key's name). */
export interface LoginIdentity {
  user: string;
  via: string;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

const userOf = (config: Pick<Config, 'main'>, name: string) => (name !== '' && Object.hasOwn(config.main.users, name) ? config.main.users[name] : undefined);

/**
 * @example
 * const check = createLoginCheck(config);
 * await check({ user: 'alice', password: 'hunter2' }) // { user: 'alice', via: 'password' } or undefined
 */
export function createLoginCheck(config: Pick<Config, 'main'>): (form: LoginForm) => Promise<LoginIdentity | undefined> {
  const verifyKey = createApiKeyVerifier(config.main.api_keys);
  return async (form) => {
    const apiKey = form.api_key?.trim();
    if (apiKey) {
      const key = verifyKey(apiKey);
      // a key whose user is not configured could run nothing: refuse it here too
      return key && resolveUser(config, key.user) ? { user: key.user, via: `key:${key.name}` } : undefined;
    }
    const name = form.user?.trim() ?? '';
    const password = form.password ?? '';
    const user = userOf(config, name);
    let same: boolean;
    if (user?.password_hash === undefined && user?.password !== undefined && user.password.length > 0) {
      // clear text (loopback only): fixed-length digests compared in constant time
      same = timingSafeEqual(digest(password), digest(user.password));
    } else {
      // the stored hash, or (unknown user, no password) a dummy one: the same scrypt work either way
      same = await verifyPassword(password, user?.password_hash);
    }
    return same && password.length > 0 ? { user: name, via: 'password' } : undefined;
  };
}

/**
 * The credential a session was opened with, as `config` holds it now: the user's password hash (or
 * clear password), or the API key's value when the key still belongs to the user. A change to it
 * ends the sessions opened with the old one.
 */
export function credentialOf(config: Pick<Config, 'main'>): CredentialOf {
  return ({ user, via }) => {
    if (!resolveUser(config, user)) return undefined;
    if (via === 'password') {
      const u = userOf(config, user);
      return u?.password_hash !== undefined ? `hash:${u.password_hash}` : u?.password ? `clear:${u.password}` : undefined;
    }
    const name = via.startsWith('key:') ? via.slice(4) : undefined;
    const key = config.main.api_keys.find((k) => k.name === name && k.user === user);
    return key ? `key:${key.key}` : undefined;
  };
}
