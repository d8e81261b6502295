/**
 * What Teams shows: the inline answer to an outgoing webhook (an Activity `{type: 'message', text}`)
 * and the Adaptive Card a Workflows / incoming webhook posts. Both render Markdown, so every text
 * that came from a sender or an action (command text, parameters, outputs, errors) is escaped:
 * `[label](https://evil)` typed by someone is shown as typed, never as a link. Pure.
 */
import type { CommandOutcome } from '../../commands/run-command.ts';
import { plainText } from '../../sinks/render.ts';
import type { OutboundMessage } from '../../sinks/sink.ts';
import { escapeMarked } from '../../templates/marks.ts';
import { chatOutcomeReply, type ReplyStyle } from '../chat-replies.ts';

/** Characters with a meaning in Teams / Adaptive Card Markdown, escaped with a backslash. */
const MARKDOWN = /[\\`*_{}[\]()<>#+\-!|~]/g;

/**
 * @example
 * escapeTeamsMarkdown('[click](https://evil.example)') // '\\[click\\]\\(https://evil.example\\)'
 */
export function escapeTeamsMarkdown(text: string): string {
  return text.replace(MARKDOWN, '\\$&');
}

/** The inline answer to an outgoing webhook: a message Activity. */
export interface TeamsReply {
  type: 'message';
  text: string;
}

export const teamsReply = (text: string): TeamsReply => ({ type: 'message', text });

/** The Workflows webhook body: one message with one Adaptive Card holding the text. */
export interface AdaptiveCardMessage {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: {
      $schema: string;
      type: 'AdaptiveCard';
      version: '1.4';
      body: { type: 'TextBlock'; text: string; wrap: true; weight?: 'Bolder'; size?: 'Medium' }[];
      msteams?: { width: 'Full' };
    };
  }[];
}

/** Adaptive Cards cap a card's payload at about 28 KB; text beyond this is cut with the reference id. */
export const CARD_TEXT_LIMIT = 20_000;

/**
 * A delivery's text as Teams Markdown: each value (what a sender typed, outputs, errors) escaped, the
 * template's own Markdown as written; StackStorm's `{~}` parts joined and code fences removed.
 *
 * @example
 * deliveryMarkdown(m) // the template's `**Done**` kept, a typed `[x](https://evil)` as `\\[x\\]\\(https://evil\\)`
 */
export function deliveryMarkdown(m: Pick<OutboundMessage, 'text' | 'subject' | 'marked'>): string {
  const text = m.marked !== undefined ? escapeMarked(plainText(m.marked), escapeTeamsMarkdown) : plainText(m.text || m.subject);
  return text.trim();
}

/**
 * The card for one delivery: the subject (when it adds something) in bold, escaped, then the
 * Markdown text, cut at {@link CARD_TEXT_LIMIT} characters with the reference id.
 *
 * @example
 * adaptiveCardMessage({ markdown: 'restarted web', reference: '01J9' })
 */
export function adaptiveCardMessage(m: { subject?: string; markdown: string; reference: string }): AdaptiveCardMessage {
  const text = m.markdown.length > CARD_TEXT_LIMIT ? `${m.markdown.slice(0, CARD_TEXT_LIMIT)}… (${m.reference})` : m.markdown;
  const body: AdaptiveCardMessage['attachments'][number]['content']['body'] = [];
  const subject = m.subject?.trim();
  if (subject && !text.includes(escapeTeamsMarkdown(subject)) && !text.includes(subject)) {
    body.push({ type: 'TextBlock', text: escapeTeamsMarkdown(subject), wrap: true, weight: 'Bolder', size: 'Medium' });
  }
  // a blank line is a paragraph in Markdown: single line breaks are kept as they were written
  body.push({ type: 'TextBlock', text: text.replace(/\n/g, '\n\n'), wrap: true });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body, msteams: { width: 'Full' } },
      },
    ],
  };
}

const quote = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** Teams Markdown: values as code spans (shown literally), everything else escaped, lists as paragraphs. */
const TEAMS_STYLE: ReplyStyle = {
  said: quote,
  code: quote,
  name: escapeTeamsMarkdown,
  escape: escapeTeamsMarkdown,
  bullet: '- ',
  lineBreak: '\n\n',
  help: '`help`',
};

/**
 * The inline answer to each pipeline outcome; `undefined` = say nothing. Values are escaped,
 * except inside code spans (which Markdown shows literally); so is `unknownSenderReply`.
 *
 * @example
 * outcomeText({ kind: 'forbidden', text: 'restart web', alias: 'ops.restart' }, null) // 'You are not allowed to run `ops.restart`.'
 */
export function outcomeText(outcome: CommandOutcome, unknownSenderReply: string | null): string | undefined {
  return chatOutcomeReply(outcome, unknownSenderReply === null ? null : escapeTeamsMarkdown(unknownSenderReply), TEAMS_STYLE);
}
