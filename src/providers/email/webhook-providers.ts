/**
 * What each email provider's inbound webhook says, mapped to one shape (pure): the mail's fields,
 * or its raw MIME when the provider forwards that instead, the header From read the way DMARC
 * reads it, the envelope recipients, the provider's own SPF/DKIM verdicts, a spam verdict and the
 * provider's own message id. Quirks of each provider stay in this file.
 *
 * Verdicts are taken only where the provider wrote them, never from headers a sender could add:
 * Mailgun's `X-Mailgun-Spf` / `X-Mailgun-Dkim-Check-Result` count only when every copy says
 * `Pass`; Postmark's `Received-SPF`, `Authentication-Results` and SpamAssassin `X-Spam-Tests` only
 * in the block Postmark puts first (up to its `Received-SPF`); SendGrid's `SPF` and `dkim` are form
 * fields of their own.
 */
import type { MailFields } from './command.ts';
import type { WebhookForm } from './form.ts';
import { domainOf, headerFrom, headerFromRaw, headerLines, headerValues, type HeaderFrom } from './sender.ts';
import type { ProviderAuth, ProviderPass } from './verify.ts';

export interface ProviderMail {
  /** parsed fields; empty `from` when only `raw` is given */
  fields: MailFields;
  /** full MIME text, when the provider sent it (Mailgun `body-mime`, SendGrid `email`, Postmark `RawEmail`) */
  raw?: string;
  /** the header From (of `raw` when given) */
  from: HeaderFrom;
  /** MAIL FROM as the provider saw it ('' when it does not say) */
  envelopeFrom: string;
  /** the envelope recipients (RCPT TO), else the header To */
  recipients: string[];
  /** the provider's own SPF/DKIM verdicts */
  auth: ProviderAuth;
  spam: boolean;
  /** the provider's id of this delivery, for idempotency when the mail has no Message-ID */
  providerId?: string;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);

/** `d=` of each `DKIM-Signature` header value. */
const signingDomains = (values: readonly string[]) => values.map((v) => /(?:^|;)\s*d\s*=\s*([^;\s]+)/i.exec(v)?.[1]?.toLowerCase() ?? '');

/** The results of an `Authentication-Results` header value, as provider passes. */
export function authResultsPasses(value: string): ProviderPass[] {
  const passes: ProviderPass[] = [];
  for (const part of value.split(';').slice(1)) {
    const m = /^\s*(spf|dkim|dmarc)\s*=\s*pass\b(.*)$/is.exec(part);
    if (!m) continue;
    const method = m[1]!.toLowerCase() as ProviderPass['method'];
    const prop = method === 'spf' ? /smtp\.mailfrom=([^\s;]+)/i : method === 'dkim' ? /header\.(?:d|i)=([^\s;]+)/i : /header\.from=([^\s;]+)/i;
    const value = prop.exec(m[2]!)?.[1] ?? '';
    const domain = value.includes('@') ? domainOf(value) : value.toLowerCase();
    if (domain) passes.push({ method, domains: [domain] });
  }
  return passes;
}

/** Headers as `Name: value` lines (SendGrid `headers`), unfolded; first occurrence of `name`. */
export function headerFromBlock(block: string, name: string): string | undefined {
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return m?.[1]?.trim();
}

const optional = <K extends string>(key: K, value: string | undefined) => (value ? ({ [key]: value } as Record<K, string>) : {});

