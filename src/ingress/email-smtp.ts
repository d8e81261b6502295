/**
 * The built-in SMTP listener: one smtp-server per email channel with `listen`. It accepts mail
 * only for the channel's `from` address (550 otherwise), only from configured users' addresses
 * (MAIL FROM and header From), up to `max_size` bytes (552), and, when `listen.verify` lists
 * dkim/spf/dmarc, only mail that passes them for its From domain: a forged From runs nothing.
 *
 * No AUTH (this is an MX, not a submission server). STARTTLS is offered only when `listen.tls`
 * gives a key and certificate; without them it is disabled rather than served with smtp-server's
 * built-in self-signed certificate, which would look like protection and be none.
 *
 * The port actually bound (0 = any free port) is logged as `{channel, port}` with the message
 * `email listener ready`, and is returned by {@link startEmailListener}.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { identifySender, normalizeEmail } from '../auth/identity.ts';
import type { ChannelConfig } from '../config/schema.ts';
import { addressOf, extractEmailCommand, mailFieldsFromParsed } from './email-command.ts';
import { emailIdempotencyKey, handleInboundEmail } from './email-inbound.ts';
import { dnsResolver, verifySender } from './email-verify.ts';
import type { IngressDeps, ListenerIngress } from './ingress.ts';

type EmailChannel = Extract<ChannelConfig, { kind: 'email' }>;
type ListenSettings = NonNullable<EmailChannel['listen']>;

export interface EmailListener {
  channel: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** An SMTP reply error: smtp-server sends `responseCode` and the message to the client. */
export class SmtpRejection extends Error {
  readonly code = 'smtp_rejected';
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'SmtpRejection';
  }
}

/** PEM text as written, or read from a file relative to the config folder. */
function pem(value: string, dir: string): string {
  return value.includes('-----BEGIN') ? value : readFileSync(resolvePath(dir, value), 'utf8');
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * Starts the listener of one email channel.
 *
 * @example
 * const l = await startEmailListener(deps, channel, channel.listen);
 * console.log(l.port);
 */
export async function startEmailListener(deps: IngressDeps, channel: EmailChannel, listen: ListenSettings): Promise<EmailListener> {
  const log = deps.logger.child({ component: 'email-smtp', channel: channel.name });
  const accepts = normalizeEmail(channel.from);
  const resolver = dnsResolver(listen.resolvers);
  const name = accepts.split('@')[1] ?? 'switchboard.local';

  async function onMail(raw: Buffer, session: SMTPServerSession): Promise<string> {
    const parsed = await simpleParser(raw);
    const cmd = extractEmailCommand(mailFieldsFromParsed(parsed));
    // 1. the header From, not only MAIL FROM, must be a configured user
    if (!cmd.sender || !identifySender(deps.config, 'email', cmd.sender)) {
      log.info({ ip: session.remoteAddress }, 'mail refused: its From is not a configured user');
      throw new SmtpRejection(550, '5.7.1 Sender not allowed to send commands here');
    }
    // 2. DKIM/SPF/DMARC for the From domain, when configured
    if (listen.verify.length > 0) {
      const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const input = { raw, ip: session.remoteAddress, helo: session.hostNameAppearsAs, sender: mailFrom, mta: name };
      const verdict = await verifySender(input, addressOf(cmd.sender).split('@')[1] ?? '', listen.verify, resolver);
      if (!verdict.ok) {
        log.warn({ ip: session.remoteAddress, results: verdict.results }, 'mail refused: sender authentication failed; nothing run');
        throw new SmtpRejection(550, '5.7.1 Sender authentication failed');
      }
    }
    // 3. run it (accepted only once the command is handled: a Redis outage answers 451 and the sender retries)
    const result = await handleInboundEmail(deps, channel.name, cmd, { idempotencyKey: emailIdempotencyKey(cmd, raw) });
    return result.kind === 'ran' ? `2.0.0 Accepted: ${result.outcome.kind}` : `2.0.0 Accepted`;
  }

  const options: SMTPServerOptions = {
    name,
    banner: 'Switchboard',
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: listen.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(listen.tls ? { key: pem(listen.tls.key, deps.config.dir), cert: pem(listen.tls.cert, deps.config.dir) } : {}),
    size: listen.max_size,
    rejectOversized: true,
    maxRecipients: 10,
    closeTimeout: 1000,
    onMailFrom(address, session, cb) {
      if (address.address && identifySender(deps.config, 'email', address.address)) return cb();
      log.info({ ip: session.remoteAddress }, 'MAIL FROM refused: not a configured user');
      cb(new SmtpRejection(550, '5.7.1 Sorry, this address only accepts commands from registered users'));
    },
    onRcptTo(address, _session, cb) {
      if (normalizeEmail(address.address) === accepts) return cb();
      cb(new SmtpRejection(550, '5.1.1 No such user here'));
    },
    onData(stream, session, cb) {
      readAll(stream)
        .then(async (raw) => {
          if ((stream as { sizeExceeded?: boolean }).sizeExceeded) throw new SmtpRejection(552, '5.3.4 Message exceeds fixed maximum message size');
          const ok = await onMail(raw, session);
          cb(null, ok);
        })
        .catch((err: Error) => {
          if (err instanceof SmtpRejection) return cb(err);
          log.error({ err: err.message }, 'mail not handled; asking the sender to retry');
          cb(new SmtpRejection(451, '4.3.0 Temporary failure, try again later'));
        });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', (err: Error) => log.warn({ err: err.message }, 'smtp error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  log.info({ host: listen.host, port, tls: !!listen.tls, verify: listen.verify }, 'email listener ready');
  return {
    channel: channel.name,
    host: listen.host,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Starts a listener for every email channel with `listen`. */
export const emailSmtpIngress: ListenerIngress = {
  name: 'email-smtp',
  async start(deps) {
    const listeners: EmailListener[] = [];
    for (const channel of deps.config.channels.values()) {
      if (channel.kind !== 'email' || !channel.listen) continue;
      try {
        listeners.push(await startEmailListener(deps, channel, channel.listen));
      } catch (err) {
        await Promise.all(listeners.map((l) => l.stop()));
        throw err;
      }
    }
    if (listeners.length === 0) return undefined;
    return { stop: async () => void (await Promise.all(listeners.map((l) => l.stop()))) };
  },
};
