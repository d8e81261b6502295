import { describe, expect, it } from 'vitest';
import { escapeSlackText, slackTextToPlain } from '../../../src/providers/slack/text.ts';

describe('slackTextToPlain', () => {
  it.each([
    ['echo plain', 'echo plain'],
    ['fetch <https://example.com/a?b=1&amp;c=2>', 'fetch https://example.com/a?b=1&c=2'],
    ['fetch <https://example.com|example.com>', 'fetch https://example.com'],
    ['mail <mailto:alice@example.com|alice@example.com>', 'mail alice@example.com'],
    ['post to <#C043YJGBY49|general>', 'post to #general'],
    ['wake <!here>', 'wake @here'],
    ['echo a &lt;b&gt; &amp; c', 'echo a <b> & c'],
    ['echo &amp;lt;', 'echo &lt;'],
    ['<@U0BOT> restart web', '<@U0BOT> restart web'],
    ['<@U0BOT|switchboard> restart web', '<@U0BOT|switchboard> restart web'],
  ])('turns %j into %j', (slack, plain) => {
    expect(slackTextToPlain(slack)).toBe(plain);
  });
});

describe('escapeSlackText', () => {
  it('escapes the three control characters so a sender cannot ping a channel through the bot', () => {
    expect(escapeSlackText('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
  });

  it('round-trips with slackTextToPlain', () => {
    const text = 'a < b && c > d <https://x>';
    expect(slackTextToPlain(escapeSlackText(text))).toBe(text);
  });
});
