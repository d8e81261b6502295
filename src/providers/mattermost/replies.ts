/**
 * The words a Mattermost user reads when a command is answered at once ("Queued", "did you mean",
 * "not allowed", a confirmation prompt). Text that came from the sender is made inert
 * ({@link escapeMattermost}), so a command can never make the bot notify `@channel`. Pure.
 */
import type { CommandOutcome } from '../../commands/run-command.ts';
import { escapeMattermost, quoteMattermost } from './text.ts';

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
      const head = `No command matches ${quoteMattermost(outcome.text)}.`;
      if (outcome.suggestions.length === 0) return `${head} Try \`help\`.`;
      return [`${head} Did you mean:`, ...outcome.suggestions.map((s) => `- ${quoteMattermost(s)}`)].join('\n');
    }
    case 'ambiguous': {
      const lines = outcome.candidates.map((c) => `- ${c.alias}: ${quoteMattermost(c.format)}`);
      return [`${quoteMattermost(outcome.text)} matches several commands; be more specific:`, ...lines].join('\n');
    }
    case 'invalid':
      return `${outcome.alias !== undefined ? `Cannot run ${quoteMattermost(outcome.alias)}: ` : ''}${escapeMattermost(outcome.error)}`;
    case 'forbidden':
      return `You are not allowed to run ${quoteMattermost(outcome.alias)}.`;
    case 'unknown_user':
      return unknownSenderReply ?? undefined;
    case 'pending':
      return outcome.prompt !== undefined ? escapeMattermost(outcome.prompt) : undefined;
    case 'confirmation':
      return escapeMattermost(outcome.result.message);
  }
}
