/**
 * The dashboard's session secret when `server.session_secret` is not set: 32 random bytes written
 * once into the data folder (`session-secret`, mode 0600) and read back by every later start, so
 * sessions survive a restart. Never derived from any other secret.
 *
 * Every gateway behind one load balancer must sign with the same secret: give them
 * `server.session_secret`, or a shared data folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SESSION_SECRET_FILE = 'session-secret';

const FIX = 'set server.session_secret, or SWITCHBOARD_DATA to a writable folder';

/** The folder did not hold a usable secret and none could be written there. */
export class SessionSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionSecretError';
  }
}

/** The data folder: `SWITCHBOARD_DATA`, else `.switchboard` in the config folder. */
export function dataDir(configDir: string, env: Record<string, string | undefined>): string {
  return env.SWITCHBOARD_DATA || join(configDir, '.switchboard');
}

function readSecret(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SessionSecretError(`cannot read the session secret ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): ${FIX}`);
  }
  if (text.length < 32) throw new SessionSecretError(`the session secret in ${path} is shorter than 32 characters: delete the file to have a new one made`);
  return text;
}

/**
 * @example
 * const secret = loadOrCreateSessionSecret(dataDir(config.dir, env)); // the same string on every start
 */
export function loadOrCreateSessionSecret(dir: string): string {
  const path = join(dir, SESSION_SECRET_FILE);
  const existing = readSecret(path);
  if (existing) return existing;
  const secret = randomBytes(32).toString('base64url');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // `wx`: when two processes start together, one writes and the other reads what it wrote
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readSecret(path) ?? secret;
    throw new SessionSecretError(`cannot write a session secret to ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): ${FIX}`);
  }
}

/** Memoizes {@link loadOrCreateSessionSecret} for one folder: the file is touched on first use only. */
export function lazySessionSecret(dir: string): () => string {
  let secret: string | undefined;
  return () => (secret ??= loadOrCreateSessionSecret(dir));
}
