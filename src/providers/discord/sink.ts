/**
 * `discord` sink: a message in a Discord channel (`POST /channels/{id}/messages`, `Bot <token>`),
 * or, for an answer to a `/sb` command while its interaction token lives (15 minutes), a
 * follow-up to that interaction (`POST /webhooks/{application_id}/{token}`), which works in
 * channels the bot cannot post in and in DMs; a follow-up waits until the ingress has replaced the
 * command's deferred answer (`answeredKey` in the channel's sink state), since one sent before would
 * take that answer's place. Every message carries `allowed_mentions: {parse: []}`
 * and the values in it are Markdown-escaped (render.ts), so nothing a sender typed pings anyone or
 * becomes a link.
 */
import { startDeadline, throwIfAborted, DEFAULT_TIMEOUT_MS } from '../../sinks/failure.ts';
import { referenceId, targetOf } from '../../sinks/render.ts';
import { channelSecrets } from '../../sinks/settings.ts';
import { defineSink, SinkError, type OutboundMessage, type SinkState } from '../../sinks/sink.ts';
import { stripMarks } from '../../templates/marks.ts';
import { discordCall } from './api.ts';
import { DISCORD_API_URL, manifest } from './manifest.ts';
import { escapeMarkedDiscord, formatDiscordMessage, type DiscordMessage } from './render.ts';

/** How long an interaction token may be used (Discord: 15 minutes), less a margin for the call itself. */
export const INTERACTION_TOKEN_MS = 15 * 60_000;
const TOKEN_MARGIN_MS = 30_000;

/** Nobody is pinged by what Switchboard posts, whatever the text says. */
export const NO_MENTIONS = { parse: [] as string[] };

/** The reply address of a `/sb` command (Origin.reply of a discord origin). */
export interface DiscordReply {
  medium: 'discord';
  /** the channels/*.yaml name the command arrived on */
  channel_name: string;
  /** the Discord channel (or DM) id it was typed in */
  channel_id: string;
  application_id: string;
  /** the interaction token: answers as follow-ups until `token_expires` */
  interaction_token: string;
  /** ms since the epoch, as a string */
  token_expires: string;
  /** the interaction id: the ingress marks it answered (`answeredKey`) once the deferred answer is replaced */
  interaction_id: string;
}

/**
 * The sink-state key the ingress sets once it has replaced an interaction's deferred answer. A
 * follow-up posted before that would take the place of the "thinking…" message (and be overwritten
 * by "Queued …"), so a follow-up waits for it (at most {@link ANSWER_WAIT_MS}).
 */
export const answeredKey = (interactionId: string) => `discord:answered:${interactionId}`;
export const ANSWER_WAIT_MS = 5_000;

/** A live interaction token of a reply address, or undefined. */
function liveInteraction(reply: OutboundMessage['replyTo'], nowMs: number): { app: string; token: string; id?: string } | undefined {
  const app = reply?.application_id;
  const token = reply?.interaction_token;
  const expires = Number(reply?.token_expires);
  if (!app || !token || !Number.isFinite(expires) || nowMs > expires - TOKEN_MARGIN_MS) return undefined;
  return { app, token, ...(reply?.interaction_id && { id: reply.interaction_id }) };
}

/** Resolves once the ingress has replaced the interaction's deferred answer, or after `ANSWER_WAIT_MS`. */
async function untilAnswered(state: SinkState, interactionId: string, signal: AbortSignal): Promise<void> {
  const until = Date.now() + ANSWER_WAIT_MS;
  while (Date.now() < until && !signal.aborted) {
    if ((await state.get(answeredKey(interactionId))) !== undefined) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The message rendered for Discord: values escaped, the template's own Markdown as written. */
export function discordBody(m: OutboundMessage): DiscordMessage {
  const text = m.marked !== undefined ? escapeMarkedDiscord(m.marked) : stripMarks(m.text);
  return formatDiscordMessage({ text, ref: referenceId(m), ...(m.execution?.status !== undefined && { status: m.execution.status }) });
}

/**
 * @example
 * # channels/discord-ops.yaml
 * name: discord-ops
 * kind: discord
 * application_id: "1234567890"
 * public_key: ${DISCORD_PUBLIC_KEY}
 * token: ${DISCORD_BOT_TOKEN}
 * default_target: "112233445566778899"   # a channel id
 */
export const discordSink = defineSink({
  kind: 'discord',
  settings: manifest.channel,
  // Discord: 5 messages per 5 seconds per channel
  defaultRate: { max: 5, perSeconds: 5, perTarget: true },
  create(settings, deps) {
    const secrets = channelSecrets(settings);
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const apiUrl = settings.api_url ?? DISCORD_API_URL;

    return {
      async send(m, signal) {
        throwIfAborted('discord', signal);
        const body = { ...discordBody(m), allowed_mentions: NO_MENTIONS };
        const deadline = startDeadline(signal, timeoutMs);
        try {
          // 1. an answer to a command while its interaction lives: a follow-up
          const live = liveInteraction(m.replyTo, Date.now());
          if (live) {
            if (live.id !== undefined) await untilAnswered(deps.state, live.id, deadline.signal);
            try {
              const res = await discordCall<{ id?: string }>({
                method: 'POST',
                apiUrl,
                path: `/webhooks/${encodeURIComponent(live.app)}/${encodeURIComponent(live.token)}`,
                body,
                what: 'discord follow-up',
                deadline,
                secrets: [...secrets, live.token],
              });
              return { externalId: res.id ?? 'follow-up', sent: { text: body.content, target: m.replyTo?.channel_id ?? 'interaction' } };
            } catch (err) {
              // the token died early (Unknown Webhook): the channel is still there
              if (!(err instanceof SinkError && err.reason === 'invalid_target')) throw err;
              deps.logger.debug({ channel: settings.name }, 'discord interaction token refused; posting in the channel');
            }
          }
          // 2. a channel message
          const channelId = m.replyTo?.channel_id ?? targetOf(m, settings.default_target);
          if (!channelId) throw new SinkError('discord: no target channel id and no default_target', 'invalid_target', false);
          if (!/^\d{1,25}$/.test(channelId)) throw new SinkError(`discord: target "${channelId}" is not a channel id (a number)`, 'invalid_target', false);
          const res = await discordCall<{ id?: string }>({
            method: 'POST',
            apiUrl,
            path: `/channels/${channelId}/messages`,
            body,
            token: settings.token,
            what: 'discord channel message',
            deadline,
            secrets,
          });
          return { externalId: res.id ?? channelId, sent: { text: body.content, target: channelId } };
        } finally {
          deadline.done();
        }
      },
    };
  },
});
