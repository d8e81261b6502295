import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { headerFrom, headerFromRaw } from '../../../src/providers/email/sender.ts';
import { alignedDomains, authenticateMail, judgeAuthentication, judgeProviderAuth } from '../../../src/providers/email/verify.ts';

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

describe('authenticateMail (mailauth, fake DNS)', () => {
  it('passes a mail DKIM-signed by its From domain', async () => {
    const raw = await build('alice@example.test', { domainName: 'example.test', keySelector: 'sel', privateKey: pemKey });
    const v = await authenticateMail(input(raw, '127.0.0.1', 'alice@example.test'), headerFromRaw(raw), ['dkim', 'spf', 'dmarc'], resolver);
    expect(v).toEqual({ proof: 'verified', results: ['dkim=pass', 'spf=pass(example.test)', 'dmarc=pass(example.test)'] });
  });

  it('does not verify an unsigned mail with a forged From from another host', async () => {
    const raw = await build('alice@example.test');
    const v = await authenticateMail(input(raw, '203.0.113.9', 'alice@example.test'), headerFromRaw(raw), ['dkim', 'dmarc'], resolver);
    expect(v).toEqual({ proof: 'unverified', results: ['dkim=none', 'dmarc=fail(example.test)'] });
  });

  it('does not verify a mail signed by another domain', async () => {
    const raw = await build('alice@example.test', { domainName: 'evil.test', keySelector: 'sel', privateKey: pemKey });
    const v = await authenticateMail(input(raw, '203.0.113.9', 'x@evil.test'), headerFromRaw(raw), ['dkim'], resolver);
    expect(v.proof).toBe('unverified');
  });
});

describe('judgeAuthentication', () => {
  const status = (result: string) => ({ result }) as never;
  it('requires every listed check', () => {
    const res = {
      dkim: { headerFrom: [], envelopeFrom: false as const, results: [{ signingDomain: 'example.test', status: status('pass'), info: '' }] },
      spf: false as const,
      dmarc: false as const,
    };
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

/** A raw message with the given From header line(s), DKIM-signed by `signer` when given. */
async function rawWithFrom(fromLines: string[], signer?: string): Promise<Buffer> {
  const head = fromLines.map((f) => `From: ${f}`).join('\r\n');
  const raw = Buffer.from(`${head}\r\nTo: ops@sb.test\r\nSubject: status\r\nMessage-ID: <m2@example.test>\r\n\r\nstatus\r\n`);
  if (!signer) return raw;
  const { dkimSign } = await import('mailauth');
  const one = { signingDomain: signer, selector: 'sel', privateKey: pemKey };
  const signed = await dkimSign(raw, { ...one, signatureData: [one] } as Parameters<typeof dkimSign>[1]);
  return Buffer.concat([Buffer.from(signed.signatures), raw]);
}

describe('authenticateMail: the From that identifies is the From DMARC evaluates', () => {
  const evil = { 'sel._domainkey.evil.test': [`v=DKIM1; k=rsa; p=${p}`], '_dmarc.evil.test': ['v=DMARC1; p=reject'] };
  const both = async (name: string, type: string) => {
    const r = type === 'TXT' ? ({ ...records, ...evil } as Record<string, string[]>)[name.toLowerCase()] : undefined;
    if (!r) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return r.map((t) => [t]);
  };

  it('verifies a mail signed by its From domain', async () => {
    const raw = await rawWithFrom(['Alice <alice@example.test>'], 'example.test');
    expect(await authenticateMail(input(raw, '203.0.113.9', ''), headerFromRaw(raw), ['dmarc'], both)).toMatchObject({ proof: 'verified' });
  });

  it('never names alice for "alice@example.test (x) attacker@evil.test" signed by evil.test (finding #4)', async () => {
    const raw = await rawWithFrom(['alice@example.test (x) attacker@evil.test'], 'evil.test');
    const from = headerFromRaw(raw);
    expect(from.address).not.toBe('alice@example.test');
    expect(from.ambiguous).toBe(true);
    expect((await authenticateMail(input(raw, '203.0.113.9', ''), from, ['dmarc'], both)).proof).toBe('unverified');
  });

  it('is unverified for a second From header, whatever the signature', async () => {
    const raw = await rawWithFrom(['alice@example.test', 'attacker@evil.test'], 'example.test');
    expect((await authenticateMail(input(raw, '203.0.113.9', ''), headerFromRaw(raw), ['dmarc'], both)).proof).toBe('unverified');
  });

  it('trusts the From as it is when no check is listed, unless it is ambiguous', async () => {
    const raw = await rawWithFrom(['alice@example.test']);
    expect((await authenticateMail(input(raw, '203.0.113.9', ''), headerFromRaw(raw), [], both)).proof).toBe('verified');
    const two = await rawWithFrom(['alice@example.test, bob@example.test']);
    expect((await authenticateMail(input(two, '203.0.113.9', ''), headerFromRaw(two), [], both)).proof).toBe('unverified');
  });
});

describe('headerFrom', () => {
  it.each([
    ['Alice <Alice@Example.test>', 'alice@example.test', false],
    ['"Alice" <alice@example.test>', 'alice@example.test', false],
    ['alice@example.test', 'alice@example.test', false],
    ['"alice@example.test" <attacker@evil.test>', 'attacker@evil.test', true],
    ['alice@example.test <attacker@evil.test>', 'attacker@evil.test', true],
    ['alice@example.test, eve@evil.test', 'alice@example.test', true],
    ['undisclosed:;', '', true],
  ])('%s -> %s (ambiguous: %s)', (value, address, ambiguous) => {
    expect(headerFrom([value])).toMatchObject({ address, ambiguous });
  });

  it('has no address without a From', () => {
    expect(headerFrom([])).toEqual({ address: '', ambiguous: true, reason: 'no From' });
  });
});

describe('judgeProviderAuth', () => {
  const alice = headerFrom(['alice@example.test']);
  it.each([
    [[{ method: 'spf', domains: ['example.test'] }], 'verified'],
    [[{ method: 'dkim', domains: ['mail.example.test'] }], 'verified'],
    [[{ method: 'spf', domains: ['evil.test'] }], 'unverified'],
    // Mailgun does not say which signature passed: one foreign signature spoils it
    [[{ method: 'dkim', domains: ['example.test', 'evil.test'] }], 'unverified'],
    [[], 'unverified'],
  ] as const)('%j -> %s', (passes, proof) => {
    expect(judgeProviderAuth({ passes: passes.map((x) => ({ method: x.method, domains: [...x.domains] })), results: [] }, alice).proof).toBe(proof);
  });

  it('never verifies an ambiguous From', () => {
    expect(
      judgeProviderAuth({ passes: [{ method: 'spf', domains: ['example.test'] }], results: [] }, headerFrom(['"bob@x.test" <alice@example.test>'])).proof,
    ).toBe('unverified');
  });
});
