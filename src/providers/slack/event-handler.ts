/**
 * One Events API envelope (`event_callback`), whichever transport brought it (HTTP POST or a
 * Socket Mode `events_api` envelope). Handles `app_mention` and direct messages
 * (`message` with `channel_type: 'im'`); drops everything a bot wrote, ours above all.
 *
 * Slack re-sends an event it thinks was lost (X-Slack-Retry-Num); `event_id` is claimed once in
 * Redis (SET NX, one hour) and is the execution's idempotency key too. The work is awaited before
 * the caller acks (it only enqueues); when it fails the claim is released and the error rethrown,
 * so the caller answers non-2xx and Slack's retry does the work. Redis away, with a spool
 * (src/spool/): nothing is claimed nor counted, the command is kept under the event id and the
 * answer saying so is posted in the thread directly (src/spool/direct-reply.ts).
 */
import { slowDownText } from '../../auth/rate-limit.ts';
import { identifySender } from '../../auth/identity.ts';
import type { Origin } from '../../executions/types.ts';
import type { SlackAuthorization } from './bot-user.ts';
import type { SlackContext } from './context.ts';
import type { SlackChannel } from './inbound.ts';
import { postConfirmPrompt } from './interactions.ts';
import { outcomeReply } from './replies.ts';
import { slackTextToPlain } from './text.ts';

const DEDUP_TTL_SECONDS = 3600;

export interface SlackMessageEvent {
  type?: string;
  subtype?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
}

export interface SlackEventEnvelope {
  type?: string;
  team_id?: string;
  event_id?: string;
  event?: SlackMessageEvent;
  authorizations?: SlackAuthorization[];
}

export type EventDisposition = { kind: 'handled'; outcome: string } | { kind: 'duplicate' } | { kind: 'ignored'; reason: string };

/** Slack's retry headers / Socket Mode `retry_attempt`, for the logs. */
export interface SlackRetry {
  num?: number;
  reason?: string;
}

/** Why an event is not a command for us, or undefined when it is one. */
function ignoreReason(envelope: SlackEventEnvelope): string | undefined {
  const e = envelope.event;
  if (envelope.type !== 'event_callback' || !e) return `envelope type ${envelope.type ?? '(none)'}`;
  if (!envelope.event_id) return 'no event_id';
  const wanted = e.type === 'app_mention' || (e.type === 'message' && e.channel_type === 'im');
  if (!wanted) return `event ${e.type ?? '(none)'}${e.channel_type ? ` in ${e.channel_type}` : ''}`;
  if (e.bot_id) return 'written by a bot';
  if (e.subtype) return `message subtype ${e.subtype}`;
  if (!e.user || e.user === 'USLACKBOT') return 'not written by a person';
  if (!e.channel || !e.ts) return 'no channel or ts';
  return undefined;
}

/** The bot id to strip: ours; in a mention whose bot id we cannot learn now, the leading mention. */
function mentionToStrip(event: SlackMessageEvent, botUserId: string | undefined): string | undefined {
  if (botUserId || event.type !== 'app_mention') return botUserId;
  return /^\s*<@([A-Z0-9]+)(?:\|[^>]*)?>/.exec(event.text ?? '')?.[1];
}

/**
 * @example
 * const d = await handleSlackEvent(ctx, channel, JSON.parse(body), { num: 1, reason: 'http_timeout' });
 */
