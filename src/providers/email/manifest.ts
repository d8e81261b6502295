/** email: an SMTP listener or a provider webhook in; SMTP out. The pure half: config code imports this file only. */
import { z } from 'zod';
import { channelBase, secret } from '../../config/channel-base.ts';
import { defineProvider } from '../provider.ts';

export const manifest = defineProvider({
  kind: 'email',
  channel: z
    .object({
      ...channelBase,
      kind: z.literal('email'),
      smtp: z
        .object({
          host: z.string().describe('SMTP server'),
          port: z.number().int().default(587).describe('SMTP port'),
          secure: z.boolean().default(false).describe('TLS from the first byte (port 465); false: STARTTLS when offered'),
          auth: z
            .object({ user: z.string().describe('SMTP user'), pass: secret().describe('SMTP password') })
            .strict()
            .optional()
            .describe('SMTP login'),
          ignore_tls: z.boolean().optional().describe('never STARTTLS (local relays, tests)'),
        })
        .strict()
        .optional()
        .describe('the server mail is sent through (a nodemailer transport)'),
      from: z.string().describe('sender of the mail sent, and the only address that accepts commands'),
      listen: z
        .object({
          host: z.string().default('127.0.0.1').describe('address the SMTP listener binds'),
          port: z.number().int().min(0).max(65535).describe('its port (25 when it is the MX itself)'),
          max_size: z.number().int().positive().default(1_048_576).describe('largest mail accepted, in bytes; beyond: 552, dropped'),
          tls: z
            .object({
              key: z.string().describe('private key: a PEM file path (relative to the config folder) or the PEM text'),
              cert: z.string().describe('certificate: a PEM file path or the PEM text'),
            })
            .strict()
            .optional()
            .describe('offers STARTTLS with this certificate'),
          verify: z
            .array(z.enum(['dkim', 'spf', 'dmarc']))
            .default(['dmarc'])
            .describe('checks a mail must pass, aligned with its From domain, for its sender to be verified; [] trusts every From (a warning at load)'),
          unverified: z
            .enum(['confirm', 'refuse'])
            .default('confirm')
            .describe('what happens to a command from an unverified sender: confirm (a code is sent to the real address) or refuse (550, nothing run)'),
          resolvers: z.array(z.string()).optional().describe('DNS servers (host or host:port) for DKIM/SPF/DMARC lookups; default: the system resolver'),
        })
        .strict()
        .optional()
        .describe('the built-in SMTP listener for commands (restart needed to change)'),
      webhook: z.enum(['mailgun', 'postmark', 'sendgrid']).optional().describe("commands from a provider's inbound webhook, POST /ingress/email/PROVIDER"),
      signing_key: secret()
        .optional()
        .describe('mailgun: the HTTP webhook signing key; postmark, sendgrid: `user:pass`, the basic-auth credentials in the webhook URL'),
      resolvers: z
        .array(z.string())
        .optional()
        .describe('DNS servers (host or host:port) for checking raw MIME forwarded by a webhook; default: the system resolver'),
    })
    .strict(),
  userKey: 'email',
  userKeyDescription: "email address: identifies a mail's sender and receives confirmation codes",
  reply: { confirm: 'owner' },
  load: () => import('./runtime.ts'),
});
