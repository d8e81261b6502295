/**
 * An SMTP server (smtp-server on 127.0.0.1:0) that parses every accepted mail with mailparser and
 * keeps it, with its envelope. `rejectNext(n, code, message)` answers the next `n` mails' RCPT TO
 * with an SMTP error (4xx transient, 5xx permanent); `hangNext()` never answers the next DATA.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  envelope: { from: string; to: string[] };
  parsed: ParsedMail;
  raw: string;
}

export interface SmtpCapture {
  host: string;
  port: number;
  mails: CapturedMail[];
  /** RCPT TO attempts seen, accepted or not */
  attempts: number;
  rejectNext(n: number, code: number, message: string): void;
  hangNext(): void;
  waitForAttempts(count: number): Promise<void>;
  close(): Promise<void>;
}

/** @example const smtp = await startSmtpCapture(); nodemailer.createTransport({ host: smtp.host, port: smtp.port, ignoreTLS: true }) */
export async function startSmtpCapture(opts: { user?: string; pass?: string } = {}): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const rejections: { code: number; message: string }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let hang = false;
  let attempts = 0;
  const server = new SMTPServer({
    name: 'smtp.fake.test',
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 200,
    hideSTARTTLS: true,
    authOptional: !opts.user,
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) return cb(null, { user: auth.username });
      const e = Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 });
      cb(e);
    },
    onRcptTo(_address, _session, cb) {
      attempts += 1;
      for (const w of waiters.filter((w) => attempts >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const r = rejections.shift();
      if (r) return cb(Object.assign(new Error(r.message), { responseCode: r.code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (hang) {
          hang = false;
          return;
        }
        const raw = Buffer.concat(chunks);
        const parsed = await simpleParser(raw);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        mails.push({ envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) }, parsed, raw: raw.toString('utf8') });
        cb(null, `queued as fake-${mails.length}`);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    mails,
    get attempts() {
      return attempts;
    },
    rejectNext(n, code, message) {
      for (let i = 0; i < n; i++) rejections.push({ code, message });
    },
    hangNext() {
      hang = true;
    },
    waitForAttempts(count) {
      if (attempts >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
