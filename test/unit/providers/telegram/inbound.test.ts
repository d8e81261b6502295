import { describe, expect, it } from 'vitest';
import { commandText, parseUpdate } from '../../../../src/providers/telegram/inbound.ts';
import { formatTelegramHtml } from '../../../../src/providers/telegram/render.ts';
import { parseTelegramHtml } from '../../../../src/providers/telegram/fake.ts';
import { verifyTelegramSecret } from '../../../../src/providers/telegram/verify.ts';

const o = { botUsername: 'OpsBot', botId: '700', botNames: ['sb', 'switchboard'] };

describe('commandText', () => {
  it.each([
    ['/sb restart web', 'group', 'restart web'],
    ['/sb@OpsBot restart web', 'supergroup', 'restart web'],
    ['/SB@opsbot status', 'group', 'status'],
    ['@OpsBot: status', 'group', 'status'],
    ['restart web', 'private', 'restart web'],
    ['/start', 'private', 'help'],
    ['/help@OpsBot', 'group', 'help'],
    ['/sb@OtherBot restart web', 'group', undefined],
    ['/help', 'group', undefined],
    ['hello all', 'group', undefined],
  ])('%s in a %s chat -> %s', (text, type, want) => {
    expect(commandText(text, type, false, o)).toBe(want);
  });

  it('takes a reply to the bot in a group as addressed to it', () => {
    expect(commandText('YES 482113', 'group', true, o)).toBe('YES 482113');
  });
});

describe('parseUpdate', () => {
  const msg = (extra: Record<string, unknown>) => ({
    update_id: 9,
    message: { message_id: 3, from: { id: 42 }, chat: { id: -100, type: 'supergroup' }, text: '/sb status', ...extra },
  });
  it('reads a command with its chat, message and topic', () => {
    expect(parseUpdate(msg({ is_topic_message: true, message_thread_id: 77 }), o)).toEqual({
      kind: 'command',
      updateId: 9,
      text: 'status',
      sender: '42',
      chatId: '-100',
      messageId: '3',
      threadId: '77',
    });
  });
  it('ignores bots, edits and non-updates', () => {
    expect(parseUpdate(msg({ from: { id: 5, is_bot: true } }), o).kind).toBe('ignored');
    expect(parseUpdate({ update_id: 1, edited_message: {} }, o).kind).toBe('ignored');
    expect(parseUpdate({ hello: 1 }, o).kind).toBe('ignored');
  });
  it('counts a reply to another bot as not addressed to this one', () => {
    expect(parseUpdate(msg({ text: 'status', reply_to_message: { from: { id: 800, is_bot: true } } }), o).kind).toBe('ignored');
    expect(parseUpdate(msg({ text: 'status', reply_to_message: { from: { id: 700, is_bot: true } } }), o).kind).toBe('command');
  });
  it('reads our buttons only', () => {
    const q = (data: string) => ({ update_id: 2, callback_query: { id: 'q1', from: { id: 42 }, data } });
    expect(parseUpdate(q('sb:y:01J9ABC:482113'), o)).toEqual({
      kind: 'button',
      updateId: 2,
      queryId: 'q1',
      sender: '42',
      confirm: true,
      executionId: '01J9ABC',
      code: '482113',
    });
    expect(parseUpdate(q('other'), o).kind).toBe('ignored');
  });
});

describe('formatTelegramHtml', () => {
  it('escapes everything and adds only <pre>, which Telegram parses back to the text', () => {
    const html = formatTelegramHtml('<a href="x">&amp;</a> done{~}```\nout <1>\n```', '01J9');
    expect(html).toBe('&lt;a href="x"&gt;&amp;amp;&lt;/a&gt; done\n<pre>out &lt;1&gt;</pre>');
    expect(parseTelegramHtml(html)).toEqual({ text: '<a href="x">&amp;</a> done\nout <1>' });
  });
  it('cuts past 4096 visible characters at a line end and says where the rest is', () => {
    const html = formatTelegramHtml(Array.from({ length: 800 }, (_, i) => `line ${i} <&>`).join('\n'), '01J9');
    const parsed = parseTelegramHtml(html) as { text: string };
    expect(parsed.text.length).toBeLessThanOrEqual(4096);
    expect(parsed.text).toMatch(/line \d+ <&>\n… \(cut; the whole output is in execution 01J9\)$/);
  });
});

describe('verifyTelegramSecret', () => {
  it('accepts the exact token only', () => {
    expect(verifyTelegramSecret('abc_DEF-1', 'abc_DEF-1')).toBe(true);
    expect(verifyTelegramSecret('abc_DEF-1', 'abc_DEF-2')).toBe(false);
    expect(verifyTelegramSecret('abc_DEF-1', 'abc_DEF-1 ')).toBe(false);
    expect(verifyTelegramSecret('abc_DEF-1', undefined)).toBe(false);
    expect(verifyTelegramSecret('abc_DEF-1', '')).toBe(false);
  });
});
