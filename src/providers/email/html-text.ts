/**
 * HTML-only mail bodies to plain text (pure), enough to read a command from: quoted blocks
 * (`<blockquote>`, Gmail's `gmail_quote`) dropped, block elements and `<br>` as line breaks, tags
 * removed, entities decoded. Not a renderer.
 *
 * Bounded: only the first {@link HTML_TEXT_LIMIT} characters are converted (the command is in the
 * first lines), by html-to-text (an htmlparser2 tokenizer: linear time), with its depth and
 * child-count limits, so no HTML costs more than a few milliseconds of event loop.
 */
import { convert, type HtmlToTextOptions } from 'html-to-text';

/** Characters of HTML converted; the rest is ignored. */
export const HTML_TEXT_LIMIT = 32 * 1024;

/**
 * mailparser options that leave HTML to this module: mailparser would otherwise convert the whole
 * HTML part (up to `max_size`) itself, before anything else is known about the mail.
 */
export const MAIL_PARSE_OPTIONS = { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true } as const;

const skip = (selector: string) => ({ selector, format: 'skip' });
const heading = (selector: string) => ({ selector, format: 'block', options: { uppercase: false } });

const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  limits: { maxInputLength: HTML_TEXT_LIMIT, maxDepth: 64, maxChildNodes: 2000, ellipsis: '' },
  selectors: [
    skip('head'),
    skip('style'),
    skip('script'),
    skip('title'),
    skip('img'),
    skip('blockquote'),
    skip('div.gmail_quote'),
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'hr', format: 'blockString', options: { string: '' } },
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'th', format: 'inline' },
    { selector: 'td', format: 'inline' },
    { selector: 'ul', format: 'unorderedList', options: { itemPrefix: ' ' } },
    { selector: 'ol', format: 'unorderedList', options: { itemPrefix: ' ' } },
    heading('h1'),
    heading('h2'),
    heading('h3'),
    heading('h4'),
    heading('h5'),
    heading('h6'),
  ],
};

/**
 * @example
 * htmlToText('<p>restart web</p><blockquote>old</blockquote>') // 'restart web'
 */
export function htmlToText(html: string): string {
  const capped = html.length > HTML_TEXT_LIMIT ? html.slice(0, HTML_TEXT_LIMIT) : html;
  return convert(capped, OPTIONS)
    .split('\n')
    .map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
