/**
 * Dashboard password hashes: scrypt from `node:crypto`, with every parameter written in the string
 * so a hash made today still verifies after the defaults change.
 *
 * Format: `scrypt$N=16384,r=8,p=1$<salt, base64>$<hash, base64>` (16-byte salt, 32-byte hash).
 * Made by `switchboard hash-password`; stored as `users.NAME.password_hash`.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two */
  N: number;
  r: number;
  p: number;
}

export interface PasswordHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/** The parameters new hashes get: 16 MiB and roughly 50 ms per check on one core. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 };

const KEY_LENGTH = 32;
/** bounds on what a hash in the config may ask for, so a hash cannot make one login cost a minute or a gigabyte */
const LIMITS = { N: 1 << 20, r: 32, p: 16 };

const memoryOf = (p: ScryptParams) => 128 * p.N * p.r + 1024 * 1024;

function derive(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, { ...params, maxmem: memoryOf(params) }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const b64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Reads a stored hash; a string that is not one says why (for the config's `file:line:col` report).
 *
 * @example
 * parsePasswordHash('scrypt$N=16384,r=8,p=1$c2FsdA==$aGFzaA==') // { N: 16384, ..., salt, hash }
 */
export function parsePasswordHash(encoded: string): PasswordHash | string {
  const parts = encoded.split('$');
  if (parts.length !== 4 || parts[0] !== 'scrypt')
    return 'is not a password hash: make one with `switchboard hash-password` (expected scrypt$N=...,r=...,p=...$SALT$HASH)';
  const [, paramText = '', saltText = '', hashText = ''] = parts;
  const params: Partial<Record<keyof ScryptParams, number>> = {};
  for (const pair of paramText.split(',')) {
    const m = /^([Nrp])=(\d{1,8})$/.exec(pair);
    if (!m || params[m[1] as keyof ScryptParams] !== undefined) return `has unreadable scrypt parameters "${paramText}" (expected N=...,r=...,p=...)`;
    params[m[1] as keyof ScryptParams] = Number(m[2]);
  }
  const { N, r, p } = params;
  if (N === undefined || r === undefined || p === undefined) return `misses a scrypt parameter in "${paramText}" (expected N=...,r=...,p=...)`;
  if (N < 2 || N > LIMITS.N || (N & (N - 1)) !== 0) return `has N=${N}: it must be a power of two from 2 to ${LIMITS.N}`;
  if (r < 1 || r > LIMITS.r || p < 1 || p > LIMITS.p) return `has r=${r}, p=${p}: r must be 1 to ${LIMITS.r}, p 1 to ${LIMITS.p}`;
  if (!b64.test(saltText) || !b64.test(hashText)) return 'has a salt or hash that is not base64';
  const salt = Buffer.from(saltText, 'base64');
  const hash = Buffer.from(hashText, 'base64');
  if (salt.length < 8) return 'has a salt shorter than 8 bytes';
  if (hash.length < 16 || hash.length > 64) return 'has a hash of the wrong length (16 to 64 bytes)';
  return { N, r, p, salt, hash };
}

/**
 * @example
 * const stored = await hashPassword('correct horse battery staple');
 * // 'scrypt$N=16384,r=8,p=1$...$...'
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, params, KEY_LENGTH);
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Compared against when there is no hash to check (unknown user), so the answer takes as long. */
const DUMMY: PasswordHash = { ...DEFAULT_SCRYPT, salt: Buffer.alloc(16, 7), hash: Buffer.alloc(KEY_LENGTH, 0) };

/**
 * Whether `password` matches `stored` (a string from {@link hashPassword} or a parsed one). The
 * comparison is constant-time; with `stored` undefined the same work is done and `false` returned.
 */
export async function verifyPassword(password: string, stored: string | PasswordHash | undefined): Promise<boolean> {
  const parsed = typeof stored === 'string' ? parsePasswordHash(stored) : stored;
  const target = parsed === undefined || typeof parsed === 'string' ? DUMMY : parsed;
  const derived = await derive(password, target.salt, target, target.hash.length);
  return timingSafeEqual(derived, target.hash) && target !== DUMMY;
}
