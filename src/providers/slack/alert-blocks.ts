/**
 * Alert messages on Slack (pure): the short code and the ACK / Silence 1h buttons under a firing
 * alert, none under a resolved one, and the edits that close a message (drop its buttons, say
 * `Resolved` or `Acknowledged by alice`). The buttons' value is `<code>:<alert id>`: a click acts on
 * that very alert, even after its short code was reused by a newer one (messages posted before ids
 * were carried hold the code alone, acted on like a typed `ACK 4821`); src/providers/slack/interactions.ts
 * handles the clicks.
 */
import type { AlertRef } from '../../notify/types.ts';
import type { SlackPost } from './format.ts';

export const ALERT_ACK_ACTION = 'alert_ack';
export const ALERT_SILENCE_ACTION = 'alert_silence_1h';
/** the `block_id` prefix of an alert's buttons: what {@link closeAlertBlocks} removes */
export const ALERT_ACTIONS_BLOCK = 'sb_alert_';

type Block = Record<string, unknown>;

const context = (text: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

/** The answer line a person can type instead of clicking: `Reply ACK 4821 or SILENCE 4821 2h`. */
export const alertAnswerText = (code: string) => `Reply \`ACK ${code}\` or \`SILENCE ${code} 2h\``;

/**
 * The alert's buttons: ACK (primary) and Silence 1h, both carrying `<code>:<id>`.
 *
 * @example
 * alertButtons({ code: '4821', id: 'al-x' }) // { type: 'actions', block_id: 'sb_alert_4821', elements: [{ action_id: 'alert_ack', value: '4821:al-x', ... }, ...] }
 */
export function alertButtons(alert: Pick<AlertRef, 'code' | 'id'>): Block {
  const value = `${alert.code}:${alert.id}`;
  return {
    type: 'actions',
    block_id: `${ALERT_ACTIONS_BLOCK}${alert.code}`,
    elements: [
      { type: 'button', action_id: ALERT_ACK_ACTION, style: 'primary', text: { type: 'plain_text', text: 'ACK' }, value },
      { type: 'button', action_id: ALERT_SILENCE_ACTION, text: { type: 'plain_text', text: 'Silence 1h' }, value },
    ],
  };
}

/**
 * What a clicked alert button names: the alert id (buttons posted now) or only the code (older ones).
 *
 * @example
 * alertButtonTarget('4821:al-x') // { id: 'al-x' }
 * alertButtonTarget('4821')      // { code: '4821' }
 * alertButtonTarget('<!here>')   // undefined
 */
export function alertButtonTarget(value: string | undefined): { id: string } | { code: string } | undefined {
  const m = /^(\d{1,12})(?::(al-[0-9a-z]{1,40}))?$/.exec(value ?? '');
  if (!m) return undefined;
  return m[2] ? { id: m[2] } : { code: m[1]! };
}

/**
 * A post about an alert: the message, then the code (and for a firing alert the answer line and
 * the buttons). A message whose body went into an attachment keeps it; the blocks come first.
 *
 * @example
 * withAlertBlocks(formatSlackMessage(...), { id: 'a1', code: '4821', status: 'firing', ... }).blocks
 * // [section, context 'Alert *4821* · Reply `ACK 4821` or `SILENCE 4821 2h`', actions ACK / Silence 1h]
 */
export function withAlertBlocks(post: SlackPost, alert: AlertRef): SlackPost {
  const blocks = [...(post.blocks ?? [])];
  if (alert.status === 'resolved') {
    blocks.push(context(`Alert *${alert.code}* · Resolved`));
  } else {
    blocks.push(context(`Alert *${alert.code}* · ${alertAnswerText(alert.code)}`), alertButtons(alert));
  }
  return { ...post, blocks };
}

/**
 * The blocks of a posted alert message with its buttons removed and `note` added at the end:
 * what the message becomes when the alert is resolved or someone acknowledged it.
 *
 * @example
 * closeAlertBlocks(message.blocks, 'Acknowledged by alice')
 */
export function closeAlertBlocks(blocks: unknown, note: string, opts: { keepButtons?: boolean } = {}): Block[] {
  const kept = (Array.isArray(blocks) ? blocks : []).filter(
    (b): b is Block =>
      typeof b === 'object' &&
      b !== null &&
      (opts.keepButtons === true || !((b as Block).type === 'actions' && String((b as Block).block_id ?? '').startsWith(ALERT_ACTIONS_BLOCK))),
  );
  return [...kept, context(note)];
}
