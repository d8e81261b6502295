/**
 * Inbound email through a provider: `POST /ingress/email/{mailgun,postmark,sendgrid}`, each served
 * only for the email channels whose `webhook` names that provider.
 *
 * - mailgun: the signature (HMAC-SHA256 of timestamp + token with `signing_key`), a 5-minute window
 *   and single-use tokens (Redis `SET NX`); otherwise 403 and nothing runs. The signature does not
 *   cover the body, so the single-use check is what stops a captured request being replayed with
 *   another body: while Redis is away Mailgun is answered 503 (it retries for hours), never spooled.
 * - postmark, sendgrid: these providers sign nothing, so the webhook URL must carry HTTP basic-auth
 *   credentials (`https://user:pass@sb.example.com/ingress/email/postmark`) equal to the channel's
 *   `signing_key` written `user:pass`; without it every request is refused (403).
 *
 * Then, before the body is read:
 * - the envelope recipient must be the channel's `from`; mail for any other address runs nothing
 *   (Mailgun 406 and Postmark 403 stop their retries; SendGrid retries anything but 2xx, so 200);
 * - the sender's proof: mailauth on the raw MIME when the provider forwards it (Mailgun `body-mime`,
 *   SendGrid "POST the raw, full MIME message", Postmark `RawEmail`), plus the provider's own
 *   SPF/DKIM verdicts (email-providers.ts); `verified` only when one passes aligned with the From
 *   domain. An `unverified` sender's command runs as such (a code is asked of the real address).
 *
 * Spam (Mailgun `X-Mailgun-Sflag: Yes`, Postmark `X-Spam-Status: Yes`, SendGrid `spam_score` ≥ 5)
 * and mail from unknown senders are acknowledged (200) and run nothing, so providers do not retry
 * them. Answers to refusals go back by email (the channel's `smtp`).
 */
import { Hono, type Context } from 'hono';
import { simpleParser } from 'mailparser';
import { identifySender, normalizeEmail } from '../../auth/identity.ts';
import type { ChannelConfig } from '../../config/schema.ts';
import { guarded } from '../../executions/redis.ts';
import { extractEmailCommand, mailFieldsFromParsed } from './command.ts';
import { parseWebhookForm } from './form.ts';
import { MAIL_PARSE_OPTIONS } from './html-text.ts';
import { emailIdempotencyKey, handleInboundEmail } from './inbound.ts';
import { mailgunMail, postmarkMail, sendgridMail, type ProviderMail } from './webhook-providers.ts';
import { checkBasicAuth, MAILGUN_WINDOW_SECONDS, verifyMailgunSignature } from './webhook-auth.ts';
import { authenticateMail, dnsResolver, judgeProviderAuth, type SenderCheck } from './verify.ts';
import type { HttpIngress, IngressDeps } from '../../ingress/ingress.ts';

type EmailChannel = Extract<ChannelConfig, { kind: 'email' }>;
type Provider = NonNullable<EmailChannel['webhook']>;

const channelsFor = (deps: IngressDeps, provider: Provider): EmailChannel[] =>
  [...deps.config.channels.values()].filter((c): c is EmailChannel => c.kind === 'email' && c.webhook === provider);

/** The answer that refuses a delivery and stops the provider's retries. */
const REFUSED_STATUS = { mailgun: 406, postmark: 403, sendgrid: 200 } as const;

/** The envelope recipients are all the channel's `from` (and there is one). */
export function forChannel(mail: Pick<ProviderMail, 'recipients'>, channel: Pick<EmailChannel, 'from'>): boolean {
  const own = normalizeEmail(channel.from);
  return mail.recipients.length > 0 && mail.recipients.every((r) => normalizeEmail(r) === own);
}

/** The proof of the sender: mailauth on the raw MIME when there is one, else (or also) the provider's verdicts. */
async function senderCheck(channel: EmailChannel, mail: ProviderMail): Promise<SenderCheck> {
  const fromProvider = judgeProviderAuth(mail.auth, mail.from);
  if (fromProvider.proof === 'verified' || !mail.raw || mail.from.ambiguous) return fromProvider;
  // no client address: SPF cannot be checked here, DKIM and DMARC can
  const input = { raw: Buffer.from(mail.raw, 'utf8'), ip: '', helo: '', sender: mail.envelopeFrom, mta: 'switchboard' };
  const raw = await authenticateMail(input, mail.from, ['dmarc'], dnsResolver(channel.resolvers));
  return { proof: raw.proof, results: [...raw.results, ...fromProvider.results] };
}

