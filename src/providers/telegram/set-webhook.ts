/**
 * `switchboard telegram-webhook [--config DIR] [--channel NAME] [--url PUBLIC_URL] [--delete]`:
 * points the bot's webhook at this Switchboard (Bot API setWebhook, at the channel's `api_url`):
 * `<url>/ingress/telegram/<channel>`, with the channel's `secret_token` (which Telegram then sends
 * in X-Telegram-Bot-Api-Secret-Token) and `allowed_updates: [message, callback_query]`. getMe
 * first, so a wrong token is said plainly. `--delete` removes the webhook (deleteWebhook).
 * Exit codes: 0 done, 1 Telegram refused (its description printed), 2 config or usage error.
 */
import type { Env } from '../../config/env.ts';
import { formatDiagnostic, loadConfig } from '../../config/load.ts';
import type { ChannelConfig } from '../../config/types.ts';
import { callBotApi, DEFAULT_API_URL, TelegramApiError } from './api.ts';

export interface TelegramWebhookArgs {
  config: string;
  channel?: string;
  /** the public base URL Telegram calls (default `server.public_url`) */
  url?: string;
  delete?: boolean;
  env?: Env;
}

type TelegramChannel = Extract<ChannelConfig, { kind: 'telegram' }>;

/** The webhook URL of a channel on a public base URL. */
export function webhookUrl(base: string, channel: string): string {
  return `${base.replace(/\/+$/, '')}/ingress/telegram/${encodeURIComponent(channel)}`;
}

/**
 * @example
 * await runTelegramWebhook({ config: '.', url: 'https://sb.example.com' }, { out: console.log, err: console.error });
 * // Webhook set for @OpsBot: https://sb.example.com/ingress/telegram/telegram
 */
export async function runTelegramWebhook(args: TelegramWebhookArgs, io: { out(s: string): void; err(s: string): void }): Promise<number> {
  const { config, diagnostics } = await loadConfig(args.config, { ...(args.env && { env: args.env }), overlaps: false });
  if (!config) {
    for (const d of diagnostics.filter((x) => x.severity === 'error')) io.err(formatDiagnostic(d));
    return 2;
  }
  const all = [...config.channels.values()].filter((c): c is TelegramChannel => c.kind === 'telegram');
  const channel = args.channel === undefined ? (all.length === 1 ? all[0] : undefined) : all.find((c) => c.name === args.channel);
  if (!channel) {
    const names = all.map((c) => c.name).join(', ') || '(none)';
    io.err(
      args.channel === undefined
        ? `${all.length} telegram channels (${names}): pass --channel NAME`
        : `no telegram channel "${args.channel}"; telegram channels: ${names}`,
    );
    return 2;
  }
  const bot = { apiUrl: channel.api_url ?? DEFAULT_API_URL, token: channel.token };
  try {
    const me = await callBotApi<{ username?: string }>(bot, 'getMe', {}, AbortSignal.timeout(15_000));
    const who = me.username ? `@${me.username}` : 'the bot';
    if (args.delete) {
      await callBotApi(bot, 'deleteWebhook', {}, AbortSignal.timeout(15_000));
      io.out(`Webhook deleted for ${who}`);
      return 0;
    }
    if (channel.secret_token === undefined) {
      io.err(
        `channel "${channel.name}" has no secret_token: set one (e.g. \`openssl rand -hex 32\`) so Switchboard can tell Telegram's requests from forged ones`,
      );
      return 2;
    }
    const base = args.url ?? config.main.server.public_url;
    if (base === undefined) {
      io.err('no public URL: pass --url https://sb.example.com or set server.public_url');
      return 2;
    }
    const url = webhookUrl(base, channel.name);
    await callBotApi(
      bot,
      'setWebhook',
      { url, secret_token: channel.secret_token, allowed_updates: ['message', 'callback_query'] },
      AbortSignal.timeout(15_000),
    );
    io.out(`Webhook set for ${who}: ${url}`);
    return 0;
  } catch (err) {
    const why = err instanceof TelegramApiError ? `${err.errorCode} ${err.description}` : (err as Error).message.replaceAll(channel.token, '***');
    io.err(`telegram refused: ${why}`);
    return 1;
  }
}
