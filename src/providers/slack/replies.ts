/**
 * The words Slack users read when a command is answered at once: "Queued", "did you mean", "not
 * allowed", a bad parameter. Text that came from the sender is escaped (`&`, `<`, `>`), so a
 * command can never make the bot write `<!channel>` or a link it did not mean to.
 */
import type { CommandOutcome } from '../../commands/run-command.ts';
import { escapeSlackText } from './text.ts';

const quote = (text: string) => `\`${escapeSlackText(text).replace(/`/g, "'")}\``;

/**
 * The immediate answer to a command outcome; `undefined` = say nothing (an unknown sender when no
 * `ingress.unknown_sender_reply` is configured).
 *
 * @example
 * outcomeReply({ kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }, null) // 'You are not allowed to run `ops.restart`.'
 */
export function outcomeReply(outcome: CommandOutcome, unknownSenderReply: string | null): string | undefined {
  switch (outcome.kind) {
    case 'queued': {
      const ids = outcome.executions.map((s) => s.execution.id).join(', ');
      return `Queued ${ids}: ${outcome.alias}`;
    }
    case 'none': {
      const head = `No command matches ${quote(outcome.text)}.`;
      if (outcome.suggestions.length === 0) return `${head} Try \`help\`.`;
      return [`${head} Did you mean:`, ...outcome.suggestions.map((s) => `• ${quote(s)}`)].join('\n');
    }
    case 'ambiguous': {
      const lines = outcome.candidates.map((c) => `• ${c.alias}: ${quote(c.format)}`);
      return [`${quote(outcome.text)} matches several commands; be more specific:`, ...lines].join('\n');
    }
    case 'invalid':
      return `${outcome.alias !== undefined ? `Cannot run ${quote(outcome.alias)}: ` : ''}${escapeSlackText(outcome.error)}`;
    case 'forbidden':
      return `You are not allowed to run ${quote(outcome.alias)}.`;
    case 'unknown_user':
      return unknownSenderReply ?? undefined;
    case 'pending':
      return outcome.prompt !== undefined ? escapeSlackText(outcome.prompt) : undefined;
    case 'confirmation':
      return escapeSlackText(outcome.result.message);
  }
}
