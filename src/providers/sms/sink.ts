/**
 * `sms` sink: Twilio Messages through twilio-node, pointed at `api_url` by a custom httpClient.
 * The text is fitted into `segment_budget` segments (GSM-7 / UCS-2 counted) and, when cut, ends at a
 * word with the execution id. A recipient who replied STOP (error 21610) is remembered in SinkState
 * as `optout:<number>`; later sends to that number are skipped without calling Twilio.
 * A firing alert's text carries its answer line (`Reply ACK 4821 or SILENCE 4821 2h`); a
 * conversation's follow-ups (`thread`: an alert's resolve) go from the number its first message went
 * from (`thread:<key>:<number>` in SinkState), so replies reach the same conversation on the phone.
 * A `whatsapp:+…` target is sent from the channel's WhatsApp sender, as free-form text within
 * WhatsApp's 24-hour session, else as the channel's `whatsapp_template` (whatsapp.ts).
 */
import twilio from 'twilio';
import { redactText } from '../../log.ts';
import { DEFAULT_TIMEOUT_MS, httpStatusError, parseRetryAfter, startDeadline, throwIfAborted, transportError } from '../../sinks/failure.ts';
import { plainText, referenceId, targetOf } from '../../sinks/render.ts';
import { channelSecrets, channelSettings } from '../../sinks/settings.ts';
import { defineSink, SinkError } from '../../sinks/sink.ts';
import { countSegments, fitSegments } from './segments.ts';
import { alertAnswerLine, withAnswerLine } from '../../sinks/alert-text.ts';
import { createTwilioHttpClient, type TwilioProbe } from './twilio-http-client.ts';
import { fitWhatsApp, inSession, isWhatsApp, sessionKey, templateVariables, whatsappSender } from './whatsapp.ts';
import { maskAddress, normalizePhone } from '../../auth/identity.ts';
import type { OutboundMessage, SinkState } from '../../sinks/sink.ts';

/** Twilio error codes that fail a delivery for good because of the recipient. */
const invalidRecipient = new Set([21211, 21614, 21612, 21608, 21635, 21408, 21265]);

const optional = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : ({ [k]: v } as { [P in K]: V }));

type WhatsAppPlan = { kind: 'free-form' } | { kind: 'template'; contentSid: string; variables?: Record<string, string> } | { kind: 'refused'; reason: string };

/** How a WhatsApp delivery to `to` may go: free-form within the session, else the channel's template, else not at all. */
async function whatsappPlan(
  settings: { name: string; whatsapp_template?: { content_sid: string; variables?: Record<string, string> } | undefined },
  state: SinkState,
  to: string,
): Promise<WhatsAppPlan> {
  const phone = normalizePhone(to);
  if (inSession(await state.get(sessionKey(phone)), Date.now())) return { kind: 'free-form' };
  const t = settings.whatsapp_template;
  if (t) return { kind: 'template', contentSid: t.content_sid, ...optional('variables', t.variables) };
  return {
    kind: 'refused',
    reason: `sms: WhatsApp ${maskAddress(phone)} has not written to channel ${settings.name} in the last 24 hours, so WhatsApp allows only a template, and the channel has no whatsapp_template: nothing sent`,
  };
}

/** How long a conversation's sender is remembered per recipient. */
const THREAD_TTL_S = 30 * 24 * 3600;

/**
 * A firing alert's text with its answer line (`Reply ACK 4821 or SILENCE 4821 2h`) within the
 * segment budget: at the end when everything fits, else first, so cutting the text keeps it.
 */
function fitAlertSegments(text: string, m: OutboundMessage, budget: number): string {
  const ref = referenceId(m);
  if (m.alert?.status !== 'firing') return fitSegments(text, budget, ref);
  const full = withAnswerLine(text, m.alert);
  if (countSegments(full).segments <= budget) return full;
  // too long: the line goes first (moved from the end when the message already has it), the rest is cut
  const line = alertAnswerLine(m.alert);
  return fitSegments(`${line}\n${text.replace(line, '').trim()}`, budget, ref);
}

/** SinkState key remembering that `number` opted out. */
export const optOutKey = (number: string) => `optout:${number}`;

