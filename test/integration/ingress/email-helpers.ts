/**
 * Shared by the email ingress tests: a whole Switchboard (startTestSwitchboard) whose email
 * channel listens on SMTP (port 0) and answers through a capturing SMTP server, a fake DNS for
 * DKIM/SPF/DMARC, a DKIM key pair, and a nodemailer client that sends to the listener.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dkimSign } from 'mailauth';
import nodemailer from 'nodemailer';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from '../../../src/providers/email/fake.ts';
import { startDnsFake, type DnsFake } from '../../fakes/dns-server.ts';
import { payloadsDir } from '../../corpus.ts';

export const OPS_ADDRESS = 'ops@sb.test';
export const ALICE = 'alice@example.test';
export const BOB = 'bob@example.test';
export const API_KEY = 'email-test-api-key-0000000001';
export const DKIM_SELECTOR = 'sel';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const DKIM_PRIVATE_KEY = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const DKIM_PUBLIC = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

/** example.test: DKIM key published, SPF only for 203.0.113.1 (not us), DMARC reject. */
export const DNS_RECORDS: Record<string, string[]> = {
  [`${DKIM_SELECTOR}._domainkey.example.test`]: [`v=DKIM1; k=rsa; p=${DKIM_PUBLIC}`],
  'example.test': ['v=spf1 ip4:203.0.113.1 -all'],
  '_dmarc.example.test': ['v=DMARC1; p=reject'],
};

export interface EmailWorldOptions {
  /** absent: the default (`[dmarc]`) */
  verify?: ('dkim' | 'spf' | 'dmarc')[];
  /** `listen.unverified` */
  unverified?: 'confirm' | 'refuse';
  maxSize?: number;
  /** extra channel lines (webhook, signing_key) */
  channelExtra?: string;
  perMinute?: number;
  /** key and certificate files for STARTTLS */
  tls?: { key: string; cert: string };
  /** more config files (e.g. webhook channels) */
  extraFiles?: (smtp: SmtpCapture, dns: DnsFake) => Record<string, string>;
}

const files = (smtp: SmtpCapture, dns: DnsFake, o: EmailWorldOptions): Record<string, string> => ({
  'switchboard.yaml': `
server: { port: 0 }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], email: "Alice <${ALICE}>" }
  bob:   { roles: [viewer], email: "${BOB.toUpperCase()}" }
  james: { roles: [ops], email: james@opennorth.ca }
roles:
  ops: { permissions: [executions.read_all, executions.cancel_all] }
  viewer: { permissions: [] }
api_keys:
  - { name: test, key: "${API_KEY}", user: alice }
limits: { per_sender_per_minute: ${o.perMinute ?? 30} }
executions: { stalled_interval: 5, shutdown_grace: 2 }
logging: { level: info }
`,
  'channels/email.yaml': `
name: email
kind: email
from: "Switchboard <${OPS_ADDRESS}>"
smtp: { host: ${smtp.host}, port: ${smtp.port}, ignore_tls: true }
listen:
  host: 127.0.0.1
  port: 0
  max_size: ${o.maxSize ?? 65536}
${o.verify ? `  verify: [${o.verify.join(', ')}]` : ''}
${o.unverified ? `  unverified: ${o.unverified}` : ''}
  resolvers: ["${dns.server}"]
${o.tls ? `  tls: { key: "${o.tls.key}", cert: "${o.tls.cert}" }` : ''}
${o.channelExtra ?? ''}
`,
  'actions/ops.yaml': `
name: ops.restart
runner: shell
command: [echo, "restarted {{ service }}"]
parameters:
  service: { type: string, required: true, enum: [web, api] }
`,
  'aliases/ops/restart.yaml': `
name: restart
pack: ops
action_ref: ops.restart
description: Restart a service
formats: ["restart {{service}}"]
allow: [ops]
result: { format: "{{ execution.result.stdout }}" }
`,
  'aliases/corpus/bold.yaml': `
name: bold
pack: corpus
action_ref: core.echo
description: what the provider captures in the corpus say
formats: ["bold text"]
result: { format: "bold ok" }
`,
  'aliases/core/ping.yaml': `
name: ping
pack: core
action_ref: core.ping
formats: ["ping"]
result: { format: "pong" }
`,
});

export interface EmailWorld {
  t: TestSwitchboard;
  smtp: SmtpCapture;
  dns: DnsFake;
  /** the port the SMTP listener bound */
  port: number;
  stop(): Promise<void>;
}

/** The port of the channel's listener, from its `email listener ready` log line. */
export function listenerPort(t: TestSwitchboard, channel = 'email'): number {
  for (const line of t.logs) {
    const entry = JSON.parse(line) as { msg?: string; channel?: string; port?: number };
    if (entry.msg === 'email listener ready' && entry.channel === channel && entry.port) return entry.port;
  }
  throw new Error(`no email listener for ${channel} in the logs`);
}

export async function startEmailWorld(o: EmailWorldOptions = {}): Promise<EmailWorld> {
  const smtp = await startSmtpCapture();
  const dns = await startDnsFake(DNS_RECORDS);
  const t = await startTestSwitchboard({ files: { ...files(smtp, dns, o), ...o.extraFiles?.(smtp, dns) } });
  return {
    t,
    smtp,
    dns,
    port: listenerPort(t),
    async stop() {
      await t.stop();
      await smtp.close();
      await dns.close();
    },
  };
}

