/**
 * Safe defaults (docs/contracts.md section 6): what may not be configured while the server listens on
 * anything but loopback. A pure check over the main config; `serve` refuses to start (exit code
 * {@link UNSAFE_EXPOSURE_EXIT}) and a hot reload is refused while any of it holds.
 */
import { isIP } from 'node:net';
import type { MainConfig } from '../config/schema.ts';
import { normalizeAddress } from '../auth/client-address.ts';

/** API keys published in this repository (the example config, the README): known to everyone. */
export const WELL_KNOWN_KEYS: readonly string[] = ['sb-local-dev-key'];

/** API keys shorter than this are refused off loopback. */
export const MIN_KEY_LENGTH = 32;

/** `switchboard serve`'s exit code when it refuses to listen off loopback with an unsafe config. */
export const UNSAFE_EXPOSURE_EXIT = 4;

/** `127.0.0.0/8`, `::1`, `localhost`: addresses only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const h = normalizeAddress(host);
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

export interface ExposureCheck {
  /** one line each: what is unsafe and how to fix it (never the secret itself) */
  refusals: string[];
  /** loopback only: what works but should change */
  warnings: string[];
}

/**
 * @example
 * const { refusals } = checkExposure(config.main);
 * if (refusals.length) throw new UnsafeExposureError(config.main.server.host, refusals);
 */
export function checkExposure(main: Pick<MainConfig, 'server' | 'users' | 'api_keys'>): ExposureCheck {
  const host = main.server.host;
  const problems: string[] = [];
  for (const k of main.api_keys) {
    if (WELL_KNOWN_KEYS.includes(k.key)) {
      problems.push(
        `api key "${k.name}" is the example's published development key: set SB_API_KEY (or the key) to a random value of ${MIN_KEY_LENGTH}+ characters, e.g. \`openssl rand -base64 32\``,
      );
    } else if (k.key.length < MIN_KEY_LENGTH) {
      problems.push(`api key "${k.name}" is shorter than ${MIN_KEY_LENGTH} characters: replace it with a random one, e.g. \`openssl rand -base64 32\``);
    }
  }
  const clear = Object.entries(main.users)
    .filter(([, u]) => u.password !== undefined)
    .map(([name]) => name);
  const clearLine = (name: string) =>
    `user "${name}" has a clear-text password: replace \`password:\` with \`password_hash:\` from \`switchboard hash-password\``;
  if (isLoopbackHost(host)) return { refusals: [], warnings: clear.map(clearLine) };
  return { refusals: [...problems, ...clear.map(clearLine)], warnings: [] };
}

/** Thrown by `startSwitchboard` (and refusing a reload) when {@link checkExposure} finds refusals. */
export class UnsafeExposureError extends Error {
  readonly refusals: readonly string[];
  readonly host: string;
  constructor(host: string, refusals: readonly string[]) {
    super(`refusing to listen on ${host} (not loopback): ${refusals.join('; ')}. ` + 'Fix the above, or set server.host to 127.0.0.1 for local use.');
    this.name = 'UnsafeExposureError';
    this.refusals = refusals;
    this.host = host;
  }
}
