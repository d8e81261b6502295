/**
 * The words a Telegram user reads when a command is answered at once ("Queued", "did you mean",
 * "not allowed", a bad parameter), as plain text: the sink escapes everything for Telegram's HTML
 * (render.ts), so a sender's own text is shown as typed and never becomes markup. Pure.
 */
import type { CommandOutcome } from '../../commands/run-command.ts';

const quote = (text: string) => `"${text}"`;

/**
 * The immediate answer to a command outcome; `undefined` = say nothing (a queued command: its
 * ack and result follow through the origin delivery; an unknown sender without
 * `ingress.unknown_sender_reply`).
 *
 * @example
 * telegramOutcomeReply({ kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }, null) // 'You are not allowed to run ops.restart.'
 */
export function telegramOutcomeReply(outcome: CommandOutcome, unknownSenderReply: string | null): string | undefined {
  switch (outcome.kind) {
    case 'queued':
      return undefined;
    case 'none': {
      const head = `No command matches ${quote(outcome.text)}.`;
      if (outcome.suggestions.length === 0) return `${head} Try "help".`;
      return [`${head} Did you mean:`, ...outcome.suggestions.map((s) => `• ${s}`)].join('\n');
    }
    case 'ambiguous':
      return [`${quote(outcome.text)} matches several commands; be more specific:`, ...outcome.candidates.map((c) => `• ${c.alias}: ${c.format}`)].join('\n');
    case 'invalid':
      return `${outcome.alias !== undefined ? `Cannot run ${outcome.alias}: ` : ''}${outcome.error}`;
    case 'forbidden':
      return `You are not allowed to run ${outcome.alias}.`;
    case 'unknown_user':
      return unknownSenderReply ?? undefined;
    case 'pending':
      return outcome.prompt;
    case 'confirmation':
      return outcome.result.message;
  }
}
