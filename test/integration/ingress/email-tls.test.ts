/**
 * STARTTLS: offered with the configured key and certificate, and not offered at all without them
 * (smtp-server's built-in self-signed certificate is never used).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, eventually, newMessageId, replyTo, sendMail, startEmailWorld, type EmailWorld } from './email-helpers.ts';

let dir: string;
let withTls: EmailWorld;
let withoutTls: EmailWorld;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=sb.test'], {
    stdio: 'ignore',
  });
  withTls = await startEmailWorld({ tls: { key, cert } });
  withoutTls = await startEmailWorld();
});
afterAll(async () => {
  await withTls?.stop();
  await withoutTls?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('email SMTP listener STARTTLS', () => {
  it('upgrades with the configured certificate and runs the command', async () => {
    const id = newMessageId();
    const info = await sendMail(withTls.port, { from: ALICE, text: 'ping', messageId: id, requireTLS: true });
    expect(info.response).toMatch(/^250 /);
    await eventually(() => replyTo(withTls.smtp, id, 'pong'), 'pong');
  });

  it('does not offer STARTTLS without a certificate', async () => {
    await expect(sendMail(withoutTls.port, { from: ALICE, text: 'ping', messageId: newMessageId(), requireTLS: true })).rejects.toMatchObject({ code: 'ETLS' });
  });
});
