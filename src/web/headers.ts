/**
 * Response headers of every dashboard page (the login page included) and fragment, through Hono's
 * `secureHeaders`: a strict Content-Security-Policy (scripts and styles only from this gateway, no
 * inline code; a second line of defence behind escaping), no framing, no sniffing, same-origin
 * referrers and opener; pages that show execution data are also never cached.
 *
 * Strict-Transport-Security is left to the TLS-terminating proxy (the gateway itself speaks HTTP).
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

const directives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};
const kebab = (k: string) => k.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
const policy = (d: Record<string, string[]>) =>
  Object.entries(d)
    .map(([k, v]) => `${kebab(k)} ${v.join(' ')}`)
    .join('; ');

/**
 * Bull Board's pages: the same policy, plus the inline script and styles its page needs. Its link
 * to Google Fonts is refused, so every request stays on this host (system fonts stand in).
 */
export const BULL_BOARD_CSP = policy({
  ...directives,
  scriptSrc: ["'self'", "'unsafe-inline'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  fontSrc: ["'self'", 'data:'],
  baseUri: ["'self'"],
});

const options = {
  contentSecurityPolicy: directives,
  xFrameOptions: 'DENY',
  referrerPolicy: 'same-origin',
  strictTransportSecurity: false,
} as const;

/** CSP, no framing, no sniffing, same-origin referrers and opener. */
const securityHeaders: MiddlewareHandler = secureHeaders(options);

/** The same, keeping a CSP the handler set itself (Bull Board sets {@link BULL_BOARD_CSP} on its pages). */
export const bullBoardHeaders: MiddlewareHandler = secureHeaders({ ...options, overwrite: false });

/** The dashboard's own pages and fragments: the security headers, and `no-store`. */
export const pageHeaders: MiddlewareHandler = async function pageHeaders(c, next) {
  await securityHeaders(c, next);
  c.header('cache-control', 'no-store');
};
