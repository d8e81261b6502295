/**
 * `POST /ingress/twilio/sms`: Twilio's inbound SMS webhook (docs/providers/twilio.md), answered with
 * TwiML right away. The result of a queued command follows later through the `origin` delivery.
 *
 * 1. Pick the sms channel the text was sent to (`To` = its `from`, or its messaging service, or
 *    the only sms channel); its auth token verifies `X-Twilio-Signature` over the *public* URL
 *    (`server.public_url`). Missing or wrong: 403, nothing runs.
 * 2. A MessageSid already answered gets the same answer again and runs nothing (Twilio re-sends
 *    on timeouts). The signature has no timestamp: every MessageSid is also remembered for
 *    `ingress.seen_ids_days` (auth/seen-ids.ts), whatever the execution retention, and one seen
 *    again after its answer expired gets an empty TwiML and runs nothing (a replay).
 * 3. STOP-like keywords record an opt-out in the channel's SinkState (the sms sink then skips that
 *    number), START-like ones clear it; both are answered with an empty TwiML (Twilio sends the
 *    carrier-required confirmation itself).
 * 4. Per-sender rate limit (counted in the same round trip as step 2), then identity: unknown
 *    senders run nothing.
 * 5. `HELP`/`INFO`/`help [filter] [page]` answer the sender's own commands, paged for SMS.
 * 6. Anything else goes through the shared pipeline (`runCommand`) as the person who sent it; the
 *    TwiML reply is the ack (the alias's `ack.format`, else `Queued <id>: <alias>`).
 * 7. Redis away, with a spool (`spool:`, src/spool/): see `answerOffline`; a command is kept in the
 *    spool and answered with TwiML saying so (200: Twilio does not retry), its ack sent when it runs.
 * WhatsApp (`From: whatsapp:+…`, whatsapp.ts): the same steps, the person known by the number; each
 * message opens WhatsApp's 24-hour session (kept in the channel's SinkState for the sink), and the
 * origin's reply says `medium: 'whatsapp'` so answers go back on WhatsApp.
 */
import { Hono, type Context } from 'hono';
import { errorBody } from '../../api/errors.ts';
import { identifySender, maskAddress, normalizePhone } from '../../auth/identity.ts';
import { answeredOrCounted, slowDownText, type RateDecision } from '../../auth/rate-limit.ts';
import { formParams, verifyTwilioSignature } from './signature.ts';
import { seenIds } from '../../auth/seen-ids.ts';
import type { ChannelConfig } from '../../config/types.ts';
import { executionKeys } from '../../executions/keys.ts';
import { UnavailableError } from '../../errors.ts';
import { guarded } from '../../executions/redis.ts';
import { channelState } from '../../redis/channel-state.ts';
import type { SinkState } from '../../sinks/sink.ts';
import { optOutKey } from './sink.ts';
import { isWhatsApp, SESSION_MS, sessionKey, WHATSAPP_PREFIX } from './whatsapp.ts';
import type { HttpIngress } from '../../ingress/ingress.ts';
import { parseHelpRequest, smsKeyword } from './keywords.ts';
import { smsHelpPage } from './help.ts';
import { outcomeReply } from './replies.ts';
import { twimlMessage } from './twiml.ts';

export const TWILIO_SMS_PATH = '/twilio/sms';
/** how long a MessageSid's answer is kept for re-sent webhooks */
const REPLY_TTL_SECONDS = 86_400;

type SmsChannel = Extract<ChannelConfig, { kind: 'sms' }>;
type Reply = { text: string; keep: boolean };

interface ChannelEntry {
  channel: SmsChannel;
  number?: string;
  /** the number of `whatsapp_from`, when it differs from `from` */
  whatsappNumber?: string;
  state: SinkState;
}

/** The sms channel a message to `to` (or via `serviceSid`) arrived on. */
function pickChannel(entries: readonly ChannelEntry[], to: string, serviceSid: string): ChannelEntry | undefined {
  const number = to ? normalizePhone(to) : undefined;
  return (
    entries.find((e) => number !== undefined && (e.number === number || e.whatsappNumber === number)) ??
    entries.find((e) => serviceSid !== '' && e.channel.messaging_service_sid === serviceSid) ??
    (entries.length === 1 ? entries[0] : undefined)
  );
}

/**
 * The Twilio SMS ingress.
 *
 * @example
 * // src/ingress/index.ts
 * export const httpIngresses: HttpIngress[] = [twilioSmsIngress];
 */
