/**
 * The built-in SMTP listener: one smtp-server per email channel with `listen`. It accepts mail
 * only for the channel's `from` address (550 at RCPT otherwise) and up to `max_size` bytes (552;
 * the rest of a longer DATA is drained and dropped, never kept).
 *
 * Who sent it is decided after DATA, from the header block alone (email-sender.ts), before the
 * body is parsed: MAIL FROM is answered the same for every address, so it tells nobody which
 * addresses are configured. The sender's proof (email-verify.ts, `listen.verify`, default
 * `[dmarc]`) is `verified` or `unverified`:
 *
 * | sender                           | answer                                   |
 * |----------------------------------|------------------------------------------|
 * | a user, verified                 | 250, the command runs                    |
 * | a user, unverified               | 250, the command runs as unverified (a code is asked of the real address); `listen.unverified: refuse`: 550 |
 * | nobody's address, unverified     | the same answer as a user's unverified mail; nothing runs |
 * | nobody's address, verified       | 550                                      |
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
import { identifySender, normalizeEmail } from '../../auth/identity.ts';
import type { ChannelConfig } from '../../config/schema.ts';
import { extractEmailCommand, mailFieldsFromParsed } from './command.ts';
import { emailIdempotencyKey, handleInboundEmail } from './inbound.ts';
import { MAIL_PARSE_OPTIONS } from './html-text.ts';
import { headerFromRaw } from './sender.ts';
import { authenticateMail, dnsResolver } from './verify.ts';
import type { IngressDeps, ListenerIngress } from '../../ingress/ingress.ts';

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

/**
 * Reads a DATA stream keeping at most `max` bytes: past that, chunks are drained and dropped (the
 * client is answered 552 once it is done), so memory stays bounded whatever the client sends.
 */
export function readCapped(stream: NodeJS.ReadableStream, max: number): Promise<{ raw: Buffer; exceeded: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let exceeded = false;
    stream.on('data', (c: Buffer) => {
      if (exceeded) return;
      size += c.length;
      if (size > max) {
        exceeded = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    stream.on('error', reject);
    stream.on('end', () =>
      resolve({ raw: exceeded ? Buffer.alloc(0) : Buffer.concat(chunks), exceeded: exceeded || !!(stream as { sizeExceeded?: boolean }).sizeExceeded }),
    );
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
    // 1. who it says it is from (header block only), and how sure we are of it
    const from = headerFromRaw(raw);
    const user = from.address ? identifySender(deps.config, 'email', from.address) : undefined;
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const input = { raw, ip: session.remoteAddress, helo: session.hostNameAppearsAs, sender: mailFrom, mta: name };
    const check = await authenticateMail(input, from, listen.verify, resolver);
    const meta = { ip: session.remoteAddress, proof: check.proof, results: check.results };
    // 2. the answers that must not tell a forger whether an address is configured
    if (check.proof === 'unverified' && listen.unverified === 'refuse') {
      log.warn({ ...meta, known: !!user }, 'mail refused: sender not verified; nothing run');
      throw new SmtpRejection(550, '5.7.1 Sender not verified');
    }
    if (!user) {
      if (check.proof === 'unverified') {
        log.info(meta, 'mail from an unverified address that is no user: nothing run');
        return '2.0.0 Accepted';
      }
      log.info(meta, 'mail refused: its From is not a configured user');
      throw new SmtpRejection(550, '5.7.1 Sender not allowed to send commands here');
    }
    // 3. only now the body (accepted only once the command is handled: a Redis outage answers 451 and the sender retries)
    const cmd = extractEmailCommand({ ...mailFieldsFromParsed(await simpleParser(raw, MAIL_PARSE_OPTIONS)), from: from.address });
    const result = await handleInboundEmail(deps, channel.name, cmd, { idempotencyKey: emailIdempotencyKey(cmd, raw), proof: check.proof });
    if (check.proof === 'unverified') {
      log.info(meta, 'mail from an unverified sender');
      return '2.0.0 Accepted';
    }
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
    // every MAIL FROM gets the same answer: who sent the mail is decided after DATA
    onMailFrom(_address, _session, cb) {
      cb();
    },
    onRcptTo(address, _session, cb) {
      if (normalizeEmail(address.address) === accepts) return cb();
      cb(new SmtpRejection(550, '5.1.1 No such user here'));
    },
    onData(stream, session, cb) {
      readCapped(stream, listen.max_size)
        .then(async ({ raw, exceeded }) => {
          if (exceeded) throw new SmtpRejection(552, '5.3.4 Message exceeds fixed maximum message size');
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
  log.info({ host: listen.host, port, tls: !!listen.tls, verify: listen.verify, unverified: listen.unverified }, 'email listener ready');
  if (listen.verify.length === 0)
    log.warn({ host: listen.host, port }, 'listen.verify is []: no sender is checked, any mail whose From names a user runs as that user');
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
