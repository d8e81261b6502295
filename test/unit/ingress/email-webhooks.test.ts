import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractEmailCommand } from '../../../src/providers/email/command.ts';
import { parseWebhookForm } from '../../../src/providers/email/form.ts';
import { headerFromBlock, mailgunMail, postmarkMail, sendgridMail } from '../../../src/providers/email/webhook-providers.ts';
import { checkBasicAuth, signMailgun, verifyMailgunSignature } from '../../../src/providers/email/webhook-auth.ts';
import { forChannel } from '../../../src/providers/email/webhooks.ts';
import { headerFrom } from '../../../src/providers/email/sender.ts';
import { judgeProviderAuth } from '../../../src/providers/email/verify.ts';
import { payloadsDir } from '../../corpus.ts';

const CORPUS = payloadsDir;

/** A captured HTTP request: its Content-Type and the raw body bytes. */
function capture(file: string): { contentType: string; body: Buffer } {
  const bytes = readFileSync(join(CORPUS, file));
  if (file.endsWith('.multipart')) return { contentType: 'multipart/form-data; boundary=xYzZY', body: bytes };
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  const [end, sep] = crlf !== -1 && (lf === -1 || crlf < lf) ? [crlf, 4] : [lf, 2];
  const head = bytes.subarray(0, end).toString('latin1');
  return { contentType: /^content-type:\s*(.*)$/im.exec(head)![1]!.trim(), body: bytes.subarray(end + sep) };
}
const form = (file: string) => {
  const c = capture(file);
  return parseWebhookForm(c.body, c.contentType);
};

describe('mailgunMail (corpus captures)', () => {
  it('reads a multipart capture', () => {
    const m = mailgunMail(form('mailgun-inbound-multimail-parsed-valid.http'));
    expect(m.spam).toBe(false);
    expect(m.recipients).toEqual(['foo+bar@multimail.mailgun.org']);
    const cmd = extractEmailCommand(m.fields);
    expect(cmd).toMatchObject({
      sender: 'james@opennorth.ca',
      text: 'bold text',
      subject: 'Test',
      messageId: '<E102015D-F580-4316-81FA-7324838A3AE8@opennorth.ca>',
    });
  });

  it('reads a urlencoded capture with the raw MIME', () => {
    const m = mailgunMail(form('mailgun-inbound-multimail-raw-valid.form.http'));
    expect(m.raw).toMatch(/^Received: by luna\.mailgun\.net/);
    expect(m.providerId).toBe('5o56tmpwd3dnwthehwclemd-i-7u2gv9vb3u745ywj67d0mc87');
  });

  it('sees the spam flag', () => {
    expect(mailgunMail(form('mailgun-inbound-multimail-parsed-spam.http')).spam).toBe(true);
  });
});

describe('verifyMailgunSignature', () => {
  const key = 'key-test-signing';
  const now = 1_700_000_000_000;
  const ts = String(now / 1000);

  it('accepts a signature made with the key', () => {
    expect(verifyMailgunSignature({ timestamp: ts, token: 'tok', signature: signMailgun(key, ts, 'tok') }, key, now)).toEqual({ ok: true });
  });

  it("verifies the corpus's own signature with the right key only", () => {
    const f = form('mailgun-inbound-multimail-parsed-invalid-signature.http');
    const fields = { timestamp: f.get('timestamp'), token: f.get('token'), signature: f.get('signature') };
    expect(verifyMailgunSignature(fields, key, Number(fields.timestamp) * 1000)).toEqual({ ok: false, reason: 'signature' });
  });

  it.each([
    ['a wrong key', { timestamp: ts, token: 'tok', signature: signMailgun('other', ts, 'tok') }, 'signature'],
    ['a stale timestamp', { timestamp: String(now / 1000 - 301), token: 'tok', signature: signMailgun(key, String(now / 1000 - 301), 'tok') }, 'stale'],
    ['a future timestamp', { timestamp: String(now / 1000 + 301), token: 'tok', signature: signMailgun(key, String(now / 1000 + 301), 'tok') }, 'stale'],
    ['no signature', { timestamp: ts, token: 'tok' }, 'missing'],
    ['a short signature', { timestamp: ts, token: 'tok', signature: 'ab' }, 'signature'],
  ])('refuses %s', (_name, fields, reason) => {
    expect(verifyMailgunSignature(fields, key, now)).toEqual({ ok: false, reason });
  });
});