/** Mailgun route `forward()`: parsed fields, or `body-mime` for a URL ending in `mime`. */
export function mailgunMail(form: WebhookForm): ProviderMail {
  let headers: [string, string][] = [];
  try {
    headers = JSON.parse(form.get('message-headers') ?? '[]') as [string, string][];
  } catch {
    headers = [];
  }
  const all = (name: string) => headers.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => String(v));
  const header = (name: string) => all(name)[0] ?? form.get(name);
  const raw = form.get('body-mime');
  const rawLines = raw ? headerLines(raw) : [];
  const every = (name: string) => [form.get(name), ...all(name), ...headerValues(rawLines, name)].filter((v): v is string => v !== undefined);
  // a verdict counts when every copy of it says Pass (a sender's own forged copy cannot outvote Mailgun's)
  const saysPass = (name: string) => {
    const values = every(name);
    return values.length > 0 && values.every((v) => /^\s*pass\b/i.test(v));
  };
  const envelopeFrom = (form.get('sender') ?? '').trim().toLowerCase();
  const dkimDomains = signingDomains(raw ? headerValues(rawLines, 'dkim-signature') : all('DKIM-Signature'));
  const passes: ProviderPass[] = [];
  if (saysPass('X-Mailgun-Spf') && envelopeFrom) passes.push({ method: 'spf', domains: [domainOf(envelopeFrom)] });
  // Mailgun does not say which signature passed: every signature's domain must align
  if (saysPass('X-Mailgun-Dkim-Check-Result') && dkimDomains.length > 0) passes.push({ method: 'dkim', domains: dkimDomains });
  const fromValues = raw ? undefined : all('From');
  return {
    fields: {
      from: form.get('from') ?? header('From') ?? '',
      ...optional('subject', form.get('subject') ?? header('Subject')),
      ...optional('text', form.get('body-plain')),
      ...optional('html', form.get('body-html')),
      ...optional('messageId', header('Message-Id')),
      ...optional('inReplyTo', header('In-Reply-To')),
      ...optional('references', header('References')),
    },
    ...(raw && { raw }),
    from: raw ? headerFromRaw(raw) : headerFrom(fromValues && fromValues.length > 0 ? fromValues : list1(form.get('from'))),
    envelopeFrom,
    recipients: list(form.get('recipient')),
    auth: {
      passes,
      results: [
        `spf=${every('X-Mailgun-Spf').join('/') || 'none'}(${domainOf(envelopeFrom)})`,
        `dkim=${every('X-Mailgun-Dkim-Check-Result').join('/') || 'none'}(${dkimDomains.join(',')})`,
      ],
    },
    spam: /^yes/i.test(header('X-Mailgun-Sflag') ?? ''),
    ...optional('providerId', form.get('token')),
  };
}

const list1 = (value: string | undefined) => (value ? [value] : []);

interface PostmarkBody {
  From?: string;
  FromName?: string;
  FromFull?: { Email?: string; Name?: string };
  RawEmail?: string;
  ToFull?: { Email?: string }[];
  To?: string;
  OriginalRecipient?: string;
  Subject?: string;
  TextBody?: string;
  HtmlBody?: string;
  MessageID?: string;
  Headers?: { Name?: string; Value?: string }[];
}

/**
 * Postmark's own headers: the block it puts first (SpamAssassin's `X-Spam-*`, `Authentication-Results`),
 * up to and including its `Received-SPF`. Nothing when the list does not start that way.
 */
function postmarkBlock(headers: readonly { Name?: string; Value?: string }[]): { name: string; value: string }[] {
  const block: { name: string; value: string }[] = [];
  for (const h of headers) {
    const name = (h.Name ?? '').toLowerCase();
    if (!/^(x-spam-[a-z-]+|authentication-results|received-spf)$/.test(name)) return [];
    block.push({ name, value: h.Value ?? '' });
    if (name === 'received-spf') return block;
  }
  return [];
}

/** Postmark's verdicts (its leading header block) for a mail from `from`. */
function postmarkAuth(headers: readonly { Name?: string; Value?: string }[], from: HeaderFrom): ProviderAuth {
  const block = postmarkBlock(headers);
  const passes: ProviderPass[] = [];
  const results: string[] = [];
  for (const { name, value } of block) {
    if (name === 'received-spf') {
      const envelope = /envelope-from=<?([^\s;>]+)/i.exec(value)?.[1] ?? '';
      if (/^\s*pass\b/i.test(value) && envelope) passes.push({ method: 'spf', domains: [domainOf(envelope)] });
      results.push(`spf=${/^\s*(\w+)/.exec(value)?.[1]?.toLowerCase() ?? 'none'}(${domainOf(envelope)})`);
    } else if (name === 'authentication-results') {
      passes.push(...authResultsPasses(value));
    } else if (name === 'x-spam-tests' && from.address) {
      // SpamAssassin DKIM_VALID_AU: a valid signature from the author's (From) domain
      const au = value.split(/[\s,]+/).includes('DKIM_VALID_AU');
      if (au) passes.push({ method: 'dkim', domains: [domainOf(from.address)] });
      results.push(`dkim=${au ? 'valid_au' : 'none'}`);
    }
  }
  return { passes, results: results.length > 0 ? results : ['verdicts=none'] };
}

/** The From of a Postmark post: `From`, checked against `FromFull` and a display name free of addresses. */
function postmarkFrom(b: PostmarkBody): HeaderFrom {
  const from = headerFrom(list1(b.From || b.FromFull?.Email));
  if (from.ambiguous) return from;
  const full = b.FromFull?.Email?.trim().toLowerCase();
  if (full && full !== from.address) return { address: from.address, ambiguous: true, reason: 'several addresses' };
  if (/[^\s@<>"]+@[^\s@<>"]+/.test(`${b.FromName ?? ''} ${b.FromFull?.Name ?? ''}`))
    return { address: from.address, ambiguous: true, reason: 'address in display name' };
  return from;
}

