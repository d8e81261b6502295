import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertRef } from '../../../src/notify/types.ts';
import { startSmtpCapture, type SmtpCapture } from '../../../src/providers/email/fake.ts';
import { emailSink } from '../../../src/providers/email/sink.ts';
import { startTwilioFake, type TwilioFake } from '../../../src/providers/sms/fake.ts';
import { smsSink } from '../../../src/providers/sms/sink.ts';
import { messageJson, type Sink } from '../../../src/sinks/sink.ts';
import { sampleMessage, testDeps } from './helpers.ts';

const alert = (status: AlertRef['status'], over: Partial<AlertRef> = {}): AlertRef => ({
  id: 'al1',
  code: '4821',
  fingerprint: 'f00dfeed',
  status,
  channel: 'am-prod',
  ...over,
});
const signal = () => new AbortController().signal;
const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('emailSink conversations', () => {
  let smtp: SmtpCapture;
  let sink: Sink;
  beforeEach(async () => {
    smtp = await startSmtpCapture({ user: 'sb', pass: 'smtp-pass-123' });
    sink = emailSink.create(
      emailSink.settings.parse({
        name: 'email-ops',
        kind: 'email',
        from: 'Switchboard <sb@sb.test>',
        default_target: 'oncall@example.com',
        smtp: { host: '127.0.0.1', port: smtp.port, ignore_tls: true, auth: { user: 'sb', pass: 'smtp-pass-123' } },
      }),
      testDeps(),
    );
  });
  afterEach(async () => {
    await sink.close?.();
    await smtp.close();
  });

  it('threads the follow-ups under the first message: In-Reply-To, References and Re: subject', async () => {
    const firing = sampleMessage({ subject: '[FIRING] HighLatency', text: 'HighLatency on web-1', alert: alert('firing'), thread: 'alert:al1' });
    await sink.send(firing, signal());
    await sink.send(firing, signal()); // a retry of the first delivery is still the first
    await sink.send(
      sampleMessage({ subject: '[RESOLVED] HighLatency', text: 'HighLatency resolved', alert: alert('resolved'), thread: 'alert:al1' }),
      signal(),
    );

    const [first, retry, resolved] = smtp.mails.map((m) => m.parsed);
    expect(first?.messageId).toMatch(/^<thread-[0-9a-f]{32}@sb\.test>$/);
    expect(retry?.messageId).toBe(first?.messageId);
    expect(first?.inReplyTo).toBeUndefined();
    expect(first?.text).toContain('Reply ACK 4821 or SILENCE 4821 2h');

    expect(resolved?.subject).toBe('Re: [FIRING] HighLatency');
    expect(resolved?.inReplyTo).toBe(first?.messageId);
    expect(asList(resolved?.references)).toEqual([first?.messageId]);
    expect(resolved?.messageId).not.toBe(first?.messageId);
    expect(resolved?.text).not.toContain('Reply ACK');
  });

  it('starts one thread per recipient', async () => {
    await sink.send(sampleMessage({ target: 'alice@example.com', alert: alert('firing'), thread: 'alert:al1' }), signal());
    await sink.send(sampleMessage({ target: 'bob@example.com', alert: alert('firing'), thread: 'alert:al1' }), signal());
    const [a, b] = smtp.mails.map((m) => m.parsed);
    expect(a?.inReplyTo).toBeUndefined();
    expect(b?.inReplyTo).toBeUndefined();
    expect(a?.messageId).not.toBe(b?.messageId);
  });

  it('does not repeat the answer line a template already wrote', async () => {
    await sink.send(sampleMessage({ text: 'HighLatency. Answer ACK 4821 to acknowledge.', alert: alert('firing'), thread: 'alert:al1' }), signal());
    expect(smtp.mails[0]?.parsed.text?.match(/ACK 4821/g)).toHaveLength(1);
  });
});

describe('smsSink conversations', () => {
  const SID = `AC${'2'.repeat(32)}`;
  let twilio: TwilioFake;
  beforeEach(async () => {
    twilio = await startTwilioFake({ accountSid: SID, authToken: 'tok-2' });
  });
  afterEach(() => twilio.close());
  const make = (over: Record<string, unknown>, deps = testDeps()) =>
    smsSink.create(smsSink.settings.parse({ name: 'sms', kind: 'sms', account_sid: SID, auth_token: 'tok-2', api_url: twilio.url, ...over }), deps);

  it('sends a firing alert with its answer line, and keeps it when the text must be cut', async () => {
    const sink = make({ from: '+15550001111', segment_budget: 1 });
    await sink.send(sampleMessage({ target: '+15551230001', text: 'HighLatency on web-1', alert: alert('firing'), thread: 'alert:al1' }), signal());
    expect(twilio.messages[0]?.body).toBe('HighLatency on web-1\n\nReply ACK 4821 or SILENCE 4821 2h');
    await sink.send(sampleMessage({ target: '+15551230001', text: 'x '.repeat(200), alert: alert('firing', { code: '7777' }), thread: 'alert:al9' }), signal());
    expect(twilio.messages[1]?.body.startsWith('Reply ACK 7777 or SILENCE 7777 2h\n')).toBe(true);
    expect(twilio.messages[1]?.body.length).toBeLessThanOrEqual(160);
    // the alert's own message already ends with the line: moved to the front, not repeated
    const long = `FIRING: DiskFull ${'y '.repeat(120)}\nReply ACK 5555 or SILENCE 5555 2h`;
    await sink.send(sampleMessage({ target: '+15551230001', text: long, alert: alert('firing', { code: '5555' }), thread: 'alert:al8' }), signal());
    expect(twilio.messages[2]?.body.startsWith('Reply ACK 5555 or SILENCE 5555 2h\nFIRING: DiskFull')).toBe(true);
    expect(twilio.messages[2]?.body.match(/ACK 5555/g)).toHaveLength(1);
  });

  it('sends the follow-ups of a conversation from the number the first message went from', async () => {
    const deps = testDeps();
    const sink = make({ from: '+15550001111', messaging_service_sid: 'MG123' }, deps);
    // the first message went from a pool number (as Twilio's answer names it); remember it as the fake cannot pick one
    await deps.state.set('thread:alert:al1:+15551230001', '+15550002222');
    await sink.send(sampleMessage({ target: '+15551230001', text: 'resolved', alert: alert('resolved'), thread: 'alert:al1' }), signal());
    expect(twilio.messages[0]).toMatchObject({ from: '+15550002222', messagingServiceSid: 'MG123', body: 'resolved' });
  });

  it('remembers the sender of the first message per recipient', async () => {
    const deps = testDeps();
    const sink = make({ from: '+15550001111' }, deps);
    await sink.send(sampleMessage({ target: '+15551230001', alert: alert('firing'), thread: 'alert:al1' }), signal());
    expect(await deps.state.get('thread:alert:al1:+15551230001')).toBe('+15550001111');
    expect(await deps.state.get('thread:alert:al1:+15551230002')).toBeUndefined();
  });
});

describe('messageJson', () => {
  it('carries the alert and the thread key', () => {
    const m = sampleMessage({ alert: alert('firing'), thread: 'alert:al1' });
    expect(messageJson(m, undefined)).toMatchObject({ alert: { code: '4821', status: 'firing' }, thread: 'alert:al1' });
    expect(messageJson(sampleMessage(), undefined)).not.toHaveProperty('alert');
  });
});
