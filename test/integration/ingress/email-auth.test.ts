/**
 * `listen.verify: [dkim, dmarc]`: DKIM/DMARC checked by mailauth against a fake DNS server (real
 * DNS over UDP on loopback). A DKIM-signed mail from the user's domain runs; a forged From runs
 * nothing, whatever MAIL FROM says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, eventually, listExecutions, newMessageId, replyTo, sendMail, startEmailWorld, type EmailWorld } from './email-helpers.ts';

let w: EmailWorld;
beforeAll(async () => {
  w = await startEmailWorld({ verify: ['dkim', 'dmarc'] });
});
afterAll(async () => {
  await w?.stop();
});

const executionsFor = async (messageId: string) => (await listExecutions(w.t)).filter((e) => e.origin?.message_id === messageId);

describe('email SMTP listener with DKIM and DMARC', () => {
  it('runs a mail DKIM-signed by the From domain', async () => {
    const id = newMessageId();
    const info = await sendMail(w.port, { from: ALICE, text: 'ping', messageId: id, dkim: true });
    expect(info.response).toMatch(/^250 /);
    await eventually(() => replyTo(w.smtp, id, 'pong'), 'pong');
    expect(await executionsFor(id)).toHaveLength(1);
    expect(w.dns.queries).toContain('TXT sel._domainkey.example.test');
    expect(w.dns.queries).toContain('TXT _dmarc.example.test');
  });

  it('refuses an unsigned mail with a forged From, and runs nothing', async () => {
    const id = newMessageId();
    await expect(sendMail(w.port, { from: ALICE, text: 'ping', messageId: id })).rejects.toMatchObject({ responseCode: 550 });
    expect(await executionsFor(id)).toHaveLength(0);
    expect(w.t.logs.some((l) => l.includes('sender authentication failed') && l.includes('dmarc=fail'))).toBe(true);
  });

  it('refuses a mail whose signature no longer matches its content', async () => {
    const id = newMessageId();
    // signed by example.test, but the key published for the selector is another one
    const published = w.dns.txt.get('sel._domainkey.example.test')!;
    w.dns.txt.set('sel._domainkey.example.test', ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrongkey']);
    try {
      await expect(sendMail(w.port, { from: ALICE, text: 'ping', messageId: id, dkim: true })).rejects.toMatchObject({ responseCode: 550 });
    } finally {
      w.dns.txt.set('sel._domainkey.example.test', published);
    }
    expect(await executionsFor(id)).toHaveLength(0);
  });
});