/** Postmark inbound JSON. Its `MessageID` is Postmark's id; the mail's own is in `Headers`. */
export function postmarkMail(body: unknown): ProviderMail {
  const b = (body ?? {}) as PostmarkBody;
  const header = (name: string) => b.Headers?.find((h) => h.Name?.toLowerCase() === name.toLowerCase())?.Value;
  const to = (b.ToFull ?? []).map((t) => t.Email ?? '').filter(Boolean);
  const from = b.RawEmail ? headerFromRaw(b.RawEmail) : postmarkFrom(b);
  const envelope = /envelope-from=<?([^\s;>]+)/i.exec(postmarkBlock(b.Headers ?? []).find((h) => h.name === 'received-spf')?.value ?? '')?.[1] ?? '';
  return {
    fields: {
      from: b.FromFull?.Email || b.From || '',
      ...optional('subject', b.Subject),
      ...optional('text', b.TextBody),
      ...optional('html', b.HtmlBody),
      ...optional('messageId', header('Message-ID')),
      ...optional('inReplyTo', header('In-Reply-To')),
      ...optional('references', header('References')),
    },
    ...(b.RawEmail && { raw: b.RawEmail }),
    from,
    envelopeFrom: envelope.toLowerCase(),
    recipients: b.OriginalRecipient ? [b.OriginalRecipient] : to.length ? to : list(b.To),
    auth: postmarkAuth(b.Headers ?? [], from),
    spam: /^yes/i.test(header('X-Spam-Status') ?? ''),
    ...optional('providerId', b.MessageID),
  };
}

/** SendGrid's spam_score above which a mail is treated as spam (SpamAssassin's default threshold). */
export const SENDGRID_SPAM_THRESHOLD = 5;

/** SendGrid Inbound Parse (multipart), parsed or "send raw" (`email`). */
export function sendgridMail(form: WebhookForm): ProviderMail {
  const headers = form.get('headers') ?? '';
  let envelope: { to?: string[]; from?: string } = {};
  try {
    envelope = JSON.parse(form.get('envelope') ?? '{}') as { to?: string[]; from?: string };
  } catch {
    envelope = {};
  }
  const envelopeTo = Array.isArray(envelope.to) ? envelope.to : [];
  const envelopeFrom = typeof envelope.from === 'string' ? envelope.from.trim().toLowerCase() : '';
  const raw = form.get('email');
  const fromValues = raw ? [] : headerValues(headerLines(headers), 'from');
  const score = Number(form.get('spam_score'));
  return {
    fields: {
      from: form.get('from') ?? headerFromBlock(headers, 'From') ?? '',
      ...optional('subject', form.get('subject')),
      ...optional('text', form.get('text')),
      ...optional('html', form.get('html')),
      ...optional('messageId', headerFromBlock(headers, 'Message-Id')),
      ...optional('inReplyTo', headerFromBlock(headers, 'In-Reply-To')),
      ...optional('references', headerFromBlock(headers, 'References')),
    },
    ...(raw && { raw }),
    from: raw ? headerFromRaw(raw) : headerFrom(fromValues.length > 0 ? fromValues : list1(form.get('from'))),
    envelopeFrom,
    recipients: envelopeTo.length ? envelopeTo : list(form.get('to')),
    auth: sendgridAuth(form, envelopeFrom),
    spam: Number.isFinite(score) && score >= SENDGRID_SPAM_THRESHOLD,
  };
}

/** SendGrid's `SPF` (for the envelope sender) and `dkim` (`{@example.com : pass, @other.com : fail}`) fields. */
function sendgridAuth(form: WebhookForm, envelopeFrom: string): ProviderAuth {
  const spf = (form.get('SPF') ?? '').trim().toLowerCase();
  const dkim = form.get('dkim') ?? '';
  const passes: ProviderPass[] = [];
  if (spf === 'pass' && envelopeFrom) passes.push({ method: 'spf', domains: [domainOf(envelopeFrom)] });
  for (const m of dkim.matchAll(/@([^\s:{},]+)\s*:\s*(\w+)/g))
    if (m[2]!.toLowerCase() === 'pass') passes.push({ method: 'dkim', domains: [m[1]!.toLowerCase()] });
  return { passes, results: [`spf=${spf || 'none'}(${domainOf(envelopeFrom)})`, `dkim=${dkim.trim() || 'none'}`] };
}
