/**
 * Discord's form of a message (discord.com/developers/docs/reference#message-formatting, and
 * "Markdown text 101" in Discord's help centre). Pure.
 *
 * Values a sender typed (or an action printed) are escaped so they show as written: outside code,
 * every Markdown character gets a backslash (`*`, `_`, `~`, `` ` ``, `|`, `>`, `#`, `-`, `[`, `]`,
 * `(`, `)`, `<`, `@`, `:`), so `@everyone`, `<@&role>` or `[link](https://evil)` are text; inside a
 * code span or fence a backslash would show, so there only a run of backticks that could close it
 * is broken with zero-width spaces. Every message also goes out with `allowed_mentions: {parse: []}`
 * (sink.ts), so nothing pings whatever the text says.
 */
import { MARK_CLOSE, MARK_OPEN, stripMarks } from '../../templates/marks.ts';
import { splitAttachment } from '../../sinks/render.ts';

/** Discord's limits: message content and embed description, in characters. */
export const CONTENT_MAX = 2000;
export const EMBED_DESCRIPTION_MAX = 4096;

/**
 * A value shown as text outside code.
 *
 * @example
 * escapeDiscord('@everyone *now*') // '\\@everyone \\*now\\*'
 */
export function escapeDiscord(s: string): string {
  return s.replace(/[\\*_~`|>#\-[\]()<@:]/g, '\\$&');
}

/** A value inside a code span or fence: a backtick run can no longer close it. */
export function escapeDiscordCode(s: string): string {
  return s.replace(/`/g, '`\u200b');
}

/**
 * The message with each marked span (a value, src/templates/marks.ts) escaped for where it stands:
 * inside a ``` fence or a `code span` of the template's own text, or outside. The template's own
 * Markdown stays as written.
 *
 * @example
 * escapeMarkedDiscord('**Result**: \uE000@everyone\uE001') // '**Result**: \\@everyone'
 * escapeMarkedDiscord('```\n\uE000a`b\uE001\n```')         // '```\na`\u200bb\n```'
 */
export function escapeMarkedDiscord(s: string): string {
  let out = '';
  let fence = false; // inside ``` … ```
  let span = false; // inside ` … `
  let at = 0;
  const scanLiteral = (lit: string) => {
    for (let i = 0; i < lit.length; i++) {
      if (lit.startsWith('```', i)) {
        if (!span) fence = !fence;
        i += 2;
      } else if (lit[i] === '`' && !fence) span = !span;
    }
    out += lit;
  };
  while (at < s.length) {
    const open = s.indexOf(MARK_OPEN, at);
    if (open < 0) {
      scanLiteral(s.slice(at));
      break;
    }
    scanLiteral(s.slice(at, open));
    const close = s.indexOf(MARK_CLOSE, open + 1);
    const end = close < 0 ? s.length : close;
    const value = s.slice(open + 1, end);
    out += fence || span ? escapeDiscordCode(value) : escapeDiscord(value);
    at = end + 1;
  }
  return stripMarks(out);
}

/** Cuts `s` to `max` characters, ending with `suffix` when cut (a fence left open is closed). */
export function clip(s: string, max: number, suffix = '…'): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, Math.max(0, max - suffix.length - 4));
  if ((cut.match(/```/g) ?? []).length % 2 === 1) cut += '\n```';
  return `${cut}${suffix}`;
}

export interface DiscordMessage {
  content: string;
  embeds?: { description: string; color?: number; footer?: { text: string } }[];
}

const statusColor: Record<string, number> = { succeeded: 0x2eb67d, failed: 0xe01e5a, timeout: 0xe01e5a, canceled: 0x868686 };

/**
 * A rendered notification as Discord's message fields: the text before StackStorm's `{~}` as the
 * content, the part after it as an embed (coloured by the execution's status), each within
 * Discord's limits and ending with the execution id when cut.
 *
 * @example
 * formatDiscordMessage({ text: 'Done{~}exit 0', status: 'succeeded', ref: '01J9' })
 * // { content: 'Done', embeds: [{ description: 'exit 0', color: 3061373, footer: { text: '01J9' } }] }
 */
export function formatDiscordMessage(m: { text: string; status?: string; ref: string }): DiscordMessage {
  const { pretext, body } = splitAttachment(m.text);
  const cutNote = ` (cut; see execution ${m.ref})`;
  if (body === undefined || body === '') return { content: clip(pretext || m.ref, CONTENT_MAX, `…${cutNote}`) };
  const color = m.status !== undefined ? statusColor[m.status] : undefined;
  return {
    content: clip(pretext, CONTENT_MAX, `…${cutNote}`),
    embeds: [{ description: clip(body, EMBED_DESCRIPTION_MAX, `…${cutNote}`), ...(color !== undefined && { color }), footer: { text: m.ref } }],
  };
}
