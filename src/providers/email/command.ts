/**
 * The command in an inbound email (pure): the first non-empty line of what the sender wrote, with
 * quoted replies, forwarded/original-message blocks and signatures removed; the subject (without
 * `Re:`/`Fwd:`) when the body says nothing. Fed by mailparser (SMTP listener, raw webhooks) or by a
 * provider's parsed fields (Mailgun, Postmark, SendGrid).
 */
import type { ParsedMail } from 'mailparser';
import { htmlToText } from './html-text.ts';

/** The parts of a mail the command is read from, whatever delivered it. */
export interface MailFields {
  /** header From: `"Alice" <alice@example.com>` or a bare address */
  from: string;
  subject?: string;
  text?: string;
  html?: string;
  /** with or without angle brackets */
  messageId?: string;
  inReplyTo?: string;
  references?: string | string[];
}

export interface EmailCommand {
  /** the header From address, lower-cased, without display name */
  sender: string;
  /** '' when neither body nor subject holds anything */
  text: string;
  /** `<id@host>`, undefined when the mail has none */
  messageId?: string;
  subject: string;
  /** the thread so far (References, else In-Reply-To), oldest first, each `<id>` */
  references: string[];
}

const ATTRIBUTION_END = /(wrote|writes|написал|написала|a écrit|schrieb|escribió|ha scritto|schreef|skrev|kirjoitti)\s*:\s*$/i;
const ORIGINAL_MESSAGE =
  /^\s*(-{2,}\s*(original message|forwarded message|mensaje original|message d'origine|ursprüngliche nachricht)\s*-{2,}|begin forwarded message:|_{10,}|-{10,})\s*$/i;
const HEADER_FROM = /^\s*\*?(from|von|de|от)\s*:\*?\s+\S/i;
const HEADER_NEXT = /^\s*\*?(sent|date|to|subject|gesendet|envoyé|отправлено)\s*:\*?\s/i;
const MOBILE_SIGNATURE = /^\s*(sent (from|with|via) |envoyé (de|depuis|avec) |get outlook for |von meinem .* gesendet)/i;
const SUBJECT_PREFIX = /^\s*(re|fwd?|aw|wg|sv|vs|antw|réf|tr)\s*(\[\d+\])?\s*:\s*/i;

const angle = (id: string) => {
  const t = id.trim();
  return t.startsWith('<') ? t : `<${t}>`;
};

/** `"Alice" <Alice@Example.com>` → `alice@example.com` */
export function addressOf(from: string): string {
  const m = /<([^>]*)>/.exec(from);
  return (m ? m[1]! : from).trim().toLowerCase();
}

/** Drops `Re:`, `Fwd:`, `AW:`... prefixes (repeated) from a subject. */
export function stripSubjectPrefixes(subject: string): string {
  let s = subject.trim();
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(SUBJECT_PREFIX, '').trim();
  }
  return s;
}

/** True when `lines[i]` (alone, or with the next line) is a reply attribution (`On … wrote:`). */
function isAttribution(lines: string[], i: number): boolean {
  const line = lines[i]!;
  if (ATTRIBUTION_END.test(line) && line.trim().length < 300) return true;
  const next = lines[i + 1];
  return next !== undefined && /^\s*(On|Le|Am|El|Il|Op|Den)\s/.test(line) && ATTRIBUTION_END.test(next) && !next.trimStart().startsWith('>');
}

/** An Outlook-style header block: `From: …` followed within three lines by `Sent:`/`Date:`/`To:`. */
function isHeaderBlock(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i]!)) return false;
  return lines.slice(i + 1, i + 4).some((l) => HEADER_NEXT.test(l));
}

/**
 * What the sender wrote: quoted lines (`>`) and reply attributions are dropped; an original or
 * forwarded message block, a `-- ` signature or a "Sent from my phone" line ends the text.
 *
 * @example
 * visibleText('status\n\nOn Tue, Bob wrote:\n> hi\n\nSent from my iPhone') // 'status'
 */
export function visibleText(body: string): string {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // 1. the end of what the sender wrote
    if (line === '-- ' || line.trim() === '--' || ORIGINAL_MESSAGE.test(line) || MOBILE_SIGNATURE.test(line) || isHeaderBlock(lines, i)) break;
    // 2. quotes and their attribution: skipped (bottom-posted replies follow them)
    if (/^\s*>/.test(line)) continue;
    if (isAttribution(lines, i)) {
      if (!ATTRIBUTION_END.test(line)) i += 1;
      continue;
    }
    kept.push(line);
  }
  return kept.join('\n').trim();
}

/** The first non-empty line of a text, trimmed. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}

/**
 * @example
 * extractEmailCommand({ from: 'Alice <alice@example.com>', subject: 'Re: deploy', text: 'restart web\n\n-- \nAlice' })
 * // { sender: 'alice@example.com', text: 'restart web', subject: 'Re: deploy', references: [], messageId: undefined }
 */
export function extractEmailCommand(mail: MailFields): EmailCommand {
  const subject = (mail.subject ?? '').trim();
  const plain = mail.text && mail.text.trim() !== '' ? mail.text : mail.html ? htmlToText(mail.html) : '';
  const text = firstLine(visibleText(plain)) || stripSubjectPrefixes(subject);
  const refs = (Array.isArray(mail.references) ? mail.references : (mail.references ?? '').split(/\s+/))
    .map((r) => r.trim())
    .filter(Boolean)
    .map(angle);
  const references = refs.length > 0 ? refs : mail.inReplyTo?.trim() ? [angle(mail.inReplyTo)] : [];
  return {
    sender: addressOf(mail.from),
    text,
    subject,
    references,
    ...(mail.messageId?.trim() ? { messageId: angle(mail.messageId) } : {}),
  };
}

/**
 * The fields of a mailparser result. A mail with no From, or with several From addresses, gets an
 * empty `from` (such a mail identifies nobody and runs nothing).
 */
export function mailFieldsFromParsed(mail: ParsedMail): MailFields {
  const from = mail.from?.value.length === 1 ? (mail.from.value[0]?.address ?? '') : '';
  return {
    from,
    ...(mail.subject !== undefined && { subject: mail.subject }),
    ...(mail.text !== undefined && { text: mail.text }),
    ...(typeof mail.html === 'string' && { html: mail.html }),
    ...(mail.messageId !== undefined && { messageId: mail.messageId }),
    ...(mail.inReplyTo !== undefined && { inReplyTo: mail.inReplyTo }),
    ...(mail.references !== undefined && { references: mail.references }),
  };
}
