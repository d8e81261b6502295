/**
 * Who calls the StackStorm API: an API key in `St2-Api-Key` (or `?st2-api-key=`, which st2client
 * uses for the event stream), the same keys as `Authorization: Bearer` on `/api/v1`; or a token
 * from `POST /st2/auth/v1/tokens` in `X-Auth-Token` (or `?x-auth-token=`). Neither, or a wrong one,
 * is a 401 before any route runs, in StackStorm's words.
 */
import type { MiddlewareHandler } from 'hono';
import { createApiKeyVerifier } from '../auth/api-keys.ts';
import { resolveUser, type Principal } from '../auth/authorize.ts';
import type { Config } from '../config/types.ts';
import { AuthError } from '../errors.ts';
import { credentialOf } from '../web/credentials.ts';
import { sameCredential, type TokenStore } from './tokens.ts';

/** The caller of a `/st2/` route. */
export interface St2Caller {
  /** the configured user the credential belongs to (`undefined`: not configured, runs and reads nothing) */
  user: Principal | undefined;
  /** the credential, for rate limits and whose announcements: `key:NAME` or `user:NAME` */
  credential: string;
  /** the origin's sender: the API key's name, or the user's name for a password token */
  sender: string;
  /** the key may run a command as the `user` named in the request */
  actAsOthers: boolean;
}

export interface St2Env {
  Variables: { caller: St2Caller };
}

export const MISSING_CREDENTIALS = 'Unauthorized - One of Token or API key required.';

/**
 * @example
 * api.use('*', requireSt2Auth({ config, tokens }));
 * api.get('/x', (c) => c.json(c.get('caller').user));
 */
export function requireSt2Auth(deps: { config: Config; tokens: TokenStore }): MiddlewareHandler<St2Env> {
  const { config, tokens } = deps;
  const verifyKey = createApiKeyVerifier(config.main.api_keys);
  const credential = credentialOf(config);
  return async function requireSt2Auth(c, next) {
    const key = c.req.header('st2-api-key') ?? c.req.query('st2-api-key');
    const token = c.req.header('x-auth-token') ?? c.req.query('x-auth-token');
    if (key) {
      const found = verifyKey(key.trim());
      if (!found) throw new AuthError('Unauthorized - API key is not valid.');
      c.set('caller', { user: resolveUser(config, found.user), credential: `key:${found.name}`, sender: found.name, actAsOthers: found.act_as_others });
    } else if (token) {
      const record = await tokens.find(token.trim());
      // a token issued with a password or key that has since changed is no longer valid
      if (!record || !sameCredential(record, credential(record))) throw new AuthError('Unauthorized - Token has expired or is not valid.');
      const keyName = record.via.startsWith('key:') ? record.via.slice(4) : undefined;
      const apiKey = keyName === undefined ? undefined : config.main.api_keys.find((k) => k.name === keyName);
      c.set('caller', {
        user: resolveUser(config, record.user),
        credential: apiKey ? `key:${apiKey.name}` : `user:${record.user}`,
        sender: apiKey ? apiKey.name : record.user,
        actAsOthers: apiKey?.act_as_others ?? false,
      });
    } else {
      throw new AuthError(MISSING_CREDENTIALS);
    }
    await next();
  };
}
