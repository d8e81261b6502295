/**
 * A fake Twilio REST API (a real server): POST /2010-04-01/Accounts/{sid}/Messages.json with
 * Basic auth, answering 201 with the documented message resource (corpus:
 * twilio-message-create-response.json) or Twilio's error body `{code, message, more_info, status}`.
 * Numbers in `optedOut` answer 21610; numbers not in E.164 answer 21211. WhatsApp addresses
 * (`whatsapp:+E164`) need a `whatsapp:` From (63007); `ContentSid` + `ContentVariables` send a template.
 */
import { startHttpFake, type FakeResponse, type FakeServer, type RecordedRequest } from '../../../test/fakes/http-fake.ts';

export interface TwilioSent {
  sid: string;
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body: string;
  /** a template message (WhatsApp outside the 24-hour session): its Content SID and variables JSON */
  contentSid?: string;
  contentVariables?: string;
}

export interface TwilioFake extends FakeServer {
  messages: TwilioSent[];
  /** recipients that replied STOP */
  optedOut: Set<string>;
  /** answers the next request with Twilio error `code` and HTTP `status` */
  errorNext(code: number, status: number, headers?: Record<string, string>): void;
}

/** Twilio's error body, as its docs show it (corpus: twilio-error-21211.json). */
export function twilioError(code: number, status: number, message: string, headers?: Record<string, string>): FakeResponse {
  return { status, headers, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

const messages21: Record<number, string> = {
  21211: "The 'To' number is not a valid phone number.",
  21610: 'Attempt to send to unsubscribed recipient',
  21614: "'To' number is not a valid mobile number",
  20003: 'Authenticate',
  20429: 'Too Many Requests',
};

/** @example const twilio = await startTwilioFake({ accountSid: 'AC…', authToken: 'tok' }); */
export async function startTwilioFake(opts: { accountSid: string; authToken: string }): Promise<TwilioFake> {
  const messages: TwilioSent[] = [];
  const optedOut = new Set<string>();
  const expectedAuth = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;

  const route = (req: RecordedRequest): FakeResponse => {
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.path);
    if (!m || req.method !== 'POST') return twilioError(20404, 404, 'The requested resource was not found');
    if (req.headers.authorization !== expectedAuth || m[1] !== opts.accountSid) return twilioError(20003, 401, messages21[20003]!);
    const p = (req.parsed ?? {}) as Record<string, string>;
    const to = p.To ?? '';
    // WhatsApp: `whatsapp:+E164` on both ends (Twilio error 63007: no WhatsApp channel for that From)
    const whatsapp = to.startsWith('whatsapp:');
    if (!/^(?:whatsapp:)?\+[1-9]\d{6,14}$/.test(to)) return twilioError(21211, 400, `The 'To' number ${to} is not a valid phone number.`);
    if (whatsapp && p.From !== undefined && !p.From.startsWith('whatsapp:'))
      return twilioError(63007, 400, `Twilio could not find a Channel with the specified From address: ${p.From}`);
    if (!p.Body && !p.ContentSid && !p.MediaUrl) return twilioError(21619, 400, 'A text message body or media urls must be specified.');
    if (p.ContentVariables !== undefined) {
      try {
        JSON.parse(p.ContentVariables);
      } catch {
        return twilioError(21656, 400, 'The ContentVariables Parameter is invalid.');
      }
    }
    if (optedOut.has(to)) return twilioError(21610, 400, messages21[21610]!);
    if (!p.From && !p.MessagingServiceSid) return twilioError(21603, 400, "A 'From' or 'MessagingServiceSid' parameter is required");
    const sid = `SM${String(messages.length + 1).padStart(32, '0')}`;
    messages.push({
      sid,
      to,
      from: p.From,
      messagingServiceSid: p.MessagingServiceSid,
      body: p.Body ?? '',
      ...(p.ContentSid !== undefined && { contentSid: p.ContentSid }),
      ...(p.ContentVariables !== undefined && { contentVariables: p.ContentVariables }),
    });
    const now = new Date().toUTCString().replace('GMT', '+0000');
    return {
      status: 201,
      body: {
        account_sid: opts.accountSid,
        api_version: '2010-04-01',
        body: p.Body ?? '',
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: p.From ?? null,
        messaging_service_sid: p.MessagingServiceSid ?? null,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: null,
        sid,
        status: 'queued',
        subresource_uris: { media: `/2010-04-01/Accounts/${opts.accountSid}/Messages/${sid}/Media.json` },
        to,
        uri: `/2010-04-01/Accounts/${opts.accountSid}/Messages/${sid}.json`,
      },
    };
  };

  const fake = await startHttpFake(route);
  return {
    ...fake,
    messages,
    optedOut,
    errorNext: (code, status, headers) => fake.failNext(1, twilioError(code, status, messages21[code] ?? `error ${code}`, headers)),
  };
}
