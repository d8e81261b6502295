import { describe, expect, it } from 'vitest';
import { mattermostChannel, type MattermostChannel } from '../../../src/providers/mattermost/manifest.ts';
import { parseMattermostRequest, withoutTriggerWord } from '../../../src/providers/mattermost/inbound.ts';
import { outcomeReply } from '../../../src/providers/mattermost/replies.ts';
import { fitPost, formatMattermostPost, POST_LIMIT, rateLimitWait } from '../../../src/providers/mattermost/sink.ts';
import { escapeMattermost } from '../../../src/providers/mattermost/text.ts';
import { presentedTokens, sameSecret, verifyMattermostToken } from '../../../src/providers/mattermost/verify.ts';
import { SignatureError } from '../../../src/auth/signature-error.ts';
import { escapeMarked, markValue } from '../../../src/templates/marks.ts';

const Z = '\u200B';

describe('escapeMattermost', () => {
  it.each([
    ['@channel deploy now', `@${Z}channel deploy now`],
    ['ping @all and @here', `ping @${Z}all and @${Z}here`],
    ['cc @bob.smith', `cc @${Z}bob.smith`],
    ['[docs](https://evil.example)', `[docs]${Z}(https://evil.example)`],
    ['![x](https://track.example/p.png)', `![x]${Z}(https://track.example/p.png)`],
    ['[ref]: https://evil.example', `[ref]${Z}: https://evil.example`],
    ['mail alice@example.com', 'mail alice@example.com'],
    ['(@here)', `(@${Z}here)`],
    ['plain text, a lone @ and ] ( stay', 'plain text, a lone @ and ] ( stay'],
  ])('makes %j inert', (input, out) => {
    expect(escapeMattermost(input)).toBe(out);
  });

  it("escapes only the marked values; the template's own Markdown stays as written", () => {
    const message = `@here **${markValue('@channel [x](https://e.example)')}** done`;
    expect(escapeMarked(message, escapeMattermost)).toBe(`@here **@${Z}channel [x]${Z}(https://e.example)** done`);
  });
});

describe('verifyMattermostToken', () => {
  const channel = (name: string, o: Partial<MattermostChannel>) =>
    mattermostChannel.parse({ name, kind: 'mattermost', api_url: 'https://chat.example.com', token: 'bot', ...o });
  const a = channel('a', { command_token: 'tok-a', outgoing_token: 'out-a' });
  const b = channel('b', { command_token: 'tok-b' });

  it('finds the channel whose token every presented token equals', () => {
    expect(verifyMattermostToken([a, b], 'command_token', ['tok-b', 'tok-b']).name).toBe('b');
    expect(verifyMattermostToken([a, b], 'outgoing_token', ['out-a']).name).toBe('a');
  });

  it.each([
    { name: 'no token', tokens: [], code: 'signature_missing' },
    { name: 'a wrong token', tokens: ['tok-c'], code: 'signature_mismatch' },
    { name: 'a header and a field that disagree', tokens: ['tok-a', 'tok-b'], code: 'signature_mismatch' },
    { name: 'the other kind of token', tokens: ['out-a'], code: 'signature_mismatch' },
  ])('refuses $name', ({ tokens, code }) => {
    try {
      verifyMattermostToken([a, b], 'command_token', tokens);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SignatureError);
      expect((err as SignatureError).code).toBe(code);
      expect((err as Error).message).not.toMatch(/tok-/);
    }
  });

  it('reads `Authorization: Token` and the field', () => {
    expect(presentedTokens('Token abc', 'abc')).toEqual(['abc', 'abc']);
    expect(presentedTokens('Bearer abc', '')).toEqual([]);
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });
});

describe('parseMattermostRequest / withoutTriggerWord', () => {
  it('needs user_id and channel_id', () => {
    expect(parseMattermostRequest({ user_id: 'u', text: 'x' })).toBeUndefined();
    expect(parseMattermostRequest({ user_id: 'u', channel_id: 'c', trigger_id: 't', extra: 1 })).toEqual({
      user_id: 'u',
      channel_id: 'c',
      text: '',
      trigger_id: 't',
    });
  });

  it('removes the trigger word, whatever its case', () => {
    expect(withoutTriggerWord('SB restart web', 'sb')).toBe(' restart web');
    expect(withoutTriggerWord('restart web', 'sb')).toBe('restart web');
  });
});

describe('outcomeReply', () => {
  it('quotes what the sender typed without mentions or an early end of the code span', () => {
    expect(outcomeReply({ kind: 'none', text: '`@channel` x', suggestions: [] }, null)).toBe(`No command matches \`'@${Z}channel' x\`. Try \`help\`.`);
  });
});

describe('formatMattermostPost', () => {
  it("makes StackStorm's {~} split an attachment and threads a reply", () => {
    expect(formatMattermostPost({ text: 'Failed{~}exit 1', channelId: 'c1', rootId: 'r1', status: 'failed' })).toEqual({
      channel_id: 'c1',
      root_id: 'r1',
      message: '',
      props: { attachments: [{ fallback: 'Failed', pretext: 'Failed', text: 'exit 1', color: '#d24b4e' }] },
    });
  });

  it("cuts a post beyond Mattermost's limit at a line end, closing an open code fence, and says so", () => {
    const long = `\`\`\`\n${'line of output\n'.repeat(2000)}\`\`\``;
    const fitted = fitPost(long);
    expect(fitted.length).toBeLessThanOrEqual(POST_LIMIT);
    expect(fitted.endsWith(`line of output\n\`\`\`\n_(cut: ${long.length.toLocaleString('en-US')} characters in all)_`)).toBe(true);
  });
});

describe('rateLimitWait', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it('takes Retry-After first, else X-Ratelimit-Reset (seconds, or an epoch second)', () => {
    expect(rateLimitWait(h({ 'retry-after': '3', 'x-ratelimit-reset': '9' }))).toBe(3000);
    expect(rateLimitWait(h({ 'x-ratelimit-reset': '2' }))).toBe(2000);
    expect(rateLimitWait(h({ 'x-ratelimit-reset': '2000000010' }), 2_000_000_000_000)).toBe(10_000);
    expect(rateLimitWait(h({}))).toBeUndefined();
  });
});
