/**
 * The words an email sender reads when a command runs nothing: "did you mean", "not allowed", a
 * bad parameter, "slow down". Sent in the command's thread (src/ingress/email-inbound.ts). A queued
 * command is answered by the alias's `ack` and `result` through the `origin` delivery instead. Pure.
 */
import type { CommandOutcome } from '../commands/run-command.ts';
import type { RateDecision } from '../auth/rate-limit.ts';

/**
 * The answer to an outcome that ran nothing; `undefined` = say nothing (queued, or an unknown
 * sender: answering forged or unknown addresses would make Switchboard a backscatter source).
 *
 * @example
 * refusalReply({ kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }) // 'You are not allowed to run ops.restart.\n...'
 */
export function refusalReply(outcome: CommandOutcome): string | undefined {
  switch (outcome.kind) {
    case 'queued':
    case 'unknown_user':
      return undefined;
    case 'none': {
      const head = `No command matches "${outcome.text}".`;
      if (outcome.suggestions.length === 0) return `${head}\nSend "help" for the commands you may run.`;
      return [`${head} Did you mean:`, '', ...outcome.suggestions.map((s) => `  ${s}`)].join('\n');
    }
    case 'ambiguous':
      return [`"${outcome.text}" matches several commands; be more specific:`, '', ...outcome.candidates.map((c) => `  ${c.alias}: ${c.format}`)].join('\n');
    case 'invalid':
      return `${outcome.alias !== undefined ? `Cannot run ${outcome.alias}: ` : ''}${outcome.error}`;
    case 'forbidden':
      return `You are not allowed to run ${outcome.alias}. Nothing was run.`;
  }
}

/** Over the per-sender rate limit. */
export function slowDownReply(d: RateDecision): string {
  return `Slow down: too many commands this minute. Try again in ${d.retryAfterSeconds}s. Nothing was run.`;
}
