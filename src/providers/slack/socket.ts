/**
 * Slack Socket Mode (a slack channel with `app_token`): no public URL, no request signing. One
 * websocket per such channel (@slack/socket-mode); each envelope is handed to the same handlers
 * as the HTTP routes (buttons: interactions.ts) and acked once handled (slash commands with their ephemeral reply). An
 * envelope whose handling failed is not acked, so Slack delivers it again.
 */
import { SocketModeClient } from '@slack/socket-mode';
import type { Logger as SlackLogger } from '@slack/web-api';
import { LogLevel } from '@slack/web-api';
import type { Logger } from '../../log.ts';
import type { ListenerIngress } from '../../ingress/ingress.ts';
import { handleSlashCommand, parseSlashCommand } from './command-handler.ts';
import { createSlackContext } from './context.ts';
import { handleSlackEvent, type SlackEventEnvelope } from './event-handler.ts';
import { socketModeSlackChannels } from './inbound.ts';
import { handleInteraction, type BlockActions } from './interactions.ts';

/** What @slack/socket-mode hands a `slack_event` listener. */
interface SocketEnvelope {
  ack(response?: Record<string, unknown>): Promise<void>;
  envelope_id: string;
  type: string;
  body: unknown;
  retry_num?: number;
  retry_reason?: string;
}

/** The client's own chatter goes to our logger, at debug (warnings and errors at warn). */
function slackLoggerOver(log: Logger): SlackLogger {
  return {
    debug: (...m: unknown[]) => log.debug(m.join(' ')),
    info: (...m: unknown[]) => log.debug(m.join(' ')),
    warn: (...m: unknown[]) => log.warn(m.join(' ')),
    error: (...m: unknown[]) => log.warn(m.join(' ')),
    setLevel: () => {},
    getLevel: () => LogLevel.DEBUG,
    setName: () => {},
  };
}

/** Slack's answers to apps.connections.open that no retry can fix (a wrong or revoked app token). */
const unrecoverable = new Set(['not_authed', 'invalid_auth', 'account_inactive', 'user_removed_from_team', 'team_disabled']);
const MAX_RETRY_MS = 60_000;

/**
 * Starts `client`; when the first connection fails (Slack unreachable at boot, which the client
 * itself does not retry), tries again with a doubling delay up to a minute, until stopped. A
 * wrong app token is reported once and not retried.
 */
function connectUntilStopped(client: SocketModeClient, log: Logger, isStopped: () => boolean, timers: Set<NodeJS.Timeout>, attempt = 0): void {
  client.start().then(
    () => log.info('slack socket mode connected'),
    (err: unknown) => {
      const code = (err as { data?: { error?: string } }).data?.error;
      if (code && unrecoverable.has(code)) return log.error({ err: code }, 'slack socket mode refused: check the app_token');
      if (isStopped()) return;
      const delay = Math.min(MAX_RETRY_MS, 1000 * 2 ** attempt);
      log.warn({ err: (err as Error).message, retry_in_ms: delay }, 'slack socket mode could not connect; retrying');
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!isStopped()) connectUntilStopped(client, log, isStopped, timers, attempt + 1);
      }, delay);
      timer.unref();
      timers.add(timer);
    },
  );
}

/**
 * @example
 * # channels/slack-ops.yaml
 * name: slack-ops
 * kind: slack
 * token: ${SLACK_BOT_TOKEN}
 * app_token: ${SLACK_APP_TOKEN}     # xapp-…, scope connections:write
 */
export const slackSocketIngress: ListenerIngress = {
  name: 'slack-socket',
  async start(deps) {
    const channels = socketModeSlackChannels(deps.config.channels);
    if (channels.length === 0) return undefined;
    const ctx = createSlackContext(deps, 'slack-socket');
    const clients: SocketModeClient[] = [];
    const timers = new Set<NodeJS.Timeout>();
    let stopped = false;

    for (const channel of channels) {
      const log = ctx.log.child({ channel: channel.name });
      const client = new SocketModeClient({
        appToken: channel.app_token ?? '',
        logger: slackLoggerOver(log),
        clientOptions: { slackApiUrl: channel.api_url ?? 'https://slack.com/api/' },
      });
      client.on('slack_event', (envelope: SocketEnvelope) => {
        void handleEnvelope(envelope).catch((err: unknown) =>
          log.error({ err: (err as Error).message, type: envelope.type }, 'slack socket envelope not handled; Slack will re-deliver it'),
        );
      });
      const handleEnvelope = async (e: SocketEnvelope) => {
        const body = (typeof e.body === 'object' && e.body !== null ? e.body : {}) as Record<string, unknown>;
        if (e.type === 'slash_commands') {
          const cmd = parseSlashCommand(body);
          const reply = cmd ? await handleSlashCommand(ctx, channel, cmd) : undefined;
          return e.ack(reply ? { ...reply } : {});
        }
        if (e.type === 'events_api') {
          await handleSlackEvent(ctx, channel, body as SlackEventEnvelope, {
            ...(e.retry_num !== undefined && { num: e.retry_num }),
            ...(e.retry_reason !== undefined && { reason: e.retry_reason }),
          });
        }
        // buttons (confirmation prompts, alerts' ACK / Silence 1h), as over /ingress/slack/interactions
        if (e.type === 'interactive') {
          const done = await handleInteraction(deps, channel, body as BlockActions, log);
          log.info({ slack_user: (body as BlockActions).user?.id, done }, 'slack interaction handled');
        }
        return e.ack();
      };
      // connecting must not hold the gateway up; once connected the client reconnects on its own
      connectUntilStopped(client, log, () => stopped, timers);
      clients.push(client);
    }

    return {
      async stop() {
        stopped = true;
        for (const t of timers) clearTimeout(t);
        await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
      },
    };
  },
};
