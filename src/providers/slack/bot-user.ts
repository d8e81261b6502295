/**
 * Our own bot's Slack user id, per slack channel: needed to strip `<@BOT>` from a mention and to
 * drop our own messages (so Switchboard never answers itself). Taken from the event's
 * `authorizations[0]` when Slack says it is a bot, else asked once of `auth.test` and cached.
 */
import { LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../../log.ts';
import type { SlackChannel } from './inbound.ts';

const AUTH_TEST_TIMEOUT_MS = 1500;

export interface SlackAuthorization {
  user_id?: string;
  is_bot?: boolean;
}

export interface BotUserResolver {
  /** the bot user id of `channel`'s app; undefined when it cannot be learnt right now */
  botUserId(channel: SlackChannel, authorizations?: readonly SlackAuthorization[]): Promise<string | undefined>;
}

/** @slack/web-api's logger interface over nothing: auth.test failures are logged by the resolver. */
export const quietSlackLogger: SlackLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/**
 * @example
 * const bots = createBotUserResolver(logger);
 * const botUserId = await bots.botUserId(channel, envelope.authorizations);
 */
export function createBotUserResolver(logger: Logger): BotUserResolver {
  const known = new Map<string, string>();
  const pending = new Map<string, Promise<string | undefined>>();

  const askAuthTest = async (channel: SlackChannel): Promise<string | undefined> => {
    const client = new WebClient(channel.token, {
      slackApiUrl: channel.api_url ?? 'https://slack.com/api/',
      retryConfig: { retries: 0 },
      timeout: AUTH_TEST_TIMEOUT_MS,
      logger: quietSlackLogger,
      allowAbsoluteUrls: false,
    });
    try {
      const res = await client.auth.test();
      if (typeof res.user_id === 'string' && res.user_id) {
        known.set(channel.name, res.user_id);
        return res.user_id;
      }
    } catch (err) {
      logger.warn({ channel: channel.name, err: (err as { code?: string }).code ?? (err as Error).message }, 'slack auth.test failed; bot user id unknown');
    }
    return undefined;
  };

  return {
    async botUserId(channel, authorizations) {
      const auth = authorizations?.[0];
      if (auth?.is_bot && auth.user_id) return auth.user_id;
      const cached = known.get(channel.name);
      if (cached) return cached;
      let asking = pending.get(channel.name);
      if (!asking) {
        asking = askAuthTest(channel).finally(() => pending.delete(channel.name));
        pending.set(channel.name, asking);
      }
      return asking;
    },
  };
}
