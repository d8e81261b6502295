/**
 * The words Slack users read when a command is answered at once: "Queued", "did you mean", "not
 * allowed", a bad parameter. Text that came from the sender is escaped (`&`, `<`, `>`), so a
 * command can never make the bot write `<!channel>` or a link it did not mean to.
 */
import type { CommandOutcome } from '../../commands/run-command.ts';
import { chatOutcomeReply, type ReplyStyle } from '../chat-replies.ts';
import { escapeSlackText } from './text.ts';

const quote = (text: string) => `\`${escapeSlackText(text).replace(/`/g, "'")}\``;

/** Slack's mrkdwn: values as inline code, text escaped, alias names as they are. */
const SLACK_STYLE: ReplyStyle = { said: quote, code: quote, name: (alias) => alias, escape: escapeSlackText, bullet: '• ', lineBreak: '\n', help: '`help`' };

/**
 * The immediate answer to a command outcome; `undefined` = say nothing (an unknown sender when no
 * `ingress.unknown_sender_reply` is configured).
 *
 * @example
 * outcomeReply({ kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }, null) // 'You are not allowed to run `ops.restart`.'
 */
export function outcomeReply(outcome: CommandOutcome, unknownSenderReply: string | null): string | undefined {
  return chatOutcomeReply(outcome, unknownSenderReply, SLACK_STYLE);
}
