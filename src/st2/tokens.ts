/**
 * StackStorm auth tokens (`POST /st2/auth/v1/tokens`, then `X-Auth-Token`): random 32-byte
 * tokens, stored in Redis by their SHA-256 only (a dump of Redis gives no usable token), each with
 * its expiry as the key's TTL and in the record. A token remembers the credential it was issued
 * with (a digest of the user's password hash or the API key); when that credential changes or goes
 * from the config, the token stops working at once.
 *
 * Key: `{sb}:st2-token:<sha256 hex>` -> JSON {@link TokenRecord}, TTL = the token's lifetime.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { hashTagPrefix } from '../executions/keys.ts';
import { guarded } from '../executions/redis.ts';

/** StackStorm's default token lifetime (`auth.token_ttl`): one day; also the most a request may ask for. */
export const TOKEN_TTL_MAX_SECONDS = 86_400;

export interface TokenRecord {
  user: string;
  /** `password`, or `key:NAME` */
  via: string;
  /** SHA-256 of the credential the token was issued with (see src/web/credentials.ts `credentialOf`) */
  credential: string;
  /** ms since the epoch */
  expires: number;
}

export interface IssuedToken {
  token: string;
  record: TokenRecord;
}

export interface TokenStore {
  issue(input: { user: string; via: string; credential: string; ttlSeconds: number }, nowMs?: number): Promise<IssuedToken>;
  /** the live record of `token`; `undefined` when unknown or expired */
  find(token: string, nowMs?: number): Promise<TokenRecord | undefined>;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** The digest a token record keeps of its credential. */
export const credentialDigest = (credential: string): string => sha256(`st2-token-credential\0${credential}`);

/** Whether the credential `current` (from the config now) is the one the token was issued with. */
export function sameCredential(record: TokenRecord, current: string | undefined): boolean {
  if (current === undefined) return false;
  const a = Buffer.from(record.credential, 'hex');
  const b = Buffer.from(credentialDigest(current), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * @example
 * const tokens = createTokenStore(() => redis, 'sb');
 * const { token } = await tokens.issue({ user: 'alice', via: 'password', credential: 'hash:…', ttlSeconds: 3600 });
 * await tokens.find(token) // { user: 'alice', via: 'password', expires: … }
 */
export function createTokenStore(redis: () => Redis, redisPrefix: string): TokenStore {
  const prefix = hashTagPrefix(redisPrefix);
  const keyOf = (token: string) => `${prefix}:st2-token:${sha256(token)}`;
  return {
    async issue(input, now = Date.now()) {
      const token = randomBytes(32).toString('hex');
      const ttl = Math.min(Math.max(1, Math.floor(input.ttlSeconds)), TOKEN_TTL_MAX_SECONDS);
      const record: TokenRecord = { user: input.user, via: input.via, credential: credentialDigest(input.credential), expires: now + ttl * 1000 };
      const r = redis();
      await guarded(r, () => r.set(keyOf(token), JSON.stringify(record), 'PX', ttl * 1000));
      return { token, record };
    },
    async find(token, now = Date.now()) {
      if (!/^[0-9a-f]{64}$/.test(token)) return undefined;
      const r = redis();
      const raw = await guarded(r, () => r.get(keyOf(token)));
      if (raw === null) return undefined;
      const record = JSON.parse(raw) as TokenRecord;
      return record.expires > now ? record : undefined;
    },
  };
}
