/**
 * Shapes one message as an email (pure): subject (`Re: ` when replying), a text part and an HTML
 * part, and the threading headers (RFC 5322 3.6.4) built from `replyTo.message_id`/`references`.
 */
import { createHash } from 'node:crypto';
import type { OutboundMessage } from '../../sinks/sink.ts';
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

const angle = (id: string) => (id.trim().startsWith('<') ? id.trim() : `<${id.trim()}>`);

/**
 * @example
 * formatEmail(message, 'alerts@example.com').subject // 'Re: restart web' when message.replyTo.message_id is set
 */
export function formatEmail(m: OutboundMessage, from: string): EmailParts {
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'switchboard.local';
  const hash = createHash('sha256').update(m.id).digest('hex').slice(0, 32);
  const messageId = `<sb.${hash}@${domain}>`;
  const { pretext, body } = splitAttachment(m.text);
  const html = textToHtml(body === undefined ? pretext : `${pretext}\n\n\`\`\`\n${body}\n\`\`\``);
  const parent = m.replyTo?.message_id;
  if (!parent) return { subject: m.subject, text: plainText(m.text), html, messageId };
  const prior = (m.replyTo?.references ?? '').split(/\s+/).filter(Boolean).map(angle);
  const references = [...prior.filter((r) => r !== angle(parent)), angle(parent)];
  return {
    subject: replySubject(m.replyTo?.subject ?? m.subject),
    text: plainText(m.text),
    html,
    messageId,
    inReplyTo: angle(parent),
    references,
  };
}