describe('checkBasicAuth', () => {
  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  it.each([
    [basic('pm:secret'), 'pm:secret', true],
    [basic('pm:wrong'), 'pm:secret', false],
    [undefined, 'pm:secret', false],
    [basic('pm:secret'), undefined, false],
    ['Bearer x', 'pm:secret', false],
  ])('%s vs %s = %s', (h, cfg, ok) => expect(checkBasicAuth(h, cfg)).toBe(ok));
});

describe('postmarkMail (corpus)', () => {
  const json = (file: string) => {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    return JSON.parse(file.endsWith('.http') ? text.slice(text.indexOf('\n\n') + 2) : text) as unknown;
  };

  it('reads a capture, quotes and signature stripped', () => {
    const m = postmarkMail(json('postmark-inbound-multimail-valid.http'));
    expect(m.spam).toBe(false);
    expect(m.providerId).toBe('e27500eb-142e-4ca0-8529-e32ffd9931d6');
    expect(extractEmailCommand(m.fields)).toMatchObject({ sender: 'james@opennorth.ca', text: 'bold text', subject: 'Test' });
  });

  it('sees X-Spam-Status: Yes', () => {
    expect(postmarkMail(json('postmark-inbound-multimail-spam.http')).spam).toBe(true);
  });

  it.each([
    ['postmark-inbound-2012.json', 'bob@bob.com', 'This is awesome!'],
    ['postmark-inbound-2017.json', 'john@example.com', '[ASCII]'],
    ['postmark-inbound-php-fixture.json', 'myuser@theirdomain.com', '[ASCII]'],
  ])('reads %s', (file, sender, text) => {
    expect(extractEmailCommand(postmarkMail(json(file)).fields)).toMatchObject({ sender, text });
  });

  it("takes the mail's own Message-ID from its headers", () => {
    expect(postmarkMail(json('postmark-inbound-2017.json')).fields.messageId).toMatch(/^<test-message-id@/);
  });
});

describe('sendgridMail (corpus)', () => {
  it('reads a parsed capture, quotes stripped', () => {
    const m = sendgridMail(form('sendgrid-inbound-multimail-valid.http'));
    expect(m.spam).toBe(false);
    expect(m.recipients).toEqual(['foo+bar@parolecitoyenne.com']);
    expect(extractEmailCommand(m.fields)).toMatchObject({
      sender: 'james@opennorth.ca',
      text: 'bold text',
      messageId: '<D0AB77C1-A89D-4D9E-A207-5E20A6D36BEF@opennorth.ca>',
    });
  });

  it('decodes each field with the charset SendGrid names', () => {
    const m = sendgridMail(form('sendgrid-inbound-multimail-encoding-windows1252.http'));
    expect(m.fields.subject).toBe('Hello €');
    expect(m.fields.text).toBe('World €');
  });

  it.each([['sendgrid-inbound-parsed.multipart', 'Hello Twilio SendGrid!']])('reads %s (LF line ends)', (file, text) => {
    expect(extractEmailCommand(sendgridMail(form(file)).fields)).toMatchObject({ sender: 'test@example.com', text });
  });

  it.each(['sendgrid-inbound-raw.multipart', 'sendgrid-inbound-raw-attachments.multipart'])('keeps the raw MIME of %s', (file) => {
    expect(sendgridMail(form(file)).raw).toMatch(/^MIME-Version: 1.0/);
  });

  it('treats a high spam_score as spam', () => {
    const body = Buffer.from('--b\r\nContent-Disposition: form-data; name="spam_score"\r\n\r\n7.5\r\n--b--\r\n');
    expect(sendgridMail(parseWebhookForm(body, 'multipart/form-data; boundary=b')).spam).toBe(true);
  });

  it('reads headers from the header block', () => {
    expect(headerFromBlock('Subject: a\r\nMessage-Id:\r\n <x@y>\r\n', 'message-id')).toBe('<x@y>');
  });
});

