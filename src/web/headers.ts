/**
 * Response headers of the dashboard's own pages and fragments: a strict Content-Security-Policy
 * (scripts and styles only from this gateway, no inline code; a second line of defence behind
 * escaping), no framing, no caching of pages that show execution data.
 */
import type { MiddlewareHandler } from 'hono';

const directives = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'connect-src': "'self'",
  'frame-ancestors': "'none'",
  'base-uri': "'none'",
  'form-action': "'self'",
};
const policy = (d: Record<string, string>) =>
  Object.entries(d)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
const csp = policy(directives);

/**
 * Bull Board's pages: the same policy, plus the inline script and styles its page needs. Its link
 * to Google Fonts is refused, so every request stays on this host (system fonts stand in).
 */
export const BULL_BOARD_CSP = policy({
  ...directives,
  'script-src': "'self' 'unsafe-inline'",
  'style-src': "'self' 'unsafe-inline'",
  'font-src': "'self' data:",
  'base-uri': "'self'",
});

export const pageHeaders: MiddlewareHandler = async function pageHeaders(c, next) {
  await next();
  c.header('content-security-policy', csp);
  c.header('x-frame-options', 'DENY');
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'same-origin');
  c.header('cache-control', 'no-store');
};
