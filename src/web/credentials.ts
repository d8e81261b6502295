/**
 * Dashboard login checks: an API key (its user is who logs in), or a configured user name with the
 * `password` set for them in switchboard.yaml. Both compare in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createApiKeyVerifier } from '../auth/api-keys.ts';
import { resolveUser } from '../auth/authorize.ts';
import type { Config } from '../config/types.ts';

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
/** compared against when the user is unknown or has no password, so timing tells nothing */
const DUMMY = digest('switchboard: no such password');

/**
 * @example
 * const check = createLoginCheck(config);
 * check({ user: 'alice', password: 'hunter2' }) // { user: 'alice', via: 'password' } or undefined
 */
export function createLoginCheck(config: Pick<Config, 'main'>): (form: LoginForm) => LoginIdentity | undefined {
  const verifyKey = createApiKeyVerifier(config.main.api_keys);
  return (form) => {
    const apiKey = form.api_key?.trim();
    if (apiKey) {
      const key = verifyKey(apiKey);
      // a key whose user is not configured could run nothing: refuse it here too
      return key && resolveUser(config, key.user) ? { user: key.user, via: `key:${key.name}` } : undefined;
    }
    const name = form.user?.trim() ?? '';
    const password = form.password ?? '';
    // 1. the stored password's digest, or a dummy one, so an unknown user costs the same time
    const stored = name !== '' && Object.hasOwn(config.main.users, name) ? config.main.users[name]?.password : undefined;
    const expected = stored !== undefined && stored.length > 0 ? digest(stored) : DUMMY;
    // 2. fixed-length digests compared in constant time
    const same = timingSafeEqual(digest(password), expected);
    return same && stored !== undefined && stored.length > 0 && password.length > 0 ? { user: name, via: 'password' } : undefined;
  };
}
