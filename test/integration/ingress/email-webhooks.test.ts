/**
 * `POST /ingress/email/{mailgun,postmark,sendgrid}` with the corpus captures: Mailgun re-signed
 * with the test key (fresh timestamp and token), Postmark and SendGrid behind basic auth. A valid
 * request runs its command and the answer arrives by email; a bad signature, a replayed token, a
 * missing password, spam or another recipient than the channel's `from` runs nothing. The
 * sender's proof comes from the provider's SPF/DKIM verdicts or from mailauth on the raw MIME:
 * an unverified sender's command waits as `pending` and its code goes to the real address.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMailgun } from '../../../src/providers/email/webhook-auth.ts';
import nodemailer from 'nodemailer';
import type { DnsFake } from '../../fakes/dns-server.ts';
import type { SmtpCapture } from '../../../src/providers/email/fake.ts';
import { ALICE, corpusCapture, eventually, listExecutions, replaceBytes, signDkim, startEmailWorld, type EmailWorld } from './email-helpers.ts';
import { payloadsDir } from '../../corpus.ts';

const MAILGUN_KEY = 'key-mailgun-test-signing-0001';
const POSTMARK_AUTH = 'postmark:pm-secret-0001';
const SENDGRID_AUTH = 'sendgrid:sg-secret-0001';
const JAMES = 'james@opennorth.ca';
const CORPUS = payloadsDir;

const MAILGUN_TO = 'foo+bar@multimail.mailgun.org';
const POSTMARK_TO = '4354473e2e6ab001fa836f627a54004e+bar@inbound.postmarkapp.com';
const SENDGRID_TO = 'foo+bar@parolecitoyenne.com';

const channel = (smtp: SmtpCapture, dns: DnsFake, name: string, from: string, webhook: string, key: string) => `
name: ${name}
kind: email
from: "${from}"
smtp: { host: ${smtp.host}, port: ${smtp.port}, ignore_tls: true }
webhook: ${webhook}
signing_key: "${key}"
resolvers: ["${dns.server}"]
`;

let w: EmailWorld;
beforeAll(async () => {
  w = await startEmailWorld({
    extraFiles: (smtp, dns) => ({
      'channels/mailgun.yaml': channel(smtp, dns, 'email-mailgun', MAILGUN_TO, 'mailgun', MAILGUN_KEY),
      'channels/postmark.yaml': channel(smtp, dns, 'email-postmark', POSTMARK_TO, 'postmark', POSTMARK_AUTH),
      'channels/sendgrid.yaml': channel(smtp, dns, 'email-sendgrid', SENDGRID_TO, 'sendgrid', SENDGRID_AUTH),
    }),
  });
});
afterAll(async () => {
  await w?.stop();
});

const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;

async function post(path: string, c: { contentType: string; body: Buffer }, auth?: string) {
  const headers: Record<string, string> = { 'content-type': c.contentType, ...(auth && { authorization: auth }) };
  const res = await w.t.request(`/ingress/email/${path}`, { method: 'POST', headers, body: c.body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** The corpus capture with a fresh timestamp and token, signed with the test key (and `swaps` made). */
function resigned(file: string, original: { timestamp: string; token: string; signature: string }, swaps: Record<string, string> = {}) {
  const c = corpusCapture(file);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const token = randomBytes(25).toString('hex');
  const body = replaceBytes(c.body, {
    ...swaps,
    [original.timestamp]: timestamp,
    [original.token]: token,
    [original.signature]: signMailgun(MAILGUN_KEY, timestamp, token),
  });
  return { ...c, body };
}

