/**
 * The words a Discord user reads when `/sb` is answered at once ("Queued", "did you mean", "not
 * allowed", a confirmation prompt with Confirm / Cancel buttons). Text that came from the sender is
 * Markdown-escaped or shown as inline code (render.ts), and every answer goes out with
 * `allowed_mentions: {parse: []}`. Pure.
 */
import type { CommandOutcome } from '../../commands/run-command.ts';
import { chatOutcomeReply, queuedLine, type ReplyStyle } from '../chat-replies.ts';
import { escapeDiscord } from './render.ts';
import { NO_MENTIONS } from './sink.ts';

/** Message flag: only the person who typed the command sees the message. */
export const EPHEMERAL = 64;

/** The custom_id prefixes of the confirmation buttons: `sb_confirm:<execution id>:<code>`. */
export const CONFIRM_ID = 'sb_confirm';
export const CANCEL_ID = 'sb_cancel';

/** Inline code of a value: a backtick in it becomes `'`, so the span cannot be closed early. */
const quote = (text: string) => `\`${text.replace(/`/g, "'").replace(/\n/g, ' ')}\``;

/** Discord's Markdown: values as inline code, text and alias names escaped, "Confirmed." before a confirmed command. */
const DISCORD_STYLE: ReplyStyle = {
  said: quote,
  code: quote,
  name: escapeDiscord,
  escape: escapeDiscord,
  bullet: '- ',
  lineBreak: '\n',
  help: '`/sb text:help`',
  queued: (outcome) => `${outcome.confirmed ? 'Confirmed. ' : ''}${queuedLine(outcome, DISCORD_STYLE)}`,
};

/**
 * The immediate answer to a command outcome; `undefined` = say nothing in particular (an unknown
 * sender when no `ingress.unknown_sender_reply` is configured).
 *
 * @example
 * outcomeText({ kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }, null) // 'You are not allowed to run `ops.restart`.'
 */
export function outcomeText(outcome: CommandOutcome, unknownSenderReply: string | null): string | undefined {
  return chatOutcomeReply(outcome, unknownSenderReply, DISCORD_STYLE);
}

/** The message fields of an answer (content, buttons), ready for a response or a webhook edit. */
export interface AnswerData {
  content: string;
  flags?: number;
  components?: unknown[];
  allowed_mentions: { parse: string[] };
}

/**
 * The answer to an outcome: its text, plus Confirm / Cancel buttons for a confirmation prompt.
 *
 * @example
 * outcomeAnswer(outcome, null).components // [{ type: 1, components: [{ type: 2, style: 3, label: 'Confirm', custom_id: 'sb_confirm:01J9:482113' }, …] }]
 */
export function outcomeAnswer(outcome: CommandOutcome, unknownSenderReply: string | null): AnswerData {
  const content = outcomeText(outcome, unknownSenderReply) ?? 'Nothing was run.';
  if (outcome.kind === 'pending' && outcome.confirmation && outcome.prompt !== undefined) {
    return { content, components: confirmButtons(outcome.execution.id, outcome.confirmation.code), allowed_mentions: NO_MENTIONS };
  }
  return { content, allowed_mentions: NO_MENTIONS };
}

/** An action row with Confirm (green) and Cancel (red); each custom_id carries the execution id and the code. */
export function confirmButtons(executionId: string, code: string): unknown[] {
  return [
    {
      type: 1,
      components: [
        { type: 2, style: 3, label: 'Confirm', custom_id: `${CONFIRM_ID}:${executionId}:${code}` },
        { type: 2, style: 4, label: 'Cancel', custom_id: `${CANCEL_ID}:${executionId}:${code}` },
      ],
    },
  ];
}

/** A button's custom_id read back: which button, the execution id, the code; undefined when not ours. */
export function parseButton(customId: string | undefined): { refuse: boolean; executionId: string; code: string } | undefined {
  const m = /^(sb_confirm|sb_cancel):([A-Za-z0-9_-]{1,80}):(\d{1,12})$/.exec(customId ?? '');
  if (!m) return undefined;
  return { refuse: m[1] === CANCEL_ID, executionId: m[2]!, code: m[3]! };
}
