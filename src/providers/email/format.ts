/**
 * Shapes one message as an email (pure): subject (`Re: ` when replying), a text part and an HTML
 * part, and the threading headers (RFC 5322 3.6.4) built from `replyTo.message_id`/`references`, or
 * for a conversation (`thread`, an alert's follow-ups) from the first message's Message-ID. A firing
 * alert's text ends with the answer line (`Reply ACK 4821 or SILENCE 4821 2h`).
 */
import { createHash } from 'node:crypto';
import type { OutboundMessage } from '../../sinks/sink.ts';
import { withAnswerLine } from '../../sinks/alert-text.ts';
import { plainText, splitAttachment } from '../../sinks/render.ts';

export interface EmailParts {
  subject: string;
  text: string;
  html: string;
  /** deterministic, so a retried delivery carries the same Message-ID */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Markdown-ish text to small HTML: code fences become `<pre>`, paragraphs `<p>` with line breaks. */
export function textToHtml(text: string): string {
  const out: string[] = [];
  const parts = text.split(/^```[a-z0-9_-]*\s*$/im);
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      out.push(`<pre style="font-family:monospace">${escapeHtml(part.replace(/^\n|\n$/g, ''))}</pre>`);
      return;
    }
    for (const para of part.split(/\n{2,}/)) {
      const t = para.trim();
      if (t) out.push(`<p>${escapeHtml(t).replace(/\n/g, '<br>')}</p>`);
    }
  });
  return out.join('\n');
}

/** `Re: subject`, unless it already starts with `Re:` (any case). */
export function replySubject(subject: string): string {
  return /^re:/i.test(subject.trim()) ? subject.trim() : `Re: ${subject.trim()}`;
}

/** Where a message stands in its conversation (`OutboundMessage.thread`) to one recipient. */
export interface EmailThread {
  /** the Message-ID of the conversation's first message to this recipient */
  root: string;
  /** that first message's subject (follow-ups say `Re: ` it) */
  subject: string;
  /** true for the first message itself: it carries `root` as its own Message-ID */
  first: boolean;
}

/**
 * The deterministic Message-ID of a conversation's first message to one recipient, on the domain of `from`.
 *
 * @example
 * threadRootId('alert:01JA', 'alice@example.com', 'Switchboard <sb@sb.test>') // '<thread-3f2a…@sb.test>'
 */
export function threadRootId(thread: string, to: string, from: string): string {
  const hash = createHash('sha256').update(`${thread}\n${to.trim().toLowerCase()}`).digest('hex').slice(0, 32);
  return `<thread-${hash}@${domainOf(from)}>`;
}

const domainOf = (from: string) => /@([^>\s]+)/.exec(from)?.[1] ?? 'switchboard.local';

const angle = (id: string) => (id.trim().startsWith('<') ? id.trim() : `<${id.trim()}>`);

/**
 * @example
 * formatEmail(message, 'alerts@example.com').subject // 'Re: restart web' when message.replyTo.message_id is set
 */
export function formatEmail(m: OutboundMessage, from: string, thread?: EmailThread): EmailParts {
  const domain = domainOf(from);
  const hash = createHash('sha256').update(m.id).digest('hex').slice(0, 32);
  const messageId = `<sb.${hash}@${domain}>`;
  const source = withAnswerLine(m.text, m.alert);
  const { pretext, body } = splitAttachment(source);
  const html = textToHtml(body === undefined ? pretext : `${pretext}\n\n\`\`\`\n${body}\n\`\`\``);
  const parent = m.replyTo?.message_id;
  if (!parent && thread?.first) return { subject: m.subject, text: plainText(source), html, messageId: thread.root };
  if (!parent && thread) {
    const root = angle(thread.root);
    return { subject: replySubject(thread.subject), text: plainText(source), html, messageId, inReplyTo: root, references: [root] };
  }
  if (!parent) return { subject: m.subject, text: plainText(source), html, messageId };
  const prior = (m.replyTo?.references ?? '').split(/\s+/).filter(Boolean).map(angle);
  const references = [...prior.filter((r) => r !== angle(parent)), angle(parent)];
  return {
    subject: replySubject(m.replyTo?.subject ?? m.subject),
    text: plainText(source),
    html,
    messageId,
    inReplyTo: angle(parent),
    references,
  };
}
