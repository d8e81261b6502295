/**
 * The words an email sender reads when a command runs nothing: "did you mean", "not allowed", a
 * bad parameter, "slow down". Sent in the command's thread (src/providers/email/inbound.ts). A queued
 * command is answered by the alias's `ack` and `result` through the `origin` delivery instead. Pure.
 */
import type { CommandOutcome } from '../../commands/run-command.ts';
import type { RateDecision } from '../../auth/rate-limit.ts';

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
    case 'pending': // the prompt goes to the user's own address (email-inbound.ts), not to this sender
      return undefined;
    case 'confirmation':
    case 'alert':
      return outcome.result.message;
    case 'question':
      return `${outcome.question}\n\nReply with the answer alone, within 10 minutes.`;
    case 'answered':
      return outcome.message;
    case 'spooled':
      return `${outcome.message} (${outcome.id}).`;
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

/**
 * The mail asking to confirm a command: the prompt, and what to do when it was not you (sent to
 * the user's own address, so a forged command is seen by the person it impersonates).
 */
export function confirmMailText(prompt: string): string {
  return [
    prompt,
    '',
    'Reply NO to cancel it. If you did not send this command, do not reply: nothing runs without the code,',
    'and it is canceled when the time is up.',
  ].join('\n');
}

/** Over the per-sender rate limit. */
export function slowDownReply(d: RateDecision): string {
  return `Slow down: too many commands this minute. Try again in ${d.retryAfterSeconds}s. Nothing was run.`;
}