export const twilioSmsIngress: HttpIngress = {
  name: 'twilio-sms',
  routes(deps) {
    const { config, redis } = deps;
    const logger = deps.logger.child({ component: 'ingress', ingress: 'twilio-sms' });
    const execKeys = executionKeys(config.main.redis.prefix);
    const prefix = execKeys.prefix;
    const entries: ChannelEntry[] = [...config.channels.values()]
      .filter((c): c is SmsChannel => c.kind === 'sms')
      .map((channel) => ({
        channel,
        ...(channel.from !== undefined && { number: normalizePhone(channel.from) }),
        ...(channel.whatsapp_from !== undefined && { whatsappNumber: normalizePhone(channel.whatsapp_from) }),
        state: channelState(redis, config.main.redis.prefix, channel.name),
      }));
    const aliases = new Map(config.aliases.map((a) => [a.id, a] as const));
    const sids = seenIds(redis, prefix, 'sms', config.main.ingress.seen_ids_days);
    const base = config.main.server.public_url?.replace(/\/+$/, '');
    const signedUrlBase = base === undefined ? undefined : `${base}/ingress${TWILIO_SMS_PATH}`;
    if (entries.length > 0 && signedUrlBase === undefined) {
      logger.warn('server.public_url is not set: every Twilio webhook will be refused (its signature covers that URL)');
    }

    /** The answer text for a verified message ('' = empty TwiML), and whether to keep a copy for a re-sent webhook. */
    async function answer(entry: ChannelEntry, form: URLSearchParams, sid: string, phone: string, rate: RateDecision): Promise<Reply> {
      const text = await answerText(entry, form, sid, phone, rate);
      return typeof text === 'string' ? { text, keep: true } : text;
    }

    async function answerText(entry: ChannelEntry, form: URLSearchParams, sid: string, phone: string, rate: RateDecision): Promise<string | Reply> {
      const from = form.get('From') ?? '';
      const body = form.get('Body') ?? '';
      const keyword = smsKeyword(body);
      // 0. WhatsApp (`From: whatsapp:+…`): the person is known by the number, answered on WhatsApp; their
      //    message opens WhatsApp's 24-hour session for free-form answers (whatsapp.ts)
      const wa = isWhatsApp(from);
      if (wa) await entry.state.set(sessionKey(phone), new Date(deps.now()).toISOString(), SESSION_MS / 1000 + 3_600);
      const optOut = optOutKey(wa ? `${WHATSAPP_PREFIX}${phone}` : phone);
      // 1. compliance keywords, for anyone (known or not), never rate limited
      if (keyword === 'opt_out') {
        await entry.state.set(optOut, new Date(deps.now()).toISOString());
        logger.info({ sender: maskAddress(phone), channel: entry.channel.name }, 'sms opt-out recorded');
        return '';
      }
      if (keyword === 'opt_in') {
        await entry.state.delete(optOut);
        logger.info({ sender: maskAddress(phone), channel: entry.channel.name }, 'sms opt-out cleared');
        return '';
      }
      // 2. rate limit per sender number, then identity
      const user = identifySender(config, 'sms', from);
      if (!rate.allowed) {
        logger.info({ sender: maskAddress(phone), count: rate.count }, 'sms sender rate limited');
        deps.metrics?.commandReceived('sms', 'rate_limited');
        return user ? slowDownText(rate) : '';
      }
      if (!user) {
        logger.info({ sender: maskAddress(phone) }, 'sms from unknown sender ignored');
        return config.main.ingress.unknown_sender_reply ?? '';
      }
      // 3. help, answered here and paged for SMS
      const help = keyword === 'help' ? { page: 1 } : parseHelpRequest(body);
      if (help) return smsHelpPage(deps, user, help.filter, help.page).text;
      // 4. the command, as the person who sent it
      const outcome = await runSmsCommand(entry, form, sid, user);
      const text = outcomeReply(outcome, (id) => aliases.get(id));
      // the default ack is made of the execution id and the alias alone: the same MessageSid finds
      // the same execution again, so a re-sent webhook gets this text without a stored copy
      const reproducible = outcome.kind === 'queued' && !outcome.confirmed && !outcome.completed && aliases.get(outcome.alias)?.ack?.format === undefined;
      return { text, keep: !reproducible };
    }

    function runSmsCommand(entry: ChannelEntry, form: URLSearchParams, sid: string, user: string) {
      const from = form.get('From') ?? '';
      return deps.runCommand({
        text: form.get('Body') ?? '',
        source: 'sms',
        user,
        origin: {
          source: 'sms',
          sender: from,
          reply: { to: from, from: form.get('To') ?? '', channel: entry.channel.name, ...(isWhatsApp(from) && { medium: 'whatsapp' }) },
          message_id: sid,
          proof: 'verified',
        },
        idempotencyKey: `sms:${sid}`,
        sendAck: false,
      });
    }

    /**
     * Redis away, with a spool (src/spool/): the answer without Redis. Nothing is remembered (the
     * MessageSid, the rate count, a WhatsApp session, STOP/START: those answer 503 as before); a
     * command is matched and authorised here and kept in the spool, its TwiML saying so; a re-sent
     * webhook finds the same spooled entry by its MessageSid. The ack follows by SMS once it runs.
     */
    async function answerOffline(entry: ChannelEntry, form: URLSearchParams, sid: string, away: UnavailableError): Promise<string> {
      const body = form.get('Body') ?? '';
      if (smsKeyword(body) === 'opt_out' || smsKeyword(body) === 'opt_in') throw away;
      const user = identifySender(config, 'sms', form.get('From') ?? '');
      if (!user) return config.main.ingress.unknown_sender_reply ?? '';
      const help = smsKeyword(body) === 'help' ? { page: 1 } : parseHelpRequest(body);
      if (help) return smsHelpPage(deps, user, help.filter, help.page).text;
      const outcome = await runSmsCommand(entry, form, sid, user);
      return outcomeReply(outcome, (id) => aliases.get(id));
    }

    const app = new Hono();
    app.post(TWILIO_SMS_PATH, async (c: Context) => {
      const form = new URLSearchParams(await c.req.text());
      const entry = pickChannel(entries, form.get('To') ?? '', form.get('MessagingServiceSid') ?? '');
      if (!entry || signedUrlBase === undefined) {
        logger.warn({ to: maskAddress(form.get('To') ?? '') }, 'sms webhook refused: no sms channel or no public_url to verify it');
        return c.json(errorBody('invalid_signature', 'the request cannot be verified'), 403);
      }
      // 1. the URL Twilio signed: the public one, with the query string as received
      const raw = c.req.url;
      const q = raw.indexOf('?');
      const url = q === -1 ? signedUrlBase : signedUrlBase + raw.slice(q);
      if (!verifyTwilioSignature(entry.channel.auth_token, c.req.header('x-twilio-signature'), url, formParams(form))) {
        logger.warn({ channel: entry.channel.name }, 'sms webhook refused: bad or missing X-Twilio-Signature');
        return c.json(errorBody('invalid_signature', 'X-Twilio-Signature is missing or wrong'), 403);
      }
      const sid = form.get('MessageSid') ?? '';
      if (sid === '' || sid.length > 64) return c.json(errorBody('invalid_request', 'MessageSid is required'), 400);
      // 2. a message already answered gets the same answer and runs nothing again; one round trip
      //    reads that answer or counts the sender for the rate limit. `guarded`: Redis not ready or
      //    gone is an UnavailableError, a 503, and Twilio tries its fallback URL.
      const phone = normalizePhone(form.get('From') ?? '');
      const now = deps.now();
      const twiml = await guarded(redis, async () => {
        const cacheKey = `${prefix}:ingress-sms:${sid}`;
        const doneKey = execKeys.idem(`sms:${sid}`);
        const seen = await answeredOrCounted(redis, { answerKey: cacheKey, doneKey }, prefix, `sms:${phone}`, config.main.limits.per_sender_per_minute, now);
        if ('answer' in seen) return seen.answer;
        // a MessageSid answered longer ago than its stored answer or execution lives: a replay (one
        // whose execution still exists is a re-send, answered from that execution below)
        if ((await sids.seen(sid, now)) && (await redis.exists(doneKey)) === 0) {
          logger.warn({ sender: maskAddress(phone), channel: entry.channel.name }, 'sms webhook refused: MessageSid already handled (replay)');
          return twimlMessage('');
        }
        const reply = await answer(entry, form, sid, phone, seen.rate);
        const fresh = twimlMessage(reply.text);
        // a queued command's default ack needs no copy: sent again, the same MessageSid finds the
        // same execution (its idempotency key) and so the same id. Anything else is kept, not
        // awaited (a repeat arriving before the copy is written still runs nothing twice).
        if (reply.keep) {
          redis.set(cacheKey, fresh, 'EX', REPLY_TTL_SECONDS).catch((err: Error) => logger.warn({ err: err.message }, 'sms answer not cached'));
        }
        await sids.remember(sid, now);
        return fresh;
      }).catch(async (err: unknown) => {
        if (!(err instanceof UnavailableError) || !config.main.spool) throw err;
        return twimlMessage(await answerOffline(entry, form, sid, err));
      });
      return xml(c, twiml);
    });
    return app;
  },
};

const xml = (c: Context, body: string) => c.body(body, 200, { 'Content-Type': 'text/xml; charset=utf-8' });
