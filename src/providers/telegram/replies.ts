/**
 * The words a Telegram user reads when a command is answered at once ("Queued", "did you mean",
 * "not allowed", a bad parameter), as plain text: the sink escapes everything for Telegram's HTML
 * (render.ts), so a sender's own text is shown as typed and never becomes markup. Pure.
 */
import type { CommandOutcome } from '../../commands/run-command.ts';
import { chatOutcomeReply, type ReplyStyle } from '../chat-replies.ts';

/** Plain text (the sink escapes it): the typed command in quotes, everything else as it is; a queued command gets no answer here. */
const TELEGRAM_STYLE: ReplyStyle = {
  said: (text) => `"${text}"`,
  code: (text) => text,
  name: (alias) => alias,
  escape: (text) => text,
  bullet: '• ',
  lineBreak: '\n',
  help: '"help"',
  queued: () => undefined,
};

/**
 * The immediate answer to a command outcome; `undefined` = say nothing (a queued command: its
 * ack and result follow through the origin delivery; an unknown sender without
 * `ingress.unknown_sender_reply`).
 *
 * @example
 * telegramOutcomeReply({ kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }, null) // 'You are not allowed to run ops.restart.'
 */
export function telegramOutcomeReply(outcome: CommandOutcome, unknownSenderReply: string | null): string | undefined {
  return chatOutcomeReply(outcome, unknownSenderReply, TELEGRAM_STYLE);
}
