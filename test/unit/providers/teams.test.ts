import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commandText, parseActivity } from '../../../src/providers/teams/inbound.ts';
import { adaptiveCardMessage, deliveryMarkdown, escapeTeamsMarkdown } from '../../../src/providers/teams/render.ts';
import { signTeamsBody, verifyTeamsHmac } from '../../../src/providers/teams/verify.ts';
import { markValue } from '../../../src/templates/marks.ts';

const token = randomBytes(32).toString('base64');

describe('verifyTeamsHmac', () => {
  const body = '{"type":"message","text":"<at>sb</at> ping"}';
  it('accepts base64(HMAC-SHA256(base64-decoded token, raw body)) as Microsoft documents it', () => {
    // computed here independently of signTeamsBody, the way Microsoft's sample does
    const digest = createHmac('sha256', Buffer.from(token, 'base64')).update(Buffer.from(body, 'utf8')).digest('base64');
    expect(verifyTeamsHmac(token, `HMAC ${digest}`, body)).toBe(true);
    expect(signTeamsBody(token, body)).toBe(`HMAC ${digest}`);
  });
  it.each([
    ['another body', () => signTeamsBody(token, `${body} `)],
    ['another token', () => signTeamsBody(randomBytes(32).toString('base64'), body)],
    ['the token itself as the key (not decoded)', () => `HMAC ${createHmac('sha256', token).update(body).digest('base64')}`],
    ['another scheme', () => signTeamsBody(token, body).replace('HMAC', 'Bearer')],
    ['nothing', () => undefined],
    ['a truncated digest', () => signTeamsBody(token, body).slice(0, 20)],
  ])('refuses a signature over %s', (_, header) => {
    expect(verifyTeamsHmac(token, header(), body)).toBe(false);
  });
});

describe('parseActivity', () => {
  it('reads the sender as aadObjectId, else from.id', () => {
    const a = parseActivity({
      type: 'message',
      id: '1',
      timestamp: '2026-01-01T00:00:00Z',
      text: 'x',
      from: { id: '29:1a', aadObjectId: 'aad-1' },
      conversation: { id: '19:c' },
    });
    expect(a).toMatchObject({ id: '1', sender: 'aad-1', conversationId: '19:c', timestamp: new Date('2026-01-01T00:00:00Z') });
    expect(parseActivity({ type: 'message', id: '1', from: { id: '29:1a' }, conversation: { id: '19:c' } })).toMatchObject({ sender: '29:1a' });
  });
  it('names what is missing', () => {
    expect(parseActivity({ type: 'conversationUpdate' })).toEqual({ error: 'activity type "conversationUpdate" is not handled (only "message")' });
    expect(parseActivity({ type: 'message', id: '1', conversation: { id: 'c' } })).toEqual({ error: 'the activity has no `from.id`' });
  });
});

describe('commandText', () => {
  it.each([
    ['<at>Switchboard</at> restart web', 'restart web'],
    ['<at>Switchboard</at>&nbsp;say a &amp; b', 'say a & b'],
    ['<p><at>Switchboard</at> deploy <b>api</b></p>', 'deploy api'],
    ['<at>Switchboard</at> say <at>Bob</at> hi', 'say Bob hi'],
    ['  <at>Switchboard</at>  ', ''],
  ])('%j -> %j', (input, expected) => {
    expect(commandText(input)).toBe(expected);
  });
});

describe('escapeTeamsMarkdown', () => {
  it('shows a typed link as typed', () => {
    expect(escapeTeamsMarkdown('[x](https://evil.example) **b**')).toBe('\\[x\\]\\(https://evil.example\\) \\*\\*b\\*\\*');
  });
});

describe('deliveryMarkdown', () => {
  it("escapes the values and keeps the template's own Markdown", () => {
    const marked = `**Done**: ${markValue('[x](https://evil.example)')}`;
    expect(deliveryMarkdown({ subject: 's', text: '**Done**: [x](https://evil.example)', marked })).toBe('**Done**: \\[x\\]\\(https://evil.example\\)');
  });
});

describe('adaptiveCardMessage', () => {
  it('is the Workflows message shape with one Adaptive Card 1.4', () => {
    const m = adaptiveCardMessage({ subject: 'ops.say succeeded', markdown: 'said hi', reference: '01J9' });
    expect(m.type).toBe('message');
    expect(m.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(m.attachments[0]!.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(m.attachments[0]!.content.body.map((b) => b.text)).toEqual(['ops.say succeeded', 'said hi']);
  });
});
