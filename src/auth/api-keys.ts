/**
 * API bearer keys (docs/contracts.md section 3): the presented key is compared with every configured key in
 * constant time, so neither the timing nor the answer tells which key, or which part of it, differed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig } from '../config/schema.ts';

/** One configured API key: `name` identifies the caller in logs and origins; `key` is secret. */
export type ApiKey = ApiKeyConfig;

/** Looks up the API key a bearer token belongs to; `undefined` when none does. */
export type ApiKeyVerifier = (presented: string | undefined) => ApiKey | undefined;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Extracts the token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
 *
 * @example
 * parseBearer('Bearer abc') // 'abc'
 */
export function parseBearer(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}

/**
 * Builds a verifier over the configured keys. Keys that are empty (an unset `${VAR}`) never match.
 *
 * 1. Every key is hashed once to a fixed-length SHA-256 digest, so lengths leak nothing.
 * 2. The presented token is hashed the same way and compared with `timingSafeEqual` to *every*
 *    configured digest; the loop never stops early, so timing does not reveal the position.
 *
 * @example
 * const verify = createApiKeyVerifier(config.main.api_keys);
 * const key = verify(parseBearer(req.header('authorization')));
 */
export function createApiKeyVerifier(keys: readonly ApiKey[]): ApiKeyVerifier {
  const entries = keys.filter((k) => k.key.length > 0).map((k) => ({ key: k, digest: digest(k.key) }));
  return (presented) => {
    if (presented === undefined || presented.length === 0) return undefined;
    const d = digest(presented);
    let found: ApiKey | undefined;
    for (const e of entries) {
      const same = timingSafeEqual(d, e.digest);
      if (same && found === undefined) found = e.key;
    }
    return found;
  };
}

/** One-shot form of {@link createApiKeyVerifier}. */
export function findApiKey(keys: readonly ApiKey[], presented: string | undefined): ApiKey | undefined {
  return createApiKeyVerifier(keys)(presented);
}
