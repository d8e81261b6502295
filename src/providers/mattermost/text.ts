/**
 * Mattermost's message text (its Markdown, developers.mattermost.com "Message formatting"): what a
 * sender typed is shown, never acted on. An at-mention (`@channel`, `@all`, `@here`, `@someone`)
 * gets a zero-width space after its `@`, so it neither notifies nor highlights; a Markdown link or
 * image (`[label](https://x)`, `![](https://x)`) gets one between `]` and `(`, so a label never
 * hides where it points and no image is fetched. Both stay invisible and harmless inside code
 * blocks (where backslash escapes would show), so an action's output reads as it was written.
 * Pure.
 */

const ZWSP = '\u200B';

/**
 * A value a sender typed (or an output, an error) made inert for Mattermost.
 *
 * 1. `@word` -> `@\u200Bword` at a word start (mentions of people and the channel-wide
 *    `@channel`/`@all`/`@here`; an address such as `a@example.com` is no mention and stays)
 * 2. `](` -> `]\u200B(` (inline links and images)
 * 3. `[ref]: url` at a line start -> `[ref]\u200B: url` (reference link definitions)
 *
 * @example
 * escapeMattermost('@channel see [docs](https://evil.example)') // '@\u200Bchannel see [docs]\u200B(https://evil.example)'
 */
export function escapeMattermost(text: string): string {
  return text
    .replace(/(^|[^\p{L}\p{N}_.-])@(?=[\p{L}\p{N}_.-])/gu, `$1@${ZWSP}`)
    .replace(/\]\(/g, `]${ZWSP}(`)
    .replace(/^( {0,3}\[[^\]\n]*\]):/gm, `$1${ZWSP}:`);
}

/** Inline code of a sender's text: Mattermost-escaped, backticks turned into `'` so the span cannot end early. */
export function quoteMattermost(text: string): string {
  return `\`${escapeMattermost(text).replace(/`/g, "'")}\``;
}
