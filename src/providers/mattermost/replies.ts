/**
 * The words a Mattermost user reads when a command is answered at once ("Queued", "did you mean",
 * "not allowed", a confirmation prompt). Text that came from the sender is made inert
 * ({@link escapeMattermost}), so a command can never make the bot notify `@channel`. Pure.
 */
import type { CommandOutcome } from '../../commands/run-command.ts';
import { chatOutcomeReply, type ReplyStyle } from '../chat-replies.ts';
import { escapeMattermost, quoteMattermost } from './text.ts';

/** Mattermost's Markdown: values as inline code, text made inert, alias names as they are. */
const MATTERMOST_STYLE: ReplyStyle = {
  said: quoteMattermost,
  code: quoteMattermost,
  name: (alias) => alias,
  escape: escapeMattermost,
  bullet: '- ',
  lineBreak: '\n',
  help: '`help`',
};

/**
 * The immediate answer to a command outcome; `undefined` = say nothing (an unknown sender when no
 * `ingress.unknown_sender_reply` is configured).
 *
 * @example
 * outcomeReply({ kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }, null) // 'You are not allowed to run `ops.restart`.'
 */
export function outcomeReply(outcome: CommandOutcome, unknownSenderReply: string | null): string | undefined {
  return chatOutcomeReply(outcome, unknownSenderReply, MATTERMOST_STYLE);
}
