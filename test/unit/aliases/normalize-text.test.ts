import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../../src/aliases/index.ts';
import type { Source } from '../../../src/aliases/index.ts';

describe('normalizeText', () => {
  it.each<[string, Source, string, string]>([
    ['CRLF to LF', 'api', 'say a\r\nb', 'say a\nb'],
    ['a lone CR to LF', 'api', 'say a\rb', 'say a\nb'],
    ['no-break and other Unicode blanks to spaces', 'sms', 'restart\u00A0web\u2003on\u202Fprod', 'restart web on prod'],
    ['zero-width characters removed', 'sms', 'restart\u200B web', 'restart web'],
    ['curly double quotes to ASCII', 'sms', 'say \u201Chello there\u201D', 'say "hello there"'],
    ['curly single quotes to ASCII', 'sms', 'say \u2018hi\u2019 don\u2019t', "say 'hi' don't"],
    ['@switchboard removed', 'slack', '@switchboard restart web', 'restart web'],
    ['@switchboard: removed', 'slack', '@switchboard: restart web', 'restart web'],
    ['@Switchboard, removed case-insensitively', 'sms', '@Switchboard, restart web', 'restart web'],
    ['@sb removed', 'slack', '@sb restart web', 'restart web'],
    ['! removed', 'slack', '!restart web', 'restart web'],
    ['/sb removed', 'slack', '/sb restart web', 'restart web'],
    ['only one bot address removed', 'slack', '@switchboard @switchboard restart', '@switchboard restart'],
    ['an address that is part of a word kept', 'slack', '@switchboardx restart', '@switchboardx restart'],
    ['surrounding blanks trimmed', 'api', '  \n restart web \t', 'restart web'],
  ])('normalises %s', (_name, source, text, expected) => {
    expect(normalizeText(text, source)).toBe(expected);
  });

  it('removes the Slack mention of the bot user id', () => {
    expect(normalizeText('<@U0BOT> deploy api', 'slack', { botUserId: 'U0BOT' })).toBe('deploy api');
    expect(normalizeText('<@U0BOT|switchboard>: deploy api', 'slack', { botUserId: 'U0BOT' })).toBe('deploy api');
    expect(normalizeText('<@U0OTHER> deploy api', 'slack', { botUserId: 'U0BOT' })).toBe('<@U0OTHER> deploy api');
  });

  it('uses the configured bot names', () => {
    expect(normalizeText('@ops-bot: status', 'slack', { botNames: ['ops-bot'] })).toBe('status');
    expect(normalizeText('@switchboard status', 'slack', { botNames: ['ops-bot'] })).toBe('@switchboard status');
  });

  it.each([
    ['a signature', 'restart web on prod\n-- \nAlice\nOps team', 'restart web on prod'],
    ['a quoted reply', 'restart web on prod\n> earlier text\n> more', 'restart web on prod'],
    ['an "On ... wrote:" line', 'restart web\n\nOn Mon, Jan 1, 2024 at 10:00 AM Bob <b@x.io> wrote:\n> status', 'restart web'],
    ['a wrapped "On ... wrote:" line', 'restart web\nOn Mon, Jan 1, 2024 at 10:00 AM Bob <\nb@x.io> wrote:\n> status', 'restart web'],
    ['later paragraphs', '\n\nrestart web\non prod\n\nThanks!\nAlice', 'restart web\non prod'],
    ['a CRLF body', 'status\r\n\r\n-- \r\nAlice', 'status'],
  ])('keeps only the first email paragraph above %s', (_name, text, expected) => {
    expect(normalizeText(text, 'email')).toBe(expected);
  });

  it('keeps later paragraphs for other sources', () => {
    expect(normalizeText('say a\n\nb', 'api')).toBe('say a\n\nb');
  });
});
