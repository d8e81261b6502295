/**
 * What the spool keeps of a command accepted while Redis was away (docs/contracts.md section 7,
 * "When Redis is away"): everything needed to run it later as if it had just arrived.
 */
import type { Params, Source } from '../aliases/index.ts';
import { UnavailableError } from '../errors.ts';
import type { Origin } from '../executions/types.ts';

/** The answer given for a spooled command (API body `message`, the start of SMS and chat replies). */
export const SPOOLED_MESSAGE = 'Redis is unreachable; the command is kept and will run when it is back';

/** The command as the pipeline will run it at replay (src/commands/run-command.ts `CommandInput`, JSON-safe). */
export interface SpooledCommand {
  text: string;
  source: Source;
  user: string;
  origin: Origin;
  /** always set: the caller's (provider message id, `api:<key>:<Idempotency-Key>`), else `spool:<id>` */
  idempotencyKey: string;
  botUserId?: string;
  /** the alias and parameters matched and authorised when it was accepted; matched again as a re-run at replay */
  rerun: { alias: string; action: string; params: Params; multiple?: Params[] };
  /**
   * the API's `Idempotency-Key` binding to its body (src/api/idempotency.ts), which could not be
   * made while Redis was away: claimed at replay, before the command runs
   */
  api?: { apiKey: string; key: string; body: unknown };
}

/** One record of the spool. */
export interface SpoolEntry {
  v: 1;
  /** the provisional id answered to the caller: `sp-` and 12 characters */
  id: string;
  /** when it was accepted (ISO 8601) */
  at: string;
  command: SpooledCommand;
}

/** The spool holds `max_mb` already: the command is refused (503), as any command was without a spool. */
export class SpoolFullError extends UnavailableError {}

/** A provisional id: `sp-` then 12 characters of the execution ids' alphabet. */
export const isSpoolId = (id: string): boolean => /^sp-[2-9a-hjkmnp-z]{12}$/.test(id);
