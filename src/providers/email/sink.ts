/**
 * `email` sink: nodemailer's SMTP transport built from the channel's `smtp` settings. Replies to an
 * email command land in its thread (In-Reply-To, References, `Re:` subject), and so do a
 * conversation's follow-ups (`thread`: an alert's resolve) to the first message sent to that recipient. SMTP replies classify
 * the failure: 4xx is transient (retry), 5xx permanent; connection problems are retried.
 */
import nodemailer from 'nodemailer';
import { redactText } from '../../log.ts';
import { formatEmail, threadRootId, type EmailThread } from './format.ts';
import { DEFAULT_TIMEOUT_MS, throwIfAborted } from '../../sinks/failure.ts';
import { targetOf } from '../../sinks/render.ts';
import { channelSecrets, channelSettings } from '../../sinks/settings.ts';
import { defineSink, SinkError, type OutboundMessage, type SinkFailureReason, type SinkState } from '../../sinks/sink.ts';

/** A conversation's first message is remembered this long per recipient; later follow-ups start again. */
const THREAD_TTL_S = 30 * 24 * 3600;

/**
 * Where `m` stands in its conversation to `to`: the first delivery of the thread key to this
 * recipient (remembered by delivery id, so its retry is still the first) or a follow-up.
 */
async function emailThread(state: SinkState, thread: string, m: OutboundMessage, to: string, from: string): Promise<EmailThread> {
  const key = `thread:${thread}:${to.trim().toLowerCase()}`;
  const mine = JSON.stringify({ first: m.id, subject: m.subject });
  await state.setIfAbsent(key, mine, THREAD_TTL_S);
  const stored = JSON.parse((await state.get(key)) ?? mine) as { first: string; subject: string };
  return { root: threadRootId(thread, to, from), subject: stored.subject, first: stored.first === m.id };
}

/** Classifies a nodemailer error by its SMTP reply code, else by its error code. */
export function classifySmtpError(err: unknown, secrets: readonly string[]): SinkError {
  const e = err as { responseCode?: number; code?: string; message?: string; response?: string };
  const text = redactText(`email: ${(e.response ?? e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300)}`, secrets);
  const smtp = e.responseCode;
  if (smtp && smtp >= 400 && smtp < 500) return new SinkError(text, smtp === 421 ? 'rate_limited' : 'server_error', true);
  if (smtp && smtp >= 500) {
    const reason: SinkFailureReason =
      e.code === 'EAUTH' || smtp === 530 || smtp === 535
        ? 'auth_error'
        : e.code === 'EENVELOPE' || smtp === 550 || smtp === 553
          ? 'invalid_target'
          : 'client_error';
    return new SinkError(text, reason, false);
  }
  if (e.code === 'EAUTH') return new SinkError(text, 'auth_error', false);
  if (e.code === 'ETIMEDOUT') return new SinkError(text, 'timeout', true);
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return new SinkError(text, 'client_error', false);
  return new SinkError(text, 'network', true);
}

/**
 * @example
 * # channels/email-ops.yaml
 * name: email-ops
 * kind: email
 * from: switchboard@example.com
 * smtp: { host: smtp.example.com, port: 587, auth: { user: sb, pass: ${SMTP_PASS} } }
 */
export const emailSink = defineSink({
  kind: 'email',
  settings: channelSettings('email'),
  create(settings, deps) {
    const secrets = channelSecrets(settings);
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const smtp = settings.smtp;
    const transport = smtp
      ? nodemailer.createTransport({
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure,
          ignoreTLS: smtp.ignore_tls,
          ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.pass } } : {}),
          connectionTimeout: timeoutMs,
          greetingTimeout: timeoutMs,
          socketTimeout: timeoutMs,
        })
      : undefined;
    return {
      async send(m, signal) {
        throwIfAborted('email', signal);
        if (!transport) throw new SinkError(`email: channel ${settings.name} has no smtp settings`, 'client_error', false);
        const to = targetOf(m, settings.default_target);
        if (!to) throw new SinkError('email: no recipient and no default_target', 'invalid_target', false);
        const parts = formatEmail(
          m,
          settings.from,
          m.thread && !m.replyTo?.message_id ? await emailThread(deps.state, m.thread, m, to, settings.from) : undefined,
        );
        const sending = transport.sendMail({
          from: settings.from,
          to,
          subject: parts.subject,
          text: parts.text,
          html: parts.html,
          messageId: parts.messageId,
          ...(parts.inReplyTo ? { inReplyTo: parts.inReplyTo, references: parts.references } : {}),
          headers: { 'X-Switchboard-Delivery': m.id },
        });
        // nodemailer takes no AbortSignal: stop waiting on abort (its socket timeouts end the connection).
        let onAbort: (() => void) | undefined;
        const aborted = new Promise<never>((_, reject) => {
          onAbort = () => reject(new SinkError('email: aborted', 'timeout', true));
          signal.addEventListener('abort', onAbort, { once: true });
        });
        try {
          const info = await Promise.race([sending, aborted]);
          return { externalId: info.messageId, sent: { subject: parts.subject, text: parts.text, target: to } };
        } catch (err) {
          if (err instanceof SinkError) {
            sending.catch(() => {});
            throw err;
          }
          throw classifySmtpError(err, secrets);
        } finally {
          if (onAbort) signal.removeEventListener('abort', onAbort);
        }
      },
      async close() {
        transport?.close();
      },
    };
  },
});
