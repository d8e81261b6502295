/** Slack: slash commands, events, buttons, Socket Mode in; chat.postMessage out. The pure half: config code imports this file only. */
import { z } from 'zod';
import { channelBase, secret } from '../../config/channel-base.ts';
import { defineProvider } from '../provider.ts';

export const manifest = defineProvider({
  kind: 'slack',
  channel: z
    .object({
      ...channelBase,
      kind: z.literal('slack'),
      token: secret().describe('bot token (xoxb-): sends messages'),
      signing_secret: secret().optional().describe("verifies Slack's requests: enables slash commands, events and buttons over HTTP"),
      app_token: secret().optional().describe('xapp- token: enables Socket Mode'),
    })
    .strict(),
  userKey: 'slack',
  userKeyDescription: 'Slack user id, e.g. U0ALICE',
  reply: { target: (r) => r.channel, arrivedOn: 'channel_name', confirm: 'origin', edits: true },
  load: () => import('./runtime.ts'),
});
