/**
 * TwiML messaging replies (docs/providers/twilio.md, "What Twilio sends and what it gets back"): `<Response><Message>…</Message></Response>`, or an
 * empty `<Response/>` when nothing should be sent back. Pure.
 */

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';

/** The reply that sends nothing (an empty body would be an error in Twilio's debugger). */
export const EMPTY_TWIML = `${XML_DECL}<Response/>`;

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Escapes text for an XML element and drops what XML 1.0 cannot carry at all (control characters
 * other than tab, LF and CR; lone surrogates; U+FFFE/U+FFFF).
 *
 * @example
 * escapeXml('a < b & "c"') // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[&<>"']/g, (ch) => escapes[ch]!);
}

/**
 * One SMS reply as TwiML; an empty or absent text gives {@link EMPTY_TWIML}.
 *
 * @example
 * twimlMessage('Queued 01J9: ops.restart')
 * // '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Queued 01J9: ops.restart</Message></Response>'
 */
export function twimlMessage(text: string | undefined): string {
  if (text === undefined || text.trim() === '') return EMPTY_TWIML;
  return `${XML_DECL}<Response><Message>${escapeXml(text)}</Message></Response>`;
}
