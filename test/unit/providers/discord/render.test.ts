import { describe, expect, it } from 'vitest';
import { markValue } from '../../../../src/templates/marks.ts';
import { CONTENT_MAX, EMBED_DESCRIPTION_MAX, escapeDiscord, escapeMarkedDiscord, formatDiscordMessage } from '../../../../src/providers/discord/render.ts';
import { confirmButtons, parseButton } from '../../../../src/providers/discord/replies.ts';

describe('escapeDiscord', () => {
  it.each([
    ['@everyone', '\\@everyone'],
    ['<@&123> hi', '\\<\\@&123\\> hi'],
    ['[login](https://evil.example)', '\\[login\\]\\(https\\://evil.example\\)'],
    ['**bold** __u__ ~~s~~ ||spoiler||', '\\*\\*bold\\*\\* \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\|'],
    ['# heading\n> quote\n- item', '\\# heading\n\\> quote\n\\- item'],
    ['a\\*b', 'a\\\\\\*b'],
    ['plain words 42', 'plain words 42'],
  ])('%j -> %j', (input, output) => {
    expect(escapeDiscord(input)).toBe(output);
  });
});

describe('escapeMarkedDiscord', () => {
  it('escapes values outside code and keeps the template Markdown', () => {
    expect(escapeMarkedDiscord(`**Result** for ${markValue('@everyone')}: ${markValue('*x*')}`)).toBe('**Result** for \\@everyone: \\*x\\*');
  });

  it('inside a fence only breaks backtick runs, so nothing shows a backslash', () => {
    const out = escapeMarkedDiscord(`\`\`\`\n${markValue('a *b* ``` @everyone')}\n\`\`\`\nafter ${markValue('_y_')}`);
    expect(out).toBe('```\na *b* `\u200b`\u200b`\u200b @everyone\n```\nafter \\_y\\_');
    expect(out.match(/```/g)).toHaveLength(2);
  });

  it('inside an inline code span likewise', () => {
    expect(escapeMarkedDiscord(`ran \`${markValue('rm -rf `x`')}\` then ${markValue('-')}`)).toBe('ran `rm -rf `\u200bx`\u200b` then \\-');
  });

  it('returns text without marks unchanged', () => {
    expect(escapeMarkedDiscord('*as written*')).toBe('*as written*');
  });
});

describe('formatDiscordMessage', () => {
  it('puts the text before {~} in the content and the rest in a coloured embed', () => {
    expect(formatDiscordMessage({ text: 'Done{~}exit 0', status: 'failed', ref: '01J9' })).toEqual({
      content: 'Done',
      embeds: [{ description: 'exit 0', color: 0xe01e5a, footer: { text: '01J9' } }],
    });
  });

  it('cuts over-long content and embeds within Discord limits, naming the execution', () => {
    const m = formatDiscordMessage({ text: `${'a'.repeat(3000)}{~}${'b'.repeat(5000)}`, ref: '01J9' });
    expect(m.content.length).toBeLessThanOrEqual(CONTENT_MAX);
    expect(m.content).toMatch(/see execution 01J9\)$/);
    expect(m.embeds![0]!.description.length).toBeLessThanOrEqual(EMBED_DESCRIPTION_MAX);
  });

  it('closes a code fence it cut open', () => {
    const m = formatDiscordMessage({ text: `\`\`\`\n${'x\n'.repeat(1500)}\`\`\``, ref: 'r' });
    expect(m.content.length).toBeLessThanOrEqual(CONTENT_MAX);
    expect((m.content.match(/```/g) ?? []).length % 2).toBe(0);
  });
});

describe('confirmButtons / parseButton', () => {
  it('reads back the execution id and code of each button', () => {
    const row = confirmButtons('01J9ZABC', '482113') as { components: { custom_id: string }[] }[];
    const [yes, no] = row[0]!.components;
    expect(parseButton(yes!.custom_id)).toEqual({ refuse: false, executionId: '01J9ZABC', code: '482113' });
    expect(parseButton(no!.custom_id)).toEqual({ refuse: true, executionId: '01J9ZABC', code: '482113' });
  });

  it.each(['', 'sb_confirm:01J9', 'other:01J9:1', 'sb_confirm:01J9:12a', 'sb_confirm:a/b:1'])('ignores %j', (id) => {
    expect(parseButton(id)).toBeUndefined();
  });
});
