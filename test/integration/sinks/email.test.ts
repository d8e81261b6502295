import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emailSink } from '../../../src/providers/email/sink.ts';
import type { Sink } from '../../../src/sinks/sink.ts';
import { startSmtpCapture, type SmtpCapture } from '../../../src/providers/email/fake.ts';
import { sampleMessage, sinkFailure, testDeps } from './helpers.ts';

describe('emailSink', () => {
  let smtp: SmtpCapture;
  let sink: Sink;
  const signal = () => new AbortController().signal;
  const settings = (port: number, pass = 'smtp-pass-123') =>
    emailSink.settings.parse({
      name: 'email-ops',
      kind: 'email',
      from: 'Switchboard <sb@sb.test>',
      default_target: 'oncall@example.com',
      smtp: { host: '127.0.0.1', port, ignore_tls: true, auth: { user: 'sb', pass } },
    });
  beforeEach(async () => {
    smtp = await startSmtpCapture({ user: 'sb', pass: 'smtp-pass-123' });
    sink = emailSink.create(settings(smtp.port), testDeps());
  });
  afterEach(async () => {
    await sink.close?.();
    await smtp.close();
  });

  it('sends subject, a text part and an HTML part', async () => {
    const m = sampleMessage({ text: 'Restart of web failed{~}exit 1 <code>' });
    const r = await sink.send(m, signal());
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.envelope).toEqual({ from: 'sb@sb.test', to: ['oncall@example.com'] });
    expect(mail.parsed.subject).toBe('ops.restart failed');
    expect(mail.parsed.text?.trim()).toBe('Restart of web failed\n\nexit 1 <code>');
    expect(mail.parsed.html).toContain('<pre style="font-family:monospace">exit 1 &lt;code&gt;</pre>');
    expect(mail.parsed.headers.get('x-switchboard-delivery')).toBe(m.id);
    expect(r.externalId).toBe(mail.parsed.messageId);
    expect(mail.parsed.inReplyTo).toBeUndefined();
  });

  it('replies in the thread: In-Reply-To, References and a Re: subject', async () => {
    await sink.send(
      sampleMessage({
        target: 'alice@example.com',
        replyTo: { message_id: '<cmd-2@mail.example.com>', references: '<cmd-1@mail.example.com>', subject: 'restart web' },
      }),
      signal(),
    );
    const mail = smtp.mails[0]!;
    expect(mail.envelope.to).toEqual(['alice@example.com']);
    expect(mail.parsed.subject).toBe('Re: restart web');
    expect(mail.parsed.inReplyTo).toBe('<cmd-2@mail.example.com>');
    expect(mail.parsed.references).toEqual(['<cmd-1@mail.example.com>', '<cmd-2@mail.example.com>']);
  });

  it('treats a 4xx reply as transient and a 5xx reply as permanent', async () => {
    smtp.rejectNext(1, 452, '4.2.2 Mailbox full, try later');
    const transient = await sinkFailure(sink.send(sampleMessage(), signal()));
    expect(transient.retryable).toBe(true);
    smtp.rejectNext(1, 550, '5.1.1 No such user');
    const permanent = await sinkFailure(sink.send(sampleMessage(), signal()));
    expect([permanent.retryable, permanent.reason]).toEqual([false, 'invalid_target']);
  });

  it('fails for good on rejected credentials, without the password in the error', async () => {
    const bad = emailSink.create(settings(smtp.port, 'wrong-pass-999'), testDeps());
    const err = await sinkFailure(bad.send(sampleMessage(), signal()));
    expect([err.reason, err.retryable]).toEqual(['auth_error', false]);
    expect(err.message).not.toContain('wrong-pass-999');
    await bad.close?.();
  });

  it('retries when the server cannot be reached', async () => {
    const port = smtp.port;
    await smtp.close();
    const down = emailSink.create(settings(port), testDeps());
    const err = await sinkFailure(down.send(sampleMessage(), signal()));
    expect([err.reason, err.retryable]).toEqual(['network', true]);
    smtp = await startSmtpCapture();
  });
});