/** A Mailgun "forward MIME" post (`body-mime`) of a fresh mail, DKIM-signed by `signer` unless undefined. */
async function mailgunMime(from: string, messageId: string, signer: string | undefined) {
  const build = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const raw = (await build.sendMail({ from, to: MAILGUN_TO, subject: 'ping', text: 'ping', messageId })).message as Buffer;
  const signed = signer ? await signDkim(raw, signer) : raw;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const token = randomBytes(25).toString('hex');
  const form = new URLSearchParams({
    timestamp,
    token,
    signature: signMailgun(MAILGUN_KEY, timestamp, token),
    recipient: MAILGUN_TO,
    sender: from,
    'body-mime': signed.toString('utf8'),
  });
  return { contentType: 'application/x-www-form-urlencoded', body: Buffer.from(form.toString()) };
}

const PARSED_VALID = {
  timestamp: '1366071615',
  token: '5o56tmpwd3dnwthehwclemd-i-7u2gv9vb3u745ywj67d0mc87',
  signature: 'bc2ab6c1080d52f2a06928b93f21e86c2d28c548e2ef64354f8ba1a95bb53cd6',
};
const SPAM = {
  timestamp: '1366071698',
  token: '4ep9p9ccsw3jyrqytr7mok2dmrakze52hio7iq4whwkfmk2ze7',
  signature: '00da940b4cce4deec92813a40417fc3cceedadfada3a2d4a5f86784d5a0ca3e7',
};

const executionsBy = async (pred: (e: { origin?: { message_id?: string; reply?: Record<string, string> } }) => boolean) =>
  (await listExecutions(w.t)).filter(pred);
const answered = (id: string, containing: string) => w.smtp.mails.find((m) => m.parsed.inReplyTo === id && (m.parsed.text ?? '').includes(containing));

