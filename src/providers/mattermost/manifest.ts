/**
 * Mattermost: slash commands and outgoing webhooks in (token-verified, answered in place); posts
 * through the REST API v4 out. docs/providers/mattermost.md. The pure half: config code imports
 * this file only.
 */
import { z } from 'zod';
import { channelBase, secret } from '../../config/channel-base.ts';
import { defineProvider } from '../provider.ts';

export const mattermostChannel = z
  .object({
    ...channelBase,
    kind: z.literal('mattermost'),
    api_url: z.string().url().describe('the Mattermost server URL, e.g. https://chat.example.com (the REST API is {api_url}/api/v4)'),
    token: secret().describe("the bot account's access token: posts messages"),
    command_token: secret().optional().describe("the slash command's token: enables POST /ingress/mattermost/commands"),
    outgoing_token: secret().optional().describe("the outgoing webhook's token: enables POST /ingress/mattermost/outgoing"),
    default_target: z.string().optional().describe('the channel id (26 characters) a delivery goes to when its rule names no target'),
  })
  .strict();

export type MattermostChannel = z.output<typeof mattermostChannel>;

export const manifest = defineProvider({
  kind: 'mattermost',
  channel: mattermostChannel,
  userKey: 'mattermost',
  userKeyDescription: 'Mattermost user id (26 characters, e.g. 9ghtx1cnyfr3tgmhz5kfr5gw7r)',
  reply: { target: (r) => r.channel, arrivedOn: 'channel_name', confirm: 'origin' },
  load: () => import('./runtime.ts'),
});
