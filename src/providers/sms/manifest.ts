/** SMS through Twilio: the messaging webhook in; the Messages API out. The pure half: config code imports this file only. */
import { z } from 'zod';
import { channelBase, secret } from '../../config/channel-base.ts';
import { defineProvider } from '../provider.ts';

export const manifest = defineProvider({
  kind: 'sms',
  channel: z
    .object({
      ...channelBase,
      kind: z.literal('sms'),
      account_sid: z.string().describe('Twilio Account SID (AC...)'),
      auth_token: secret().describe('Twilio auth token: sends, and verifies X-Twilio-Signature'),
      from: z.string().optional().describe('the Twilio number (E.164) texts are sent from and commands are texted to'),
      messaging_service_sid: z.string().optional().describe('a Messaging Service (MG...) to send through instead of `from`'),
      segment_budget: z.number().int().positive().default(3).describe('most SMS segments one message may use; a longer text is cut at a word'),
      whatsapp_from: z
        .string()
        .regex(/^whatsapp:\+[1-9]\d{6,14}$/, 'must be a WhatsApp sender: whatsapp:+ and the E.164 number, e.g. whatsapp:+15550001111')
        .optional()
        .describe('the WhatsApp sender (whatsapp:+1555...) answers to WhatsApp messages go from; default: `from` as whatsapp:'),
      whatsapp_template: z
        .object({
          content_sid: z
            .string()
            .regex(/^HX[0-9a-fA-F]{32}$/, 'must be a Content SID (HX and 32 hex digits)')
            .describe('the approved template (Content API SID, HX...)'),
          variables: z
            .record(z.string(), z.string())
            .optional()
            .describe('its variables, `"1": "{{ subject }}"`: templates over text, subject, data, execution'),
        })
        .strict()
        .optional()
        .describe("sent instead of the text outside WhatsApp's 24-hour session (no message from that person in 24 hours); absent: such deliveries fail"),
    })
    .strict()
    .superRefine((c, ctx) => {
      if (c.from === undefined && c.messaging_service_sid === undefined) {
        ctx.addIssue({ code: 'custom', path: ['from'], message: 'required to send: from (a Twilio number) or messaging_service_sid' });
      }
    }),
  userKey: 'phone',
  userKeyDescription:
    'E.164 phone number, e.g. +15551230001; written whatsapp:+15551230001, rule targets naming the person (`{channel: sms, user: NAME}`) reach them on WhatsApp',
  reply: { confirm: 'owner' },
  load: () => import('./runtime.ts'),
});
