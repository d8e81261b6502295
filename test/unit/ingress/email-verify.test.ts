import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { alignedDomains, judgeAuthentication, verifySender } from '../../../src/ingress/email-verify.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pemKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

const records: Record<string, string[]> = {
  'sel._domainkey.example.test': [`v=DKIM1; k=rsa; p=${p}`],
  '_dmarc.example.test': ['v=DMARC1; p=reject'],
  'example.test': ['v=spf1 ip4:127.0.0.1 -all'],
};
const resolver = async (name: string, type: string) => {
  const r = type === 'TXT' ? records[name.toLowerCase()] : undefined;
  if (!r) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return r.map((t) => [t]);
};

async function build(from: string, dkim?: { domainName: string; keySelector: string; privateKey: string }): Promise<Buffer> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, ...(dkim && { dkim }) });
  const info = await t.sendMail({ from, to: 'ops@sb.test', subject: 'status', text: 'status', messageId: '<m1@example.test>' });
  return info.message as Buffer;
}

const input = (raw: Buffer, ip: string, sender: string) => ({ raw, ip, helo: 'client.test', sender, mta: 'sb.test' });

describe('verifySender (mailauth, fake DNS)', () => {
  it('passes a mail DKIM-signed by its From domain', async () => {
    const raw = await build('alice@example.test', { domainName: 'example.test', keySelector: 'sel', privateKey: pemKey });
    const v = await verifySender(input(raw, '127.0.0.1', 'alice@example.test'), 'example.test', ['dkim', 'spf', 'dmarc'], resolver);
    expect(v).toEqual({ ok: true, results: ['dkim=pass', 'spf=pass(example.test)', 'dmarc=pass'] });
  });

  it('refuses an unsigned mail with a forged From from another host', async () => {
    const raw = await build('alice@example.test');
    const v = await verifySender(input(raw, '203.0.113.9', 'alice@example.test'), 'example.test', ['dkim', 'dmarc'], resolver);
    expect(v.ok).toBe(false);
    expect(v.results).toEqual(['dkim=none', 'dmarc=fail']);
  });

  it('refuses a mail signed by another domain', async () => {
    const raw = await build('alice@example.test', { domainName: 'evil.test', keySelector: 'sel', privateKey: pemKey });
    const v = await verifySender(input(raw, '203.0.113.9', 'x@evil.test'), 'example.test', ['dkim'], resolver);
    expect(v.ok).toBe(false);
  });

  it('checks nothing when no check is listed', async () => {
    expect(await verifySender(input(Buffer.from(''), '127.0.0.1', ''), 'example.test', [], resolver)).toEqual({ ok: true, results: [] });
  });
});

describe('judgeAuthentication', () => {
  const status = (result: string) => ({ result }) as never;
  it('requires every listed check', () => {
    const res = { dkim: { headerFrom: [], envelopeFrom: false as const, results: [{ signingDomain: 'example.test', status: status('pass'), info: '' }] }, spf: false as const, dmarc: false as const };
    expect(judgeAuthentication(res, 'example.test', ['dkim']).ok).toBe(true);
    expect(judgeAuthentication(res, 'example.test', ['dkim', 'dmarc']).ok).toBe(false);
    expect(judgeAuthentication(res, 'other.test', ['dkim']).ok).toBe(false);
  });
});

describe('alignedDomains', () => {
  it.each([
    ['example.test', 'example.test', true],
    ['mail.example.test', 'example.test', true],
    ['example.test', 'EXAMPLE.test.', true],
    ['badexample.test', 'example.test', false],
    ['', 'example.test', false],
  ])('%s ~ %s = %s', (a, b, r) => expect(alignedDomains(a, b)).toBe(r));
});