describe('POST /ingress/email/mailgun', () => {
  const id = '<E102015D-F580-4316-81FA-7324838A3AE8@opennorth.ca>';

  it('runs a signed capture and answers in its thread, from the channel it came in on', async () => {
    const res = await post('mailgun', resigned('mailgun-inbound-multimail-parsed-valid.http', PARSED_VALID));
    expect(res).toEqual({ status: 200, json: { status: 'handled', outcome: 'queued' } });
    const answer = await eventually(() => answered(id, 'bold ok'), 'the result by email');
    expect(answer.envelope.to).toEqual([JAMES]);
    expect(answer.parsed.from?.value[0]?.address).toBe('foo+bar@multimail.mailgun.org');
    expect(answer.parsed.subject).toBe('Re: Test');
    expect(await executionsBy((e) => e.origin?.message_id === id)).toHaveLength(1);
  });

  it('refuses a replayed token', async () => {
    const c = resigned('mailgun-inbound-multimail-parsed-valid.http', PARSED_VALID);
    expect((await post('mailgun', c)).status).toBe(200);
    expect((await post('mailgun', c)).status).toBe(403);
  });

  it("refuses the corpus's invalid signature", async () => {
    const c = corpusCapture('mailgun-inbound-multimail-parsed-invalid-signature.http');
    const now = String(Math.floor(Date.now() / 1000));
    const res = await post('mailgun', { ...c, body: replaceBytes(c.body, { 'timestamp=1366071802': `timestamp=${now}` }) });
    expect(res.status).toBe(403);
    expect(await executionsBy((e) => e.origin?.message_id === '<A47D0D45-F1D8-4868-B686-32158D1AA8D1@opennorth.ca>')).toHaveLength(0);
  });

  it('refuses a stale signature (the capture as recorded in 2013)', async () => {
    expect((await post('mailgun', corpusCapture('mailgun-inbound-multimail-raw-valid.form.http'))).status).toBe(403);
  });

  it('holds the raw MIME form (body-mime) with SPF Neutral and no signature as unverified', async () => {
    const res = await post('mailgun', resigned('mailgun-inbound-multimail-raw-valid.form.http', PARSED_VALID));
    expect(res.json).toEqual({ status: 'handled', outcome: 'pending' });
    expect(await executionsBy((e) => e.origin?.message_id === '<99CF7D8C-FCD4-443F-8E04-69C4E470D18F@opennorth.ca>')).toMatchObject([
      { status: 'pending', origin: { proof: 'unverified' } },
    ]);
  });

  it('runs raw MIME DKIM-signed by the From domain as verified (mailauth on body-mime)', async () => {
    const id = `<mg-mime-${randomBytes(6).toString('hex')}@example.test>`;
    expect((await post('mailgun', await mailgunMime(ALICE, id, 'example.test'))).json).toEqual({ status: 'handled', outcome: 'queued' });
    expect(await executionsBy((e) => e.origin?.message_id === id)).toMatchObject([{ user: 'alice', origin: { proof: 'verified' } }]);
    const unsigned = `<mg-mime-${randomBytes(6).toString('hex')}@example.test>`;
    expect((await post('mailgun', await mailgunMime(ALICE, unsigned, undefined))).json).toEqual({ status: 'handled', outcome: 'pending' });
  });

  it('holds a post whose X-Mailgun-Spf says Fail as unverified, and sends the code to the real address', async () => {
    const messageId = 'E102015D-0000-4316-81FA-SPFFAIL00001';
    const res = await post(
      'mailgun',
      resigned('mailgun-inbound-multimail-parsed-valid.http', PARSED_VALID, { Pass: 'Fail', 'E102015D-F580-4316-81FA-7324838A3AE8': messageId }),
    );
    expect(res.json).toEqual({ status: 'handled', outcome: 'pending' });
    const id = `<${messageId}@opennorth.ca>`;
    expect(await executionsBy((e) => e.origin?.message_id === id)).toMatchObject([{ status: 'pending', user: 'james', origin: { proof: 'unverified' } }]);
    const prompt = await eventually(() => answered(id, 'Reply YES'), 'the code mail');
    expect(prompt.envelope.to).toEqual([JAMES]);
  });

  it("refuses mail for another recipient than the channel's from (406) and runs nothing", async () => {
    const messageId = 'E102015D-0000-4316-81FA-RECIPIENT001';
    const res = await post(
      'mailgun',
      resigned('mailgun-inbound-multimail-parsed-valid.http', PARSED_VALID, {
        [MAILGUN_TO]: 'other@multimail.mailgun.org',
        'E102015D-F580-4316-81FA-7324838A3AE8': messageId,
      }),
    );
    expect(res).toEqual({ status: 406, json: { status: 'refused', reason: 'recipient' } });
    expect(await executionsBy((e) => e.origin?.message_id === `<${messageId}@opennorth.ca>`)).toHaveLength(0);
  });

  it('acknowledges spam and runs nothing', async () => {
    const res = await post('mailgun', resigned('mailgun-inbound-multimail-parsed-spam.http', SPAM));
    expect(res).toEqual({ status: 200, json: { status: 'ignored', reason: 'spam' } });
    expect(await executionsBy((e) => e.origin?.message_id === '<D88B8BEC-4061-45A2-90AF-ABFDF0B1AFE3@opennorth.ca>')).toHaveLength(0);
  });
});

