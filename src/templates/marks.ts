/**
 * Spans of a rendered message that came from values (what a sender typed, an action's output, an
 * error), marked by {@link renderMessage} with two private-use characters so each medium can escape
 * them at the last moment: Slack escapes `&`, `<`, `>` inside them (so `<!here>` or
 * `<https://evil|label>` typed by a sender are shown, not acted on), every other sink strips the
 * marks. Marks never leave the notification pipeline: `OutboundMessage.text` is stripped.
 */

export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';
const MARKS = /[\uE000\uE001]/g;

/** A value wrapped in marks; marks inside it (typed by a sender) are dropped, so a span cannot be closed early. */
export function markValue(s: string): string {
  return s === '' ? '' : `${MARK_OPEN}${s.replace(MARKS, '')}${MARK_CLOSE}`;
}

export const hasMarks = (s: string): boolean => s.includes(MARK_OPEN);

/** The text without marks. */
export function stripMarks(s: string): string {
  return s.replace(MARKS, '');
}

/**
 * The text with every marked span passed through `escape`, the rest as written, marks removed.
 *
 * @example
 * escapeMarked('<!here> \uE000<b>\uE001', escapeSlack) // '<!here> &lt;b&gt;'
 */
export function escapeMarked(s: string, escape: (span: string) => string): string {
  let out = '';
  let at = 0;
  while (at < s.length) {
    const open = s.indexOf(MARK_OPEN, at);
    if (open < 0) {
      out += s.slice(at);
      break;
    }
    out += s.slice(at, open);
    const close = s.indexOf(MARK_CLOSE, open + 1);
    const end = close < 0 ? s.length : close;
    out += escape(s.slice(open + 1, end));
    at = end + 1;
  }
  return stripMarks(out);
}

/** Slack's escaping (https://api.slack.com/reference/surfaces/formatting#escaping): `&`, `<`, `>`. */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
