/**
 * Slack's message text format (api.slack.com "Formatting text for app surfaces"): `&`, `<`, `>`
 * arrive escaped, links arrive as `<https://x|label>`, channels as `<#C1|name>`. Commands are
 * matched on the plain text the person typed; answers escape what came from a sender.
 */

/** Slack's three control characters, escaped as its docs ask. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The text as typed: links and e-mail addresses unwrapped, channel references as `#name`,
 * entities unescaped. User mentions (`<@U…>`) stay, so the bot's own can be removed by id.
 *
 * 1. `<https://x|label>` and `<https://x>` -> `https://x`; `<mailto:a@b|a@b>` -> `a@b`
 * 2. `<#C123|general>` -> `#general`; `<!here>` -> `@here`
 * 3. `&lt;` `&gt;` `&amp;` -> `<` `>` `&` (ampersand last, so `&amp;lt;` stays `&lt;`)
 *
 * @example
 * slackTextToPlain('<@U0BOT> fetch <https://example.com/?a=1&amp;b=2> for &lt;ops&gt;') // '<@U0BOT> fetch https://example.com/?a=1&b=2 for <ops>'
 */
export function slackTextToPlain(text: string): string {
  return text
    .replace(/<((?:https?|ftp):\/\/[^|>\s]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/<mailto:([^|>\s]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