/**
 * @example
 * # channels/sms.yaml
 * name: sms
 * kind: sms
 * account_sid: ACxxxxxxxx
 * auth_token: ${TWILIO_AUTH_TOKEN}
 * from: "+15550001111"
 * segment_budget: 2
 */
export const smsSink = defineSink({
  kind: 'sms',
  settings: channelSettings('sms'),
  create(settings, deps) {
    const basic = Buffer.from(`${settings.account_sid}:${settings.auth_token}`).toString('base64');
    const secrets = [...channelSecrets(settings), basic];
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!settings.from && !settings.messaging_service_sid) {
      throw new Error(`sms channel ${settings.name}: set \`from\` or \`messaging_service_sid\``);
    }
    return {
      async send(m, signal) {
        throwIfAborted('sms', signal);
        const to = targetOf(m, settings.default_target);
        if (!to) throw new SinkError('sms: no recipient and no default_target', 'invalid_target', false);
        if (await deps.state.get(optOutKey(to))) return { skipped: 'opted out' };
        // WhatsApp (`whatsapp:+…`): free-form text within 24 hours of the person's last message, else the template
        const wa = isWhatsApp(to) ? await whatsappPlan(settings, deps.state, to) : undefined;
        if (wa?.kind === 'refused') throw new SinkError(wa.reason, 'client_error', false);
        const text = plainText(m.text || m.subject);
        const body = wa ? fitWhatsApp(withAnswerLine(text, m.alert), referenceId(m)) : fitAlertSegments(text, m, settings.segment_budget);
        const variables = wa?.kind === 'template' ? templateVariables(wa.variables, m) : undefined;
        const template: { contentSid: string; contentVariables?: string } | undefined =
          wa?.kind === 'template' ? { contentSid: wa.contentSid, ...(variables !== undefined && { contentVariables: variables }) } : undefined;
        // a conversation's follow-ups go from the number its first message went from (a messaging service picks among several)
        const threadKey = m.thread && !wa ? `thread:${m.thread}:${normalizePhone(to)}` : undefined;
        const threadFrom = threadKey ? await deps.state.get(threadKey) : undefined;
        const from = wa ? whatsappSender(settings) : (threadFrom ?? settings.from);
        const probe: TwilioProbe = { status: 0, retryAfter: null };
        const deadline = startDeadline(signal, timeoutMs);
        const client = twilio(settings.account_sid, settings.auth_token, {
          httpClient: createTwilioHttpClient({ apiUrl: settings.api_url, deadline, probe }),
        });
        try {
          const msg = await client.messages.create({
            to,
            ...(template ?? { body }),
            ...(settings.messaging_service_sid ? { messagingServiceSid: settings.messaging_service_sid } : { from }),
            ...(settings.messaging_service_sid && threadFrom ? { from: threadFrom } : {}),
          });
          if (threadKey && !threadFrom && msg.from) await deps.state.setIfAbsent(threadKey, msg.from, THREAD_TTL_S);
          return {
            externalId: msg.sid,
            sent: { text: template ? `template ${template.contentSid} ${template.contentVariables ?? ''}`.trim() : body, target: to },
          };
        } catch (err) {
          const e = err as { status?: number; code?: number; message?: string };
          if (typeof e.status !== 'number' || !probe.status) throw transportError('sms', err, deadline, secrets);
          const text = redactText(`sms: Twilio ${e.code ?? e.status}: ${e.message ?? ''}`.slice(0, 300), secrets);
          const retryAfterMs = parseRetryAfter(probe.retryAfter);
          if (e.code === 21610) {
            await deps.state.set(optOutKey(to), new Date().toISOString());
            throw new SinkError(text, 'opted_out', false);
          }
          if (e.code !== undefined && invalidRecipient.has(e.code)) throw new SinkError(text, 'invalid_target', false);
          if (e.code === 63016)
            throw new SinkError(`${text} (WhatsApp: free-form text outside the 24-hour session; set whatsapp_template)`, 'client_error', false);
          if (e.status === 429 || e.code === 20429) throw new SinkError(text, 'rate_limited', true, retryAfterMs);
          if (e.code === 20003) throw new SinkError(text, 'auth_error', false);
          throw httpStatusError('sms', e.status, `Twilio ${e.code ?? ''}: ${e.message ?? ''}`, secrets, retryAfterMs);
        } finally {
          deadline.done();
        }
      },
    };
  },
});
