/**
 * HTTP error translation: typed errors become `{error: {code, message}}` with their status here,
 * and only here (the app's `onError`). Anything unexpected is logged and answered with a bare 500.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { AuthError, ForbiddenError, NotFoundError, ParameterError, SwitchboardError, UnavailableError } from '../errors.ts';
import { redactText, type Logger } from '../log.ts';

/** A request the API refuses as written (bad JSON 400, invalid body 422, too large 413). */
export class RequestError extends SwitchboardError {
  constructor(
    readonly status: 400 | 413 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; parameter?: string };
}

export const errorBody = (code: string, message: string, extra: { parameter?: string } = {}): ErrorBody => ({
  error: { code, message, ...extra },
});

/** `text: Invalid input; user: ...` — zod issues as one line, each prefixed by its path. */
export function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
}

interface Translated {
  status: ContentfulStatusCode;
  body: ErrorBody;
  headers?: Record<string, string>;
}

function translate(err: unknown): Translated | undefined {
  if (err instanceof RequestError) return { status: err.status, body: errorBody(err.code, err.message) };
  if (err instanceof AuthError) return { status: 401, body: errorBody(err.code, err.message), headers: { 'WWW-Authenticate': 'Bearer' } };
  if (err instanceof ForbiddenError) return { status: 403, body: errorBody(err.code, err.message) };
  if (err instanceof NotFoundError) return { status: 404, body: errorBody(err.code, err.message) };
  if (err instanceof ParameterError) return { status: 422, body: errorBody(err.code, err.message, { parameter: err.parameter }) };
  if (err instanceof UnavailableError) return { status: 503, body: errorBody(err.code, err.message) };
  if (err instanceof z.ZodError) return { status: 400, body: errorBody('invalid_request', describeZodError(err)) };
  if (err instanceof HTTPException && err.status < 500) return { status: err.status, body: errorBody('http_error', err.message || 'request refused') };
  return undefined;
}

/**
 * Builds the app's `onError`: typed errors to their status, everything else logged and a 500
 * that says nothing about internals. Messages pass through secret redaction either way.
 */
export function createErrorHandler(options: { logger: Logger; secrets: readonly string[] }) {
  const { logger, secrets } = options;
  return function onError(err: unknown, c: Context): Response {
    const known = translate(err);
    if (!known) {
      logger.error({ err, method: c.req.method, path: c.req.path }, 'request failed');
      return c.json(errorBody('internal', 'internal error'), 500);
    }
    const body = known.body;
    body.error.message = redactText(body.error.message, secrets);
    return c.json(body, known.status, known.headers);
  };
}
