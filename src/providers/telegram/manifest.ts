/**
 * telegram: a Telegram bot, inbound (the Bot API webhook at /ingress/telegram[/:channel], checked
 * with `X-Telegram-Bot-Api-Secret-Token`) and outbound (sendMessage). Set-up: docs/providers/telegram.md.
 * The pure half: config code imports this file only.
 */
import { z } from 'zod';
import { channelBase, secret } from '../../config/channel-base.ts';
import { defineProvider } from '../provider.ts';

/** The `secret_token` setWebhook accepts: 1-256 characters of `A-Z a-z 0-9 _ -`. */
export const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

export const telegramChannel = z
  .object({
    ...channelBase,
    kind: z.literal('telegram'),
    token: secret().describe('the bot token from @BotFather (`123456:ABC-...`): sends messages'),
    secret_token: secret()
      .regex(SECRET_TOKEN_PATTERN, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and - (what setWebhook accepts)')
      .optional()
      .describe(
        'the secret_token given to setWebhook: enables inbound commands at /ingress/telegram/NAME (Telegram sends it in X-Telegram-Bot-Api-Secret-Token)',
      ),
    bot_username: z
      .string()
      .regex(/^@?[A-Za-z0-9_]{3,64}$/, "must be the bot's username, e.g. SwitchboardBot")
      .optional()
      .describe("the bot's username: `/sb@NAME` and `@NAME` are removed from commands (default: any `/sb@...`, learned with getMe)"),
  })
  .strict();

export const manifest = defineProvider({
  kind: 'telegram',
  channel: telegramChannel,
  userKey: 'telegram',
  userKeyDescription: 'Telegram user id (a number: message.from.id), e.g. "123456789"',
  reply: { target: (r) => r.chat_id },
  load: () => import('./runtime.ts'),
});
