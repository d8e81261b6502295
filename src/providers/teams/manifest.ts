/**
 * Microsoft Teams: an outgoing webhook in (HMAC-signed, answered inline); a Workflows / incoming
 * webhook out (Adaptive Cards). docs/providers/teams.md. The pure half: config code imports this file only.
 */
import { z } from 'zod';
import { channelBase, secret } from '../../config/channel-base.ts';
import { defineProvider } from '../provider.ts';

const base64Key = /^[A-Za-z0-9+/]+={0,2}$/;

export const manifest = defineProvider({
  kind: 'teams',
  channel: z
    .object({
      ...channelBase,
      kind: z.literal('teams'),
      hmac_secret: secret()
        .regex(base64Key, 'must be the security token Teams showed when the outgoing webhook was created (base64)')
        .optional()
        .describe("the outgoing webhook's security token (base64): enables commands at /ingress/teams/NAME"),
      webhook_url: z
        .string()
        .url()
        .meta({ secret: true, writeOnly: true })
        .optional()
        .describe('a Workflows ("When a Teams webhook request is received") or incoming webhook URL: notifications and results are posted there'),
    })
    .strict()
    .superRefine((c, ctx) => {
      if (c.hmac_secret === undefined && c.webhook_url === undefined) {
        ctx.addIssue({ code: 'custom', path: ['webhook_url'], message: 'set webhook_url (to send), hmac_secret (to receive commands), or both' });
      }
    }),
  userKey: 'teams',
  userKeyDescription: 'Teams user: the Entra ID (AAD) object id, e.g. 6f3d1c2a-…, or the Teams id 29:…',
  // the card goes to the channel's webhook whatever the target; prompts are answered inline, to the person Teams named
  reply: { confirm: 'origin' },
  load: () => import('./runtime.ts'),
});
