/**
 * WhatsApp through the sms channel (docs/providers/twilio.md, "WhatsApp"). Twilio's WhatsApp
 * addresses are the E.164 number prefixed with `whatsapp:`; a person is identified by the number
 * alone (users.NAME.phone), but is answered on WhatsApp from the channel's WhatsApp sender.
 *
 * WhatsApp's 24-hour rule: a business may send free-form text only within 24 hours of the person's
 * last message to it; outside, only a pre-approved template (Twilio: `ContentSid` +
 * `ContentVariables`). Every inbound WhatsApp message is remembered in the channel's SinkState
 * ({@link sessionKey}), which the sink reads before it sends. Pure, apart from the key names.
 */
import { renderTemplate } from '../../templates/render.ts';
import type { OutboundMessage } from '../../sinks/sink.ts';

export const WHATSAPP_PREFIX = 'whatsapp:';
/** How long after a person's last message free-form text may be sent (WhatsApp Business policy). */
export const SESSION_MS = 24 * 3_600_000;
/** Longest WhatsApp body Twilio takes. */
export const WHATSAPP_MAX_CHARS = 1_600;

/** `whatsapp:+15551230001` is a WhatsApp address; `+15551230001` is not. */
export const isWhatsApp = (address: string): boolean => address.trim().toLowerCase().startsWith(WHATSAPP_PREFIX);

/** SinkState key holding when `phone` (E.164, no prefix) last wrote to the channel on WhatsApp (ISO time). */
export const sessionKey = (phone: string): string => `wa-session:${phone}`;

/**
 * Whether free-form text may go to a person whose last inbound WhatsApp message was at `lastInbound`.
 *
 * @example
 * inSession('2026-01-01T10:00:00Z', Date.parse('2026-01-02T09:59:59Z')) // true
 */
export function inSession(lastInbound: string | undefined, nowMs: number): boolean {
  const at = lastInbound === undefined ? Number.NaN : Date.parse(lastInbound);
  return !Number.isNaN(at) && nowMs - at < SESSION_MS && at - nowMs < 60_000;
}

/** The channel's WhatsApp sender: `whatsapp_from`, else `from` as `whatsapp:+…`, else none (a messaging service picks it). */
export function whatsappSender(settings: { whatsapp_from?: string | undefined; from?: string | undefined }): string | undefined {
  if (settings.whatsapp_from !== undefined) return settings.whatsapp_from;
  return settings.from !== undefined ? `${WHATSAPP_PREFIX}${settings.from.trim()}` : undefined;
}

/**
 * The template's `ContentVariables` JSON for one delivery: each configured variable rendered over
 * the delivery (`text`, `subject`, `data`, `execution`, `id`); `undefined` when none are configured.
 *
 * @example
 * templateVariables({ '1': '{{ subject }}' }, message) // '{"1":"ops.restart failed"}'
 */
export function templateVariables(variables: Record<string, string> | undefined, m: OutboundMessage): string | undefined {
  if (variables === undefined || Object.keys(variables).length === 0) return undefined;
  const ctx = { text: m.text, subject: m.subject, data: m.data, execution: m.execution ?? {}, id: m.id };
  return JSON.stringify(Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, fitWhatsApp(renderTemplate(v, ctx), m.execution?.id ?? m.id)])));
}

/**
 * The text cut to {@link WHATSAPP_MAX_CHARS} at a word, ending with the reference id when cut.
 *
 * @example
 * fitWhatsApp('short', '01J9') // 'short'
 */
export function fitWhatsApp(text: string, ref: string): string {
  const whole = text.trim();
  if ([...whole].length <= WHATSAPP_MAX_CHARS) return whole;
  const suffix = `… [id ${ref}]`;
  const room = [...whole].slice(0, WHATSAPP_MAX_CHARS - suffix.length).join('');
  const atWord = room.replace(/\s+\S*$/, '');
  return `${(atWord.length > room.length / 2 ? atWord : room).trimEnd()}${suffix}`;
}