describe("providers' sender verdicts (corpus captures)", () => {
  const urlencoded = (fields: [string, string][]) => parseWebhookForm(Buffer.from(new URLSearchParams(fields).toString()), 'application/x-www-form-urlencoded');
  const mailgunPost = (spf: string[], headerSpf: string[]) =>
    mailgunMail(
      urlencoded([
        ['recipient', 'ops@sb.test'],
        ['sender', 'alice@example.test'],
        ['from', 'Alice <alice@example.test>'],
        ...spf.map((v): [string, string] => ['X-Mailgun-Spf', v]),
        ['message-headers', JSON.stringify([['From', 'Alice <alice@example.test>'], ...headerSpf.map((v) => ['X-Mailgun-Spf', v])])],
      ]),
    );

  it('reads Mailgun, Postmark and SendGrid verdicts of a genuine mail as verified', () => {
    for (const m of [
      mailgunMail(form('mailgun-inbound-multimail-parsed-valid.http')),
      postmarkMail(JSON.parse(capture('postmark-inbound-multimail-valid.http').body.toString('utf8'))),
      sendgridMail(form('sendgrid-inbound-multimail-valid.http')),
    ]) {
      expect(m.from).toEqual({ address: 'james@opennorth.ca', ambiguous: false });
      expect(judgeProviderAuth(m.auth, m.from).proof).toBe('verified');
    }
  });

  it('takes Postmark DKIM_VALID_AU and Received-SPF from its own leading block', () => {
    const m = postmarkMail(JSON.parse(readFileSync(join(CORPUS, 'postmark-inbound-2012.json'), 'utf8')));
    // From bob@bob.com; SPF passed for the envelope sender myUser@theirDomain.com, which does not align
    expect(m.auth.passes).toEqual([
      { method: 'dkim', domains: ['bob.com'] },
      { method: 'spf', domains: ['theirdomain.com'] },
    ]);
    expect(judgeProviderAuth(m.auth, m.from).proof).toBe('verified');
    expect(judgeProviderAuth({ ...m.auth, passes: m.auth.passes.filter((p) => p.method === 'spf') }, m.from).proof).toBe('unverified');
  });

  it('ignores verdict headers a sender wrote below the provider block', () => {
    const forged = postmarkMail({
      From: 'alice@example.test',
      Headers: [
        { Name: 'X-Spam-Status', Value: 'No' },
        { Name: 'Received-SPF', Value: 'Fail (sender not authorized) envelope-from=eve@evil.test' },
        { Name: 'Authentication-Results', Value: 'mx.example; dmarc=pass header.from=example.test; dkim=pass header.d=example.test' },
      ],
    });
    expect(judgeProviderAuth(forged.auth, forged.from).proof).toBe('unverified');
  });

  it("lets no copy of X-Mailgun-Spf a sender wrote outvote Mailgun's Fail", () => {
    expect(judgeProviderAuth(mailgunPost(['Pass'], ['Pass']).auth, headerFrom(['alice@example.test'])).proof).toBe('verified');
    expect(mailgunPost(['Pass'], ['Pass', 'Fail']).auth.passes).toEqual([]);
    expect(mailgunPost(['Fail'], []).auth.passes).toEqual([]);
  });

  it('reads each SendGrid dkim result with its domain', () => {
    const m = sendgridMail(
      urlencoded([
        ['from', 'alice@example.test'],
        ['dkim', '{@evil.test : pass, @example.test : fail}'],
        ['SPF', 'softfail'],
        ['envelope', '{"to":["ops@sb.test"],"from":"alice@example.test"}'],
      ]),
    );
    expect(m.auth.passes).toEqual([{ method: 'dkim', domains: ['evil.test'] }]);
    expect(judgeProviderAuth(m.auth, m.from).proof).toBe('unverified');
  });
});

describe('forChannel (the recipient check)', () => {
  const channel = { from: 'Switchboard <ops@sb.test>' };
  it.each([
    [['ops@sb.test'], true],
    [['OPS@sb.test'], true],
    [['ops@sb.test', 'other@sb.test'], false],
    [['other@sb.test'], false],
    [[], false],
  ])('%j -> %s', (recipients, ok) => expect(forChannel({ recipients }, channel)).toBe(ok));
});