export interface Outgoing {
  from: string;
  to?: string;
  /** MAIL FROM, when it differs from the header From */
  envelopeFrom?: string;
  subject?: string;
  text?: string;
  html?: string;
  messageId: string;
  references?: string[];
  /** DKIM-sign as example.test (default true: the users' domain, so DMARC passes for them), or as the domain given */
  dkim?: boolean | string;
  /** raw From header value, written as is (nodemailer would re-encode it) */
  rawFrom?: string;
  /** insist on STARTTLS (any certificate accepted) */
  requireTLS?: boolean;
}

/**
 * The message with its From header replaced by `rawFrom` as written (nodemailer never writes an
 * odd From itself), then DKIM-signed with mailauth's signer.
 */
async function withRawFrom(m: Outgoing & { rawFrom: string }): Promise<Buffer> {
  const build = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await build.sendMail({
    from: m.from,
    to: m.to ?? OPS_ADDRESS,
    subject: m.subject ?? 'command',
    ...(m.text !== undefined && { text: m.text }),
    ...(m.html !== undefined && { html: m.html }),
    messageId: m.messageId,
  });
  const text = (info.message as Buffer).toString('utf8').replace(/^From: .*(\r\n[ \t].*)*/m, `From: ${m.rawFrom}`);
  const raw = Buffer.from(text);
  if (m.dkim === false) return raw;
  return signDkim(raw, typeof m.dkim === 'string' ? m.dkim : 'example.test');
}

/** `raw` with a DKIM-Signature of `domain` (mailauth's signer, the test key, selector `sel`) prepended. */
export async function signDkim(raw: Buffer, domain: string): Promise<Buffer> {
  const one = { signingDomain: domain, selector: DKIM_SELECTOR, privateKey: DKIM_PRIVATE_KEY };
  // mailauth reads `signatureData` (its typings ask for the top-level fields)
  const signed = await dkimSign(raw, { ...one, signatureData: [one] } as Parameters<typeof dkimSign>[1]);
  return Buffer.concat([Buffer.from(signed.signatures), raw]);
}

/** Sends one mail to the listener over SMTP; resolves with the server's reply or rejects with nodemailer's error. */
export async function sendMail(port: number, m: Outgoing): Promise<{ response: string }> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ...(m.requireTLS ? { requireTLS: true, tls: { rejectUnauthorized: false } } : { ignoreTLS: true }),
    ...(m.dkim !== false &&
      m.rawFrom === undefined && {
        dkim: { domainName: typeof m.dkim === 'string' ? m.dkim : 'example.test', keySelector: DKIM_SELECTOR, privateKey: DKIM_PRIVATE_KEY },
      }),
  });
  try {
    if (m.rawFrom !== undefined) {
      const raw = await withRawFrom({ ...m, rawFrom: m.rawFrom });
      return await transport.sendMail({ envelope: { from: m.envelopeFrom ?? m.from, to: m.to ?? OPS_ADDRESS }, raw });
    }
    return await transport.sendMail({
      from: m.from,
      to: m.to ?? OPS_ADDRESS,
      envelope: { from: m.envelopeFrom ?? m.from, to: m.to ?? OPS_ADDRESS },
      subject: m.subject ?? 'command',
      ...(m.text !== undefined && { text: m.text }),
      ...(m.html !== undefined && { html: m.html }),
      messageId: m.messageId,
      ...(m.references && { references: m.references }),
    });
  } finally {
    transport.close();
  }
}

export interface ExecutionJson {
  id: string;
  status: string;
  alias?: string;
  user?: string;
  text?: string;
  origin?: { source: string; sender: string; reply?: Record<string, string>; message_id?: string; proof?: 'verified' | 'unverified' };
}

export async function listExecutions(t: TestSwitchboard): Promise<ExecutionJson[]> {
  const res = await t.request('/api/v1/executions?limit=200', { headers: { authorization: `Bearer ${API_KEY}` } });
  return ((await res.json()) as { items: ExecutionJson[] }).items;
}

/** Polls `probe` until it returns a value (bounded; no timing is asserted). */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The captured answer in the thread of `messageId` (the first one whose text holds `containing`). */
export const replyTo = (smtp: SmtpCapture, messageId: string, containing = ''): CapturedMail | undefined =>
  smtp.mails.find((m) => m.parsed.inReplyTo === messageId && (m.parsed.text ?? '').includes(containing));

let counter = 0;
export const newMessageId = () => `<cmd-${process.pid}-${Date.now()}-${++counter}@example.test>`;

const CORPUS = payloadsDir;

/** A captured provider request from the corpus: its Content-Type and raw body bytes. */
export function corpusCapture(file: string): { contentType: string; body: Buffer } {
  const bytes = readFileSync(join(CORPUS, file));
  if (file.endsWith('.multipart')) return { contentType: 'multipart/form-data; boundary=xYzZY', body: bytes };
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  const [end, sep] = crlf !== -1 && (lf === -1 || crlf < lf) ? [crlf, 4] : [lf, 2];
  const head = bytes.subarray(0, end).toString('latin1');
  return { contentType: /^content-type:\s*(.*)$/im.exec(head)![1]!.trim(), body: bytes.subarray(end + sep) };
}

/** Replaces every occurrence of each key with its value in a byte body (re-signing a capture). */
export function replaceBytes(body: Buffer, swaps: Record<string, string>): Buffer {
  let text = body.toString('latin1');
  for (const [from, to] of Object.entries(swaps)) text = text.split(from).join(to);
  return Buffer.from(text, 'latin1');
}
