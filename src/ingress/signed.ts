/**
 * The answer every signed ingress gives a request whose signature or token does not hold: the
 * failed check's code is logged (never a secret) and the request is refused with `status` and
 * `{error: {code, message}}` before anything is parsed or run.
 */
import type { Context } from 'hono';
import { errorBody } from '../api/errors.ts';
import { SignatureError } from '../auth/signature-error.ts';
import type { Logger } from '../log.ts';

export interface SignatureRefusal {
  status: 401 | 403;
  /** The warning logged with the error's code. */
  log: string;
  /** The answer's message; default the error's own. */
  message?: string;
  /** Log the request path too (a provider with several routes). */
  withPath?: boolean;
}

/**
 * Runs `verify`; a {@link SignatureError} becomes `{ refused }` (logged), anything else is thrown.
 *
 * @example
 * const v = verifiedOrRefused(c, log, { status: 401, log: 'discord interaction refused: bad signature' }, () => verifyDiscordChannel(channels, req));
 * if ('refused' in v) return v.refused;
 */
export function verifiedOrRefused<T>(c: Context, log: Logger, refusal: SignatureRefusal, verify: () => T): { verified: T } | { refused: Response } {
  try {
    return { verified: verify() };
  } catch (err) {
    if (!(err instanceof SignatureError)) throw err;
    log.warn(refusal.withPath ? { code: err.code, path: c.req.path } : { code: err.code }, refusal.log);
    return { refused: c.json(errorBody(err.code, refusal.message ?? err.message), refusal.status) };
  }
}
