/**
 * Shapes one message for sendMessage with `parse_mode: 'HTML'` (pure). Every character of the
 * rendered text is escaped for Telegram's HTML (`&`, `<`, `>`), so nothing a sender typed can
 * become a link, a mention or markup; the only tags are the ones added here: `<pre>` around code
 * fences and around StackStorm's `{~}` attachment body. Telegram counts a message's length after
 * entity parsing (4,096 characters): the visible text is cut at a line end before that, with a note
 * naming the execution, so nothing is cut silently.
 */
import { splitAttachment } from '../../sinks/render.ts';

/** Telegram's limit on a message's text, after entity parsing. */
export const TEXT_LIMIT = 4096;

/** One piece of the message: plain text, or preformatted (output). */
interface Part {
  text: string;
  pre: boolean;
}

/**
 * Escapes text for `parse_mode: 'HTML'` (the Bot API's "Formatting options": only `<`, `>` and `&`
 * must be escaped, as `&lt;`, `&gt;`, `&amp;`).
 *
 * @example
 * escapeTelegramHtml('<b>a & b</b>') // '&lt;b&gt;a &amp; b&lt;/b&gt;'
 */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Splits text at ``` fences: outside plain, inside preformatted (an unclosed fence runs to the end). */
function fenced(text: string): Part[] {
  const parts: Part[] = [];
  const chunks = text.split(/^```[a-z0-9_-]*[ \t]*$/im);
  chunks.forEach((chunk, i) => {
    const t = chunk.replace(/^\n+|\s+$/g, '');
    if (t !== '') parts.push({ text: t, pre: i % 2 === 1 });
  });
  return parts;
}

/** The parts of a rendered message: the `{~}` body is output, shown preformatted. */
function partsOf(text: string): Part[] {
  const { pretext, body } = splitAttachment(text);
  const parts = fenced(pretext);
  if (body !== undefined && body !== '') parts.push(...(body.includes('```') ? fenced(body) : [{ text: body, pre: true }]));
  return parts;
}

/** Cuts `parts` so their visible text fits `limit` (a line end where there is one), and says so. */
function fitParts(parts: Part[], limit: number, ref: string): Part[] {
  const note = `\n… (cut; the whole output is in execution ${ref})`;
  const visible = (ps: Part[]) => ps.reduce((n, p) => n + p.text.length + 2, 0);
  if (visible(parts) <= limit) return parts;
  const budget = limit - note.length - 2 * parts.length;
  const out: Part[] = [];
  let used = 0;
  for (const p of parts) {
    if (used + p.text.length <= budget) {
      out.push(p);
      used += p.text.length;
      continue;
    }
    const room = budget - used;
    let cut = p.text.slice(0, Math.max(0, room));
    const nl = cut.lastIndexOf('\n');
    if (nl > room / 2) cut = cut.slice(0, nl);
    if (cut !== '') out.push({ text: cut, pre: p.pre });
    break;
  }
  out.push({ text: note.trim(), pre: false });
  return out;
}

/**
 * The HTML text of a message for sendMessage (`parse_mode: 'HTML'`).
 *
 * @example
 * formatTelegramHtml('restart <web> done{~}line 1\nline 2', '01J9')
 * // 'restart &lt;web&gt; done\n<pre>line 1\nline 2</pre>'
 */
export function formatTelegramHtml(text: string, ref: string, limit = TEXT_LIMIT): string {
  const parts = fitParts(partsOf(text), limit, ref);
  if (parts.length === 0) return escapeTelegramHtml(ref);
  return parts.map((p) => (p.pre ? `<pre>${escapeTelegramHtml(p.text)}</pre>` : escapeTelegramHtml(p.text))).join('\n');
}