/** Runs the mail of an authenticated webhook; answers 200 whatever the command's outcome. */
async function runProviderMail(c: Context, deps: IngressDeps, channel: EmailChannel, provider: Provider, mail: ProviderMail, body: Buffer) {
  const log = deps.logger.child({ component: 'email-webhook', provider, channel: channel.name });
  if (!forChannel(mail, channel)) {
    log.warn({ id: mail.providerId }, "mail for another address than the channel's from: nothing run");
    return c.json({ status: 'refused', reason: 'recipient' }, REFUSED_STATUS[provider]);
  }
  if (mail.spam) {
    log.info({ id: mail.providerId }, 'spam: nothing run');
    return c.json({ status: 'ignored', reason: 'spam' });
  }
  // nobody's address: nothing to check, nothing to parse
  if (!identifySender(deps.config, 'email', mail.from.address)) {
    log.info({ id: mail.providerId }, 'email from an unknown sender: nothing run');
    return c.json({ status: 'ignored', reason: 'unknown_sender' });
  }
  const check = await senderCheck(channel, mail);
  log.info({ id: mail.providerId, proof: check.proof, results: check.results }, 'sender checked');
  const fields = mail.raw ? mailFieldsFromParsed(await simpleParser(mail.raw, MAIL_PARSE_OPTIONS)) : mail.fields;
  const cmd = extractEmailCommand({ ...fields, from: mail.from.address });
  const key = emailIdempotencyKey(cmd, mail.providerId ? `${provider}:${mail.providerId}` : body);
  const result = await handleInboundEmail(deps, channel.name, cmd, { idempotencyKey: key, proof: check.proof });
  if (result.kind !== 'ran') return c.json({ status: 'ignored', reason: result.kind });
  return c.json({ status: 'handled', outcome: result.outcome.kind });
}

function forbidden(c: Context, deps: IngressDeps, provider: Provider, reason: string) {
  deps.logger.child({ component: 'email-webhook', provider }).warn({ reason }, 'webhook refused: nothing run');
  return c.json({ error: { code: 'forbidden', message: 'webhook not authenticated' } }, 403);
}

const readBody = async (c: Context) => Buffer.from(await c.req.arrayBuffer());

/**
 * @example
 * # channels/email-in.yaml
 * name: email-in
 * kind: email
 * from: ops@sb.example.com
 * webhook: mailgun
 * signing_key: ${MAILGUN_SIGNING_KEY}
 */
export const emailWebhookIngress: HttpIngress = {
  name: 'email-webhooks',
  routes(deps) {
    const app = new Hono();

    app.post('/email/mailgun', async (c) => {
      const channels = channelsFor(deps, 'mailgun');
      if (channels.length === 0) return c.notFound();
      const body = await readBody(c);
      const form = parseWebhookForm(body, c.req.header('content-type') ?? '');
      const fields = { timestamp: form.get('timestamp'), token: form.get('token'), signature: form.get('signature') };
      // 1-3. signature, window; the channel is the one whose key signed it
      const checks = channels.map((ch) => ({ ch, check: verifyMailgunSignature(fields, ch.signing_key ?? '', deps.now()) }));
      const signed = checks.find((x) => x.check.ok);
      if (!signed) return forbidden(c, deps, 'mailgun', checks.map((x) => (x.check.ok ? 'ok' : x.check.reason)).join(','));
      // 4. each token once; Redis away: 503 even with a spool (a token claimed only in this process
      // would let a captured request be replayed with another body to another gateway)
      const tokenKey = `{${deps.config.main.redis.prefix}}:email:mailgun-token:${fields.token}`;
      const fresh = await guarded(deps.redis, () => deps.redis.set(tokenKey, '1', 'EX', MAILGUN_WINDOW_SECONDS * 2, 'NX'));
      if (fresh !== 'OK') return forbidden(c, deps, 'mailgun', 'token reused');
      return runProviderMail(c, deps, signed.ch, 'mailgun', mailgunMail(form), body);
    });

    app.post('/email/postmark', async (c) => {
      const channels = channelsFor(deps, 'postmark');
      if (channels.length === 0) return c.notFound();
      const channel = channels.find((ch) => checkBasicAuth(c.req.header('authorization'), ch.signing_key));
      if (!channel) return forbidden(c, deps, 'postmark', 'basic auth');
      const body = await readBody(c);
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return c.json({ error: { code: 'bad_request', message: 'body is not JSON' } }, 400);
      }
      return runProviderMail(c, deps, channel, 'postmark', postmarkMail(json), body);
    });

    app.post('/email/sendgrid', async (c) => {
      const channels = channelsFor(deps, 'sendgrid');
      if (channels.length === 0) return c.notFound();
      const channel = channels.find((ch) => checkBasicAuth(c.req.header('authorization'), ch.signing_key));
      if (!channel) return forbidden(c, deps, 'sendgrid', 'basic auth');
      const body = await readBody(c);
      const form = parseWebhookForm(body, c.req.header('content-type') ?? '');
      return runProviderMail(c, deps, channel, 'sendgrid', sendgridMail(form), body);
    });

    return app;
  },
};
