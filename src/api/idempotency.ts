/**
 * Stripe's rule for `Idempotency-Key` (docs/contracts.md section 4): the first request with a key binds
 * the key to a hash of its body; the same key with the same body gets the same outcome (the same
 * execution), with a different body it is 422 `idempotency_key_reused` and nothing runs. The hash
 * lives in Redis as long as executions do (`executions.retention_days`), scoped per route and API
 * key. A request refused before it created anything releases its key, so a corrected retry may
 * reuse it (Stripe saves no result for a request that failed validation either).
 *
 * Keys (prefix `{sb}`): `{sb}:api-idem:<route>:<api key name>:<Idempotency-Key>` -> sha256 of the body.
 */
import { createHash } from 'node:crypto';
import { hashTagPrefix } from '../executions/keys.ts';
import { guarded } from '../executions/redis.ts';
import { defineScript } from '../redis/script.ts';
import { RequestError } from './errors.ts';
import { apiRedis } from './redis.ts';
import type { AppDeps } from './types.ts';

/** A key bound to this request's body. */
export interface IdempotencyClaim {
  /** true when this request bound the key (it was unused) */
  first: boolean;
  /** unbinds the key when this request bound it and created nothing */
  release(): Promise<void>;
}

/**
 * JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are one body. Only for
 * bodies already bounded in depth (src/api/json-bounds.ts).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const bodyHash = (body: unknown): string => createHash('sha256').update(canonicalJson(body)).digest('hex');

// KEYS[1] the key's hash; ARGV hash, ttl seconds. 1: bound now, 0: bound before to this hash, -1: to another
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end
if v == ARGV[1] then return 0 end
return -1`;
// deletes the key only while it still holds this request's hash
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const claimScript = defineScript<'key', [hash: string, ttl: number], number>({ name: 'sbIdemClaim', keys: ['key'], lua: CLAIM });
const releaseScript = defineScript<'key', [hash: string], number>({ name: 'sbIdemRelease', keys: ['key'], lua: RELEASE });

export interface IdempotencyGuard {
  /**
   * Binds `key` (scoped by `route` and the API key's name) to `body`, or throws a 422
   * `idempotency_key_reused` when it is bound to another body.
   */
  claim(route: string, apiKeyName: string, key: string, body: unknown): Promise<IdempotencyClaim>;
}

/**
 * @example
 * const idem = createIdempotencyGuard(deps);
 * const claim = await idem.claim('commands', key.name, header, body);
 * if (nothingCreated) await claim.release();
 */
export function createIdempotencyGuard(deps: Pick<AppDeps, 'redis' | 'config' | 'logger'>): IdempotencyGuard {
  const redis = apiRedis(deps);
  const prefix = hashTagPrefix(deps.config.main.redis.prefix);
  const ttl = Math.max(1, Math.ceil(deps.config.main.executions.retention_days * 86_400));
  return {
    async claim(route, apiKeyName, key, body) {
      const r = redis();
      const redisKey = `${prefix}:api-idem:${route}:${apiKeyName}:${key}`;
      const hash = bodyHash(body);
      const bound = await guarded(r, () => claimScript.run(r, { key: redisKey }, hash, ttl));
      if (bound === -1) {
        throw new RequestError(422, 'idempotency_key_reused', 'this Idempotency-Key was used with a different request body; use a new key for a new request');
      }
      return {
        first: bound === 1,
        release: async () => {
          if (bound === 1) await guarded(r, () => releaseScript.run(r, { key: redisKey }, hash));
        },
      };
    },
  };
}