describe('POST /ingress/email/postmark', () => {
  /** The capture as JSON, sent to the channel's address (`swaps` made). */
  const json = (file: string, swaps: Record<string, string> = {}) => {
    const body = file.endsWith('.json') ? readFileSync(join(CORPUS, file)) : corpusCapture(file).body;
    return {
      contentType: 'application/json',
      body: replaceBytes(body, {
        '4354473e2e6ab001fa836f627a54004e@inbound.postmarkapp.com': POSTMARK_TO,
        'api-hash@inbound.postmarkapp.com': POSTMARK_TO,
        ...swaps,
      }),
    };
  };
  const byPostmark = (e: { origin?: { reply?: Record<string, string> } }) => e.origin?.reply?.channel === 'email-postmark';

  it('refuses a request without the configured credentials', async () => {
    expect((await post('postmark', json('postmark-inbound-multimail-valid.http'))).status).toBe(403);
    expect((await post('postmark', json('postmark-inbound-multimail-valid.http'), basic('postmark:wrong'))).status).toBe(403);
    expect(await executionsBy(byPostmark)).toHaveLength(0);
  });

  it('runs the capture once, however often it is posted', async () => {
    const c = json('postmark-inbound-multimail-valid.http');
    expect(await post('postmark', c, basic(POSTMARK_AUTH))).toEqual({ status: 200, json: { status: 'handled', outcome: 'queued' } });
    expect((await post('postmark', c, basic(POSTMARK_AUTH))).status).toBe(200);
    expect(await executionsBy(byPostmark)).toHaveLength(1);
  });

  it('acknowledges spam and runs nothing', async () => {
    expect((await post('postmark', json('postmark-inbound-multimail-spam.http'), basic(POSTMARK_AUTH))).json).toEqual({ status: 'ignored', reason: 'spam' });
  });

  it('ignores an unknown sender', async () => {
    expect((await post('postmark', json('postmark-inbound-2012.json'), basic(POSTMARK_AUTH))).json).toEqual({ status: 'ignored', reason: 'unknown_sender' });
  });

  it("holds a mail whose Received-SPF (Postmark's own) says fail as unverified", async () => {
    const c = json('postmark-inbound-multimail-valid.http', {
      'Pass (sender SPF authorized)': 'Fail (sender not authorized)',
      '26ECCA85-47DE-4E66-827A-B35E34874F26': '26ECCA85-0000-SPF-FAIL',
    });
    expect((await post('postmark', c, basic(POSTMARK_AUTH))).json).toEqual({ status: 'handled', outcome: 'pending' });
    expect(await executionsBy((e) => e.origin?.message_id === '<26ECCA85-0000-SPF-FAIL@opennorth.ca>')).toMatchObject([
      { status: 'pending', origin: { proof: 'unverified' } },
    ]);
  });

  it('refuses another recipient (403: Postmark stops retrying)', async () => {
    const c = json('postmark-inbound-multimail-valid.http', { [POSTMARK_TO]: 'someone-else@inbound.postmarkapp.com' });
    expect(await post('postmark', c, basic(POSTMARK_AUTH))).toEqual({ status: 403, json: { status: 'refused', reason: 'recipient' } });
  });
});

describe('POST /ingress/email/sendgrid', () => {
  const id = '<D0AB77C1-A89D-4D9E-A207-5E20A6D36BEF@opennorth.ca>';

  it('refuses a request without the configured credentials', async () => {
    expect((await post('sendgrid', corpusCapture('sendgrid-inbound-multimail-valid.http'))).status).toBe(403);
  });

  it('runs the capture and answers in its thread', async () => {
    const res = await post('sendgrid', corpusCapture('sendgrid-inbound-multimail-valid.http'), basic(SENDGRID_AUTH));
    expect(res.json).toEqual({ status: 'handled', outcome: 'queued' });
    const answer = await eventually(() => answered(id, 'bold ok'), 'the result by email');
    expect(answer.parsed.from?.value[0]?.address).toBe(SENDGRID_TO);
    expect(await executionsBy((e) => e.origin?.message_id === id)).toMatchObject([{ origin: { proof: 'verified' } }]);
  });

  it('decodes a windows-1252 body (the answer quotes it)', async () => {
    const res = await post('sendgrid', corpusCapture('sendgrid-inbound-multimail-encoding-windows1252.http'), basic(SENDGRID_AUTH));
    expect(res.json).toEqual({ status: 'handled', outcome: 'none' });
    await eventually(() => w.smtp.mails.find((m) => m.envelope.to[0] === JAMES && m.parsed.text?.includes('No command matches "World €"')), 'the did-you-mean');
  });

  it('ignores an unknown sender (raw MIME form)', async () => {
    const c = corpusCapture('sendgrid-inbound-raw.multipart');
    const res = await post('sendgrid', { ...c, body: replaceBytes(c.body, { 'inbound@inbound.inbound.com': SENDGRID_TO }) }, basic(SENDGRID_AUTH));
    expect(res.json).toEqual({ status: 'ignored', reason: 'unknown_sender' });
  });
});
