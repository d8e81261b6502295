/** Discord: the `/sb` slash command (interactions endpoint, Ed25519) in; channel messages and interaction follow-ups out. The pure half. */
import { z } from 'zod';
import { channelBase, secret } from '../../config/channel-base.ts';
import { defineProvider } from '../provider.ts';

export const DISCORD_API_URL = 'https://discord.com/api/v10';

export const manifest = defineProvider({
  kind: 'discord',
  channel: z
    .object({
      ...channelBase,
      kind: z.literal('discord'),
      application_id: z
        .string()
        .regex(/^\d{1,25}$/, 'the application id is a number (Developer Portal, General Information)')
        .describe('the application id (Developer Portal, General Information)'),
      public_key: z
        .string()
        .regex(/^\s*[0-9a-fA-F]{64}\s*$/, 'the public key is 64 hex digits (Developer Portal, General Information)')
        .optional()
        .describe("the application's hex Ed25519 public key: verifies interactions, enables the /sb slash command at /ingress/discord/interactions"),
      token: secret().describe('the bot token (Developer Portal, Bot): sends channel messages and registers /sb'),
      command: z
        .string()
        .regex(/^[-_a-z0-9]{1,32}$/, 'a slash command name is 1-32 lowercase letters, digits, - or _')
        .default('sb')
        .describe("the slash command's name, registered by `switchboard discord-register`"),
    })
    .strict(),
  userKey: 'discord',
  userKeyDescription: 'Discord user id (a snowflake, e.g. 80351110224678912)',
  reply: { target: (r) => r.channel_id, arrivedOn: 'channel_name', confirm: 'origin' },
  load: () => import('./runtime.ts'),
});

export type DiscordChannel = z.output<typeof manifest.channel>;
