/**
 * The answer line of an alert message (pure): what a person replies to act on a firing alert from
 * a medium without buttons (SMS, email). Replies reach the command pipeline, which parses them
 * (src/alerts/). A template that already names `ACK <code>` gets no second line.
 */
import { answerLine } from '../alerts/reply.ts';
import type { AlertRef } from '../notify/types.ts';

/**
 * @example
 * alertAnswerLine({ code: '4821', ... }) // 'Reply ACK 4821 or SILENCE 4821 2h'
 */
export const alertAnswerLine = (alert: Pick<AlertRef, 'code'>) => answerLine(alert.code);

/**
 * The text with the answer line added at the end when the alert is firing and the text does not
 * already say how to answer; any other text as given.
 *
 * @example
 * withAnswerLine('HighLatency on web-1', alert) // 'HighLatency on web-1\n\nReply ACK 4821 or SILENCE 4821 2h'
 */
export function withAnswerLine(text: string, alert: AlertRef | undefined): string {
  if (alert?.status !== 'firing') return text;
  const code = alert.code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(`\\bACK\\s+${code}\\b`, 'i').test(text)) return text;
  const trimmed = text.trimEnd();
  return trimmed === '' ? alertAnswerLine(alert) : `${trimmed}\n\n${alertAnswerLine(alert)}`;
}