export async function handleSlackEvent(
  ctx: SlackContext,
  channel: SlackChannel,
  envelope: SlackEventEnvelope,
  retry: SlackRetry = {},
): Promise<EventDisposition> {
  const { deps, log } = ctx;
  // 1. only mentions and direct messages written by a person
  const reason = ignoreReason(envelope);
  if (reason) return { kind: 'ignored', reason };
  const event = envelope.event as Required<Pick<SlackMessageEvent, 'user' | 'channel' | 'ts'>> & SlackMessageEvent;
  const eventId = envelope.event_id as string;

  // 2. never our own messages (a bot user id without bot_id: e.g. a message posted as the bot user)
  const botUserId = await ctx.bots.botUserId(channel, envelope.authorizations);
  if (botUserId && event.user === botUserId) return { kind: 'ignored', reason: 'written by our bot' };

  // 3. once per event_id, across Slack's retries and every gateway (Redis away with a spool: not
  //    claimed; the event id as idempotency key keeps a retry one command, src/ingress/redis-away.ts)
  const claim = `${ctx.keyPrefix}:slack-event:${envelope.team_id ?? '-'}:${eventId}`;
  const fresh = await ctx.away.before(() => deps.redis.set(claim, String(deps.now()), 'EX', DEDUP_TTL_SECONDS, 'NX'), 'OK');
  if (fresh === null) {
    log.info({ event_id: eventId, retry_num: retry.num, retry_reason: retry.reason }, 'slack event already handled (retry)');
    return { kind: 'duplicate' };
  }

  // ... and for `ingress.seen_ids_days`, whatever the execution retention: a replay runs nothing
  const seenId = `event:${envelope.team_id ?? '-'}:${eventId}`;
  if (await ctx.away.before(() => ctx.seen.seen(seenId, deps.now()), false)) {
    log.warn({ event_id: eventId }, 'slack event refused: event_id already handled (replay)');
    return { kind: 'duplicate' };
  }

  try {
    const done = await runEvent(ctx, channel, event, eventId, mentionToStrip(event, botUserId));
    await ctx.away.after(() => ctx.seen.remember(seenId, deps.now()));
    return done;
  } catch (err) {
    // 4. nothing accepted is lost: release the claim so Slack's retry does the work
    await deps.redis.del(claim).catch(() => undefined);
    throw err;
  }
}

async function runEvent(
  ctx: SlackContext,
  channel: SlackChannel,
  event: SlackMessageEvent & { user: string; channel: string; ts: string },
  eventId: string,
  botUserId: string | undefined,
): Promise<EventDisposition> {
  const { deps, log } = ctx;
  const { config } = deps;
  const origin: Origin = {
    source: 'slack',
    sender: event.user,
    reply: { channel: event.channel, thread_ts: event.thread_ts ?? event.ts, channel_name: channel.name },
    message_id: eventId,
    proof: 'verified', // the v0 signature (or the Socket Mode app token) and the user id
  };
  const reply = (text: string) => deps.deliveries.replyToOrigin(origin, text, { id: `slack-reply:${eventId}` });

  const rate = await ctx.rateLimit(event.user);
  if (!rate.allowed) {
    await reply(slowDownText(rate));
    return { kind: 'handled', outcome: 'rate_limited' };
  }

  const outcome = await deps.runCommand({
    text: slackTextToPlain(event.text ?? ''),
    source: 'slack',
    user: identifySender(config, 'slack', event.user),
    origin,
    idempotencyKey: `slack:event:${eventId}`,
    ...(botUserId !== undefined && { botUserId }),
  });
  log.debug({ kind: outcome.kind, event_id: eventId, channel: channel.name }, 'slack event handled');
  // a command to confirm: the prompt with Confirm / Cancel buttons in the thread (else as text, below)
  if (outcome.kind === 'pending' && outcome.prompt !== undefined && outcome.confirmation) {
    const posted = await postConfirmPrompt(
      channel,
      origin,
      { prompt: outcome.prompt, executionId: outcome.execution.id, code: outcome.confirmation.code },
      log,
    );
    if (posted) return { kind: 'handled', outcome: outcome.kind };
  }
  // queued: the alias's ack and the result reach the thread through the origin delivery
  if (outcome.kind !== 'queued') {
    const text = outcomeReply(outcome, config.main.ingress.unknown_sender_reply);
    if (text) await reply(text);
  }
  return { kind: 'handled', outcome: outcome.kind };
}
