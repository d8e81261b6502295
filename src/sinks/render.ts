/**
 * Small pure helpers every sink uses to turn a rendered message into its medium's form.
 * StackStorm's `{~}` marker splits a result into plain text (before) and an attachment (after).
 */
import type { OutboundMessage } from './sink.ts';

export const ATTACHMENT_SPLIT = '{~}';

/**
 * Splits StackStorm's `{~}` marker: the text before is the pretext, the text after the attachment body.
 *
 * @example
 * splitAttachment('Done{~}line 1\nline 2') // { pretext: 'Done', body: 'line 1\nline 2' }
 * splitAttachment('plain') // { pretext: 'plain' }
 */
export function splitAttachment(text: string): { pretext: string; body?: string } {
  const at = text.indexOf(ATTACHMENT_SPLIT);
  if (at < 0) return { pretext: text.trim() };
  return { pretext: text.slice(0, at).trim(), body: text.slice(at + ATTACHMENT_SPLIT.length).replace(/^\n+|\s+$/g, '') };
}

/** The message as plain text: the `{~}` parts joined by a blank line, code fences removed. */
export function plainText(text: string): string {
  const { pretext, body } = splitAttachment(text);
  const joined = body === undefined ? pretext : [pretext, body].filter((p) => p !== '').join('\n\n');
  return joined.replace(/^```[a-z0-9_-]*[ \t]*(\n|$)/gim, '').trimEnd();
}

/** The id a person can quote back: the execution's id, else the delivery id. */
export function referenceId(m: OutboundMessage): string {
  return m.execution?.id ?? m.id;
}

/** The target, else the channel's default target; undefined when neither is set. */
export function targetOf(m: OutboundMessage, defaultTarget: string | undefined): string | undefined {
  const t = m.target?.trim();
  return t ? t : defaultTarget;
}
