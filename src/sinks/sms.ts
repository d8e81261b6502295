/**
 * `sms` sink: Twilio Messages through twilio-node, pointed at `api_url` by a custom httpClient.
 * The text is fitted into `segment_budget` segments (GSM-7 / UCS-2 counted) and, when cut, ends at a
 * word with the execution id. A recipient who replied STOP (error 21610) is remembered in SinkState
 * as `optout:<number>`; later sends to that number are skipped without calling Twilio.
 */
import twilio from 'twilio';
import { redactText } from '../log.ts';
import { DEFAULT_TIMEOUT_MS, httpStatusError, parseRetryAfter, startDeadline, throwIfAborted, transportError } from './failure.ts';
import { plainText, referenceId, targetOf } from './render.ts';
import { channelSecrets, channelSettings } from './settings.ts';
import { defineSink, SinkError } from './sink.ts';
import { fitSegments } from './sms-segments.ts';
import { createTwilioHttpClient, type TwilioProbe } from './twilio-http-client.ts';

/** Twilio error codes that fail a delivery for good because of the recipient. */
const invalidRecipient = new Set([21211, 21614, 21612, 21608, 21635, 21408, 21265]);

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
        const body = fitSegments(plainText(m.text || m.subject), settings.segment_budget, referenceId(m));
        const probe: TwilioProbe = { status: 0, retryAfter: null };
        const deadline = startDeadline(signal, timeoutMs);
        const client = twilio(settings.account_sid, settings.auth_token, {
          httpClient: createTwilioHttpClient({ apiUrl: settings.api_url, deadline, probe }),
        });
        try {
          const msg = await client.messages.create({
            to,
            body,
            ...(settings.messaging_service_sid ? { messagingServiceSid: settings.messaging_service_sid } : { from: settings.from }),
          });
          return { externalId: msg.sid, sent: { text: body, target: to } };
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
