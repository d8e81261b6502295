/**
 * The answers people give to an alert, in any medium (SMS, email, chat text): pure parsing.
 *
 * - `ACK 4821`, `ack #4821`, `acknowledge 4821`, `4821 ack`
 * - `SILENCE 4821 2h`, `silence 4821 for 2h`, `silence #4821` (1 hour: {@link DEFAULT_SILENCE_MS})
 * - `UNACK 4821` (escalation goes on from the next step)
 *
 * A text that starts like one of these but names no code, or a SILENCE with a duration that is not
 * one, is answered with what was expected (`{ error }`), never matched as a command.
 */
import { DURATION_EXAMPLES, formatDuration, parseDuration } from './duration.ts';
import type { AlertAction } from './types.ts';

/** How long `SILENCE 4821` silences when no duration is given. */
export const DEFAULT_SILENCE_MS = 3_600_000;

export type AlertReply = { code: string; action: AlertAction } | { code?: string; error: string };

const VERBS = new Map<string, 'ack' | 'silence' | 'unack'>([
  ['ack', 'ack'],
  ['acknowledge', 'ack'],
  ['acknowledged', 'ack'],
  ['silence', 'silence'],
  ['mute', 'silence'],
  ['unack', 'unack'],
  ['unacknowledge', 'unack'],
]);

const CODE = /^#?(\d{3,8})$/;

/**
 * @example
 * parseAlertReply('ACK 4821')            // { code: '4821', action: { kind: 'ack' } }
 * parseAlertReply('silence 4821 for 2h') // { code: '4821', action: { kind: 'silence', durationMs: 7_200_000 } }
 * parseAlertReply('silence 4821 soon')   // { code: '4821', error: 'SILENCE 4821 needs a duration like …' }
 * parseAlertReply('restart web')         // undefined
 */
export function parseAlertReply(text: string): AlertReply | undefined {
  if (text.length > 200) return undefined;
  const words = text
    .trim()
    .replace(/[.!]+$/, '')
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0 || words.length > 4) return undefined;
  let verb = VERBS.get(words[0]!.toLowerCase());
  let rest = words.slice(1);
  // `4821 ack`
  if (verb === undefined && words.length === 2 && CODE.test(words[0]!)) {
    verb = VERBS.get(words[1]!.toLowerCase());
    rest = [words[0]!];
  }
  if (verb === undefined) return undefined;
  const name = verb.toUpperCase();
  const code = rest[0] === undefined ? undefined : CODE.exec(rest[0])?.[1];
  if (code === undefined) {
    // `ack` alone, `ack all`: for us, but which alert?
    if (rest.length <= 1) return { error: `Which alert? Reply ${name} and its code, e.g. ${name} 4821${verb === 'silence' ? ' 2h' : ''}.` };
    return undefined;
  }
  if (verb !== 'silence') {
    return rest.length === 1 ? { code, action: { kind: verb } } : undefined;
  }
  let tail = rest.slice(1);
  if (tail[0]?.toLowerCase() === 'for') tail = tail.slice(1);
  if (tail.length === 0) return { code, action: { kind: 'silence', durationMs: DEFAULT_SILENCE_MS } };
  const ms = parseDuration(tail.join(''));
  if (ms === undefined) return { code, error: `SILENCE ${code} needs a duration like 2h (${DURATION_EXAMPLES}); "${tail.join(' ').slice(0, 20)}" is not one.` };
  return { code, action: { kind: 'silence', durationMs: ms } };
}

/** The line every alert notification ends with. @example answerLine('4821') // 'Reply ACK 4821 or SILENCE 4821 2h' */
export const answerLine = (code: string) => `Reply ACK ${code} or SILENCE ${code} 2h`;

/** `silence 1h` as said back to people. */
export const describeSilence = (ms: number) => formatDuration(ms);
