/**
 * Bearer-key middleware for `/api/v1`: no key, or a wrong one, is a 401 before any route runs.
 */
import type { MiddlewareHandler } from 'hono';
import { createApiKeyVerifier, parseBearer } from '../auth/api-keys.ts';
import { resolveUser } from '../auth/authorize.ts';
import type { Config } from '../config/types.ts';
import { AuthError } from '../errors.ts';
import type { ApiEnv } from './types.ts';

/**
 * @example
 * api.use('*', requireApiKey({ config }));
 */
export function requireApiKey(options: { config: Config }): MiddlewareHandler<ApiEnv> {
  const { config } = options;
  const verify = createApiKeyVerifier(config.main.api_keys);
  return async function requireApiKey(c, next) {
    const header = c.req.header('authorization');
    if (!header) throw new AuthError('missing API key: send Authorization: Bearer <key>');
    const key = verify(parseBearer(header));
    if (!key) throw new AuthError('invalid API key');
    c.set('apiKey', key);
    c.set('user', resolveUser(config, key.user));
    await next();
  };
}
