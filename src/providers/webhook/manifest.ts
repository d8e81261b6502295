/** a signed JSON POST out. The pure half: config code imports this file only. */
import { z } from 'zod';
import { channelBase, envSecrets, secret } from '../../config/channel-base.ts';
import { defineProvider } from '../provider.ts';

export const manifest = defineProvider({
  kind: 'webhook',
  channel: z
    .object({
      ...channelBase,
      kind: z.literal('webhook'),
      // often a credential itself (Slack, Discord, Teams incoming webhooks): redacted like one
      url: z.string().url().meta({ secret: true, writeOnly: true }).describe('the URL each delivery is POSTed to'),
      secret: secret().optional().describe('signs each POST: X-Switchboard-Timestamp and X-Switchboard-Signature'),
      headers: z.record(z.string(), z.string()).meta(envSecrets).default({}).describe('extra request headers'),
    })
    .strict(),
  load: () => import('./runtime.ts'),
});
