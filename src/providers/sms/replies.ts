/**
 * The immediate SMS answer to each pipeline outcome (src/commands/run-command.ts), each fitted to
 * one segment where the content allows. The result of a queued command follows later, through the
 * `origin` delivery and the sms sink. Pure.
 */
import type { CommandOutcome } from '../../commands/run-command.ts';
import type { AliasConfig } from '../../config/types.ts';
import { CANCEL_HINT } from '../../conversations/question.ts';
import { buildAck } from '../../notify/build-ack.ts';
import { fitSegments } from './segments.ts';
import { renderTemplate } from '../../templates/render.ts';
import { joinWhileFits, smsFormat, truncateToSegments } from './text.ts';

/**
 * The ack of a queued command, sent as the TwiML reply (the pipeline then queues no ack SMS):
 * the alias's `ack.format` rendered when it has one, nothing when its ack is disabled, else
 * `Queued <id>: <alias>`.
 *
 * @example
 * ackReply(outcome, undefined) // 'Queued 01J9: ops.restart'
 */
export function ackReply(outcome: Extract<CommandOutcome, { kind: 'queued' }>, alias: AliasConfig | undefined): string {
  if (alias?.ack?.enabled === false) return '';
  if (alias?.ack?.format !== undefined) {
    const ack = buildAck({ execution: outcome.execution, alias, render: renderTemplate });
    if (ack) return fitSegments(ack.message, 1, outcome.execution.id);
  }
  const ids = outcome.executions.map((s) => s.execution.id).join(', ');
  return truncateToSegments(`Queued ${ids}: ${outcome.alias}`);
}

/** How an SMS question says it can be dropped: `cancel` would opt the sender out of all SMS. */
export const SMS_CANCEL_HINT = '(reply "nevermind" to stop)';

/**
 * @example
 * outcomeReply({ kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }) // 'not allowed: ops.restart'
 */
export function outcomeReply(outcome: CommandOutcome, aliasOf: (id: string) => AliasConfig | undefined = () => undefined): string {
  switch (outcome.kind) {
    case 'queued':
      return ackReply(outcome, aliasOf(outcome.alias));
    case 'none': {
      const hint = joinWhileFits('No match. Did you mean: ', [...new Set(outcome.suggestions.map(smsFormat))], ' | ', '?');
      return hint || 'No match. Text "help" for your commands.';
    }
    case 'ambiguous': {
      const formats = [...new Set(outcome.candidates.map((c) => smsFormat(c.format)))];
      return joinWhileFits('Ambiguous, be more specific: ', formats, ' | ') || 'Ambiguous command, be more specific.';
    }
    case 'invalid':
      return truncateToSegments(outcome.error);
    case 'forbidden':
      return truncateToSegments(`not allowed: ${outcome.alias}`);
    case 'unknown_user':
      return '';
    case 'pending':
      // the prompt is sent once; a re-sent webhook (same MessageSid) gets the cached answer
      return outcome.prompt ?? '';
    case 'confirmation':
    case 'alert':
      return truncateToSegments(outcome.result.message);
    case 'question':
      // CANCEL is a carrier opt-out keyword (keywords.ts): an SMS question offers the other word
      return truncateToSegments(outcome.question.replace(CANCEL_HINT, SMS_CANCEL_HINT));
    case 'answered':
      return truncateToSegments(outcome.message);
    case 'spooled':
      // Redis is away: kept in the gateway's spool (src/spool/); the ack follows by SMS when it runs
      return truncateToSegments(`${outcome.message} (${outcome.id}).`);
  }
}
