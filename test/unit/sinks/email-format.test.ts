import { describe, expect, it } from 'vitest';
import { formatEmail, replySubject, textToHtml } from '../../../src/providers/email/format.ts';
import type { OutboundMessage } from '../../../src/sinks/sink.ts';

const base: OutboundMessage = { id: 'd1', channel: 'email', subject: 'ops.restart failed', text: 'Failed{~}exit 1', data: {} };

describe('replySubject', () => {
  it.each([
    ['restart web', 'Re: restart web'],
    ['Re: restart web', 'Re: restart web'],
    ['RE: restart web', 'RE: restart web'],
    ['  re:x', 're:x'],
  ])('%s -> %s', (input, out) => expect(replySubject(input)).toBe(out));
});

describe('textToHtml', () => {
  it('escapes HTML and turns fences into <pre> and paragraphs into <p>', () => {
    expect(textToHtml('a <b>\nc\n\n```\n<x> & y\n```')).toBe('<p>a &lt;b&gt;<br>c</p>\n<pre style="font-family:monospace">&lt;x&gt; &amp; y</pre>');
  });
});

describe('formatEmail', () => {
  it('keeps the subject and sets no threading headers for a new message', () => {
    const e = formatEmail(base, 'Switchboard <sb@example.com>');
    expect(e.subject).toBe('ops.restart failed');
    expect(e.inReplyTo).toBeUndefined();
    expect(e.text).toBe('Failed\n\nexit 1');
    expect(e.messageId).toMatch(/^<sb\.[0-9a-f]{32}@example\.com>$/);
    expect(formatEmail(base, 'sb@example.com').messageId).toBe(e.messageId);
  });

  it('replies in the thread: Re: subject, In-Reply-To and References ending with the parent', () => {
    const e = formatEmail(
      { ...base, replyTo: { message_id: '<m2@mail.test>', references: '<m0@mail.test> <m1@mail.test>', subject: 'restart web' } },
      'sb@example.com',
    );
    expect(e.subject).toBe('Re: restart web');
    expect(e.inReplyTo).toBe('<m2@mail.test>');
    expect(e.references).toEqual(['<m0@mail.test>', '<m1@mail.test>', '<m2@mail.test>']);
  });

  it('adds angle brackets to a bare message id', () => {
    const e = formatEmail({ ...base, replyTo: { message_id: 'm2@mail.test' } }, 'sb@example.com');
    expect(e.inReplyTo).toBe('<m2@mail.test>');
    expect(e.subject).toBe('Re: ops.restart failed');
  });
});
