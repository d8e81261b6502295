/**
 * What each email provider's inbound webhook says, mapped to one shape (pure): the mail's fields,
 * or its raw MIME when the provider forwards that instead, the recipient, a spam verdict and the
 * provider's own message id. Quirks of each provider stay in this file.
 */
import type { MailFields } from './email-command.ts';
import type { WebhookForm } from './email-form.ts';

export interface ProviderMail {
  /** parsed fields; empty `from` when only `raw` is given */
  fields: MailFields;
  /** full MIME text, when the provider sent it (Mailgun `body-mime`, SendGrid `email`) */
  raw?: string;
  recipients: string[];
  spam: boolean;
  /** the provider's id of this delivery, for idempotency when the mail has no Message-ID */
  providerId?: string;
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
  const header = (name: string) => headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? form.get(name);
  const raw = form.get('body-mime');
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
    recipients: (form.get('recipient') ?? '').split(',').map((r) => r.trim()).filter(Boolean),
    spam: /^yes/i.test(header('X-Mailgun-Sflag') ?? ''),
    ...optional('providerId', form.get('token')),
  };
}

interface PostmarkBody {
  From?: string;
  FromFull?: { Email?: string };
  ToFull?: { Email?: string }[];
  To?: string;
  OriginalRecipient?: string;
  Subject?: string;
  TextBody?: string;
  HtmlBody?: string;
  MessageID?: string;
  Headers?: { Name?: string; Value?: string }[];
}

/** Postmark inbound JSON. Its `MessageID` is Postmark's id; the mail's own is in `Headers`. */
export function postmarkMail(body: unknown): ProviderMail {
  const b = (body ?? {}) as PostmarkBody;
  const header = (name: string) => b.Headers?.find((h) => h.Name?.toLowerCase() === name.toLowerCase())?.Value;
  const recipients = [...(b.ToFull ?? []).map((t) => t.Email ?? ''), b.OriginalRecipient ?? ''].filter(Boolean);
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
    recipients: recipients.length ? recipients : (b.To ?? '').split(',').map((r) => r.trim()).filter(Boolean),
    spam: /^yes/i.test(header('X-Spam-Status') ?? ''),
    ...optional('providerId', b.MessageID),
  };
}

/** SendGrid's spam_score above which a mail is treated as spam (SpamAssassin's default threshold). */
export const SENDGRID_SPAM_THRESHOLD = 5;

/** SendGrid Inbound Parse (multipart), parsed or "send raw" (`email`). */
export function sendgridMail(form: WebhookForm): ProviderMail {
  const headers = form.get('headers') ?? '';
  let envelopeTo: string[] = [];
  try {
    envelopeTo = (JSON.parse(form.get('envelope') ?? '{}') as { to?: string[] }).to ?? [];
  } catch {
    envelopeTo = [];
  }
  const raw = form.get('email');
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
    recipients: envelopeTo.length ? envelopeTo : (form.get('to') ?? '').split(',').map((r) => r.trim()).filter(Boolean),
    spam: Number.isFinite(score) && score >= SENDGRID_SPAM_THRESHOLD,
  };
}
