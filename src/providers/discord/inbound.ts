/**
 * `POST /ingress/discord/interactions`: Discord's Interactions Endpoint URL
 * (discord.com/developers/docs/interactions/receiving-and-responding).
 *
 * 1. Verify X-Signature-Ed25519 over X-Signature-Timestamp + raw body with the public key of a
 *    discord channel (verify.ts); anything unsigned, forged or older than five minutes is 401 and
 *    nothing is parsed (Discord itself probes the endpoint with bad signatures and wants 401).
 * 2. PING (type 1) is answered `{type: 1}`.
 * 3. The slash command (type 2, `/sb text:<command>`): the interaction id is claimed once
 *    (src/auth/seen-ids.ts), the person (`member.user.id` in a server, `user.id` in a DM) is mapped
 *    to `users.NAME.discord`, rate-limited, and the shared pipeline runs. The HTTP answer is a
 *    deferred ephemeral response (type 5, flag 64: Discord's three seconds never depend on Redis);
 *    the outcome then replaces it (`PATCH /webhooks/{app}/{token}/messages/@original`): "Queued …",
 *    "did you mean", or a confirmation prompt with Confirm / Cancel buttons. `YES 482113` typed as
 *    the command's text confirms through the pipeline like any text reply. The alias's ack and
 *    result reach the `origin` as follow-ups while the interaction token lives (sink.ts).
 * 4. A button (MESSAGE_COMPONENT, type 3) of a prompt: claimed once, the clicking person must be
 *    the one who sent the command (the confirmation service checks the owner and the code); the
 *    answer replaces the prompt (type 7). Anyone else's click changes nothing (type 6).
 */
import { Hono, type Context } from 'hono';
import { errorBody } from '../../api/errors.ts';
import { identifySender } from '../../auth/identity.ts';
import { checkRateLimit, slowDownText } from '../../auth/rate-limit.ts';
import { seenIds, type SeenIds } from '../../auth/seen-ids.ts';
import { firstSigner } from '../../auth/signature-error.ts';
import { helpText } from '../../commands/help.ts';
import { deliveryKeys } from '../../deliveries/keys.ts';
import { createRedisSinkState } from '../../sinks/redis-state.ts';
import type { SinkState } from '../../sinks/sink.ts';
import { UnavailableError } from '../../errors.ts';
import { hashTagPrefix } from '../../executions/keys.ts';
import { guarded } from '../../executions/redis.ts';
import type { Origin } from '../../executions/types.ts';
import { redisAway, UNCOUNTED } from '../../ingress/redis-away.ts';
import type { HttpIngress, IngressDeps } from '../../ingress/ingress.ts';
import { verifiedOrRefused, type SignatureRefusal } from '../../ingress/signed.ts';
import type { Logger } from '../../log.ts';
import { discordCall } from './api.ts';
import { DISCORD_API_URL, type DiscordChannel } from './manifest.ts';
import { EPHEMERAL, outcomeAnswer, parseButton, type AnswerData } from './replies.ts';
import { escapeDiscord } from './render.ts';
import { answeredKey, INTERACTION_TOKEN_MS, NO_MENTIONS } from './sink.ts';
import { verifyDiscordRequest } from './verify.ts';
import { startDeadline } from '../../sinks/failure.ts';

/** The interaction fields read here (discord.com/developers/docs/interactions/receiving-and-responding#interaction-object). */
export interface Interaction {
  id?: string;
  application_id?: string;
  type?: number;
  token?: string;
  channel_id?: string;
  guild_id?: string;
  member?: { user?: { id?: string } };
  user?: { id?: string };
  data?: { name?: string; options?: { name?: string; type?: number; value?: unknown }[]; custom_id?: string };
}

/** Interaction and response types used here. */
const PING = 1;
const APPLICATION_COMMAND = 2;
const MESSAGE_COMPONENT = 3;
const PONG = 1;
const CHANNEL_MESSAGE_WITH_SOURCE = 4;
const DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5;
const DEFERRED_UPDATE_MESSAGE = 6;
const UPDATE_MESSAGE = 7;

/** Discord channels with a `public_key`: they accept the slash command. */
export function interactionChannels(channels: Map<string, { kind: string }>): DiscordChannel[] {
  return [...channels.values()].filter((c): c is DiscordChannel => c.kind === 'discord' && Boolean((c as DiscordChannel).public_key));
}

/** The channel whose public key signed the request; throws a SignatureError when none did ({@link firstSigner}). */
export function verifyDiscordChannel(
  channels: readonly DiscordChannel[],
  req: { body: Buffer; timestamp: string | undefined; signature: string | undefined; nowMs: number },
): DiscordChannel {
  return firstSigner(
    channels,
    (channel) => verifyDiscordRequest({ publicKey: channel.public_key ?? '', ...req }),
    'no discord channel has a public_key; inbound Discord is disabled',
  );
}

interface DiscordContext {
  deps: IngressDeps;
  log: Logger;
  seen: SeenIds;
  keyPrefix: string;
  /** the discord sink's state of a channel (shared with the delivery worker) */
  sinkState(channel: string): SinkState;
}

const ephemeral = (content: string) => ({ type: CHANNEL_MESSAGE_WITH_SOURCE, data: { content, flags: EPHEMERAL, allowed_mentions: NO_MENTIONS } });
const isHelp = (text: string) => /^\s*(help)?\s*$/i.test(text);

/** The `text` option of the command, '' when absent. */
function commandText(i: Interaction): string {
  const opt = i.data?.options?.find((o) => o.name === 'text');
  return typeof opt?.value === 'string' ? opt.value : '';
}

/** Replaces the deferred answer of an interaction (its "thinking…" message). */
async function editOriginal(channel: DiscordChannel, token: string, data: AnswerData, log: Logger): Promise<void> {
  const deadline = startDeadline(new AbortController().signal, 10_000);
  try {
    await discordCall({
      method: 'PATCH',
      apiUrl: channel.api_url ?? DISCORD_API_URL,
      path: `/webhooks/${channel.application_id}/${encodeURIComponent(token)}/messages/@original`,
      body: data,
      what: 'discord deferred answer',
      deadline,
      secrets: [token, channel.token],
    });
  } catch (err) {
    log.warn({ channel: channel.name, err: (err as Error).message }, 'discord deferred answer not delivered');
  } finally {
    deadline.done();
  }
}

/** Runs the command behind a deferred answer, then replaces that answer with the outcome. */
async function runDeferred(
  ctx: DiscordContext,
  channel: DiscordChannel,
  i: Interaction,
  userId: string,
  user: string | undefined,
  text: string,
): Promise<void> {
  const { deps, log } = ctx;
  const token = i.token!;
  let answer: AnswerData;
  try {
    const origin: Origin = {
      source: 'discord',
      sender: userId,
      reply: {
        medium: 'discord',
        channel_name: channel.name,
        channel_id: i.channel_id ?? '',
        application_id: channel.application_id,
        interaction_token: token,
        token_expires: String(deps.now() + INTERACTION_TOKEN_MS),
        interaction_id: i.id!,
      },
      message_id: i.id!,
      proof: 'verified', // the Ed25519 signature and Discord's user id
    };
    // the ack and the result are follow-ups: the sink holds them until the deferred answer is replaced (below)
    const outcome = await deps.runCommand({ text, source: 'discord', user, origin, idempotencyKey: `discord:interaction:${i.id}` });
    log.debug({ kind: outcome.kind, discord_user: userId, channel: channel.name }, 'discord command handled');
    answer = outcomeAnswer(outcome, deps.config.main.ingress.unknown_sender_reply);
  } catch (err) {
    if (!(err instanceof UnavailableError)) log.error({ err: (err as Error).message }, 'discord command failed');
    else log.error({ err: err.message }, 'discord command not queued: Redis unavailable');
    answer = { content: 'Switchboard cannot queue commands right now; nothing was run. Try again shortly.', allowed_mentions: NO_MENTIONS };
  }
  await editOriginal(channel, token, answer, log);
  // now the follow-ups (ack, result) may go: they become messages of their own
  await ctx
    .sinkState(channel.name)
    .set(answeredKey(i.id!), '1', INTERACTION_TOKEN_MS / 1000)
    .catch((err: Error) => log.warn({ err: err.message }, 'discord answered mark not stored'));
}

/** A slash command: the immediate HTTP answer; the pipeline may go on after it (deferred). */
async function handleCommand(ctx: DiscordContext, channel: DiscordChannel, i: Interaction): Promise<object> {
  const { deps, log } = ctx;
  const { config } = deps;
  if (i.data?.name !== channel.command) return ephemeral(`This is not a Switchboard command; use /${channel.command}.`);
  const userId = i.member?.user?.id ?? i.user?.id;
  if (!userId || !i.token || !i.id) return ephemeral('This interaction has no user; nothing was run.');

  // 1. an interaction id is used once: a replay (even after its execution record expired) runs nothing
  //    (Redis away with a spool: not claimed; the interaction id keys the spooled command, src/ingress/redis-away.ts)
  const away = redisAway(deps);
  if (!(await away.before(() => ctx.seen.claim(`interaction:${i.id}`, deps.now()), true))) {
    log.warn({ discord_user: userId }, 'discord interaction refused: id already handled (replay)');
    return ephemeral('This command was already handled; nothing was run again.');
  }
  // 2. the person: their Discord user id maps to a configured user (or nobody)
  const user = identifySender(config, 'discord', userId);
  // 3. per-sender rate limit, known or not
  const rate = await away.before(
    () => checkRateLimit(deps.redis, ctx.keyPrefix, `discord:${userId}`, config.main.limits.per_sender_per_minute, deps.now()),
    UNCOUNTED,
  );
  if (!rate.allowed) {
    deps.metrics?.commandReceived('discord', 'rate_limited');
    return ephemeral(slowDownText(rate));
  }
  const text = commandText(i);
  // 4. `/sb` or `/sb text:help`: the commands this person may run, at once
  if (isHelp(text)) {
    if (!user) return ephemeral(config.main.ingress.unknown_sender_reply ?? 'Nothing was run.');
    const page = await helpText({ config, matcher: deps.matcher }, user, undefined, 1);
    return ephemeral(escapeDiscord(page.text));
  }
  // 5. deferred: the pipeline runs after the answer, whose content it then replaces
  void runDeferred(ctx, channel, i, userId, user, text);
  return { type: DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, data: { flags: EPHEMERAL } };
}

/** A Confirm / Cancel button. */
async function handleButton(ctx: DiscordContext, i: Interaction): Promise<object> {
  const { deps, log } = ctx;
  const button = parseButton(i.data?.custom_id);
  const userId = i.member?.user?.id ?? i.user?.id;
  if (!button || !userId || !i.id) return { type: DEFERRED_UPDATE_MESSAGE };
  if (!(await guarded(deps.redis, () => ctx.seen.claim(`interaction:${i.id}`, deps.now())))) return { type: DEFERRED_UPDATE_MESSAGE };
  const user = identifySender(deps.config, 'discord', userId);
  if (!user || !deps.confirmations) return { type: DEFERRED_UPDATE_MESSAGE };
  const r = await deps.confirmations.confirmExecution(button.executionId, user, button.code, { refuse: button.refuse, source: 'discord' });
  log.info({ discord_user: userId, answer: r.answer }, 'discord button handled');
  // someone else's prompt, or one already answered: nothing changes, nothing is learned
  if (r.answer === 'not_found') return { type: DEFERRED_UPDATE_MESSAGE };
  if (r.answer === 'confirmed') {
    for (const e of r.executions)
      await deps.deliveries.ackExecution(e).catch((err: Error) => log.warn({ execution: e.id, err: err.message }, 'ack not queued'));
  }
  return { type: UPDATE_MESSAGE, data: { content: escapeDiscord(r.message), components: [], allowed_mentions: NO_MENTIONS } };
}

const DISCORD_REFUSAL: SignatureRefusal = {
  status: 401,
  log: 'discord interaction refused: bad signature',
  message: 'the Discord request signature is missing, stale or wrong; nothing was run',
};

async function readVerified(
  c: Context,
  channels: readonly DiscordChannel[],
  nowMs: number,
  log: Logger,
): Promise<{ channel: DiscordChannel; body: Buffer } | { refused: Response }> {
  const body = Buffer.from(await c.req.arrayBuffer());
  const v = verifiedOrRefused(c, log, DISCORD_REFUSAL, () =>
    verifyDiscordChannel(channels, { body, timestamp: c.req.header('x-signature-timestamp'), signature: c.req.header('x-signature-ed25519'), nowMs }),
  );
  return 'refused' in v ? v : { channel: v.verified, body };
}

/**
 * @example
 * # Developer Portal > General Information > Interactions Endpoint URL:
 * #   https://sb.example.com/ingress/discord/interactions
 */
export const discordInteractionsIngress: HttpIngress = {
  name: 'discord-interactions',
  routes(deps) {
    const app = new Hono();
    const channels = interactionChannels(deps.config.channels);
    if (channels.length === 0) return app;
    const log = deps.logger.child({ component: 'discord-interactions' });
    const keyPrefix = hashTagPrefix(deps.config.main.redis.prefix);
    const stateKeys = deliveryKeys(deps.config.main.redis.prefix);
    const ctx: DiscordContext = {
      deps,
      log,
      keyPrefix,
      seen: seenIds(deps.redis, keyPrefix, 'discord', deps.config.main.ingress.seen_ids_days),
      sinkState: (name) => createRedisSinkState(deps.redis, stateKeys.sinkState(name)),
    };

    app.post('/discord/interactions', async (c) => {
      const verified = await readVerified(c, channels, deps.now(), log);
      if ('refused' in verified) return verified.refused;
      let i: Interaction;
      try {
        i = JSON.parse(verified.body.toString('utf8')) as Interaction;
      } catch {
        return c.json(errorBody('invalid_request', 'the interaction is not JSON'), 400);
      }
      if (typeof i !== 'object' || i === null) return c.json(errorBody('invalid_request', 'the interaction is not an object'), 400);
      if (i.application_id !== undefined && i.application_id !== verified.channel.application_id) {
        log.warn({ channel: verified.channel.name }, 'discord interaction for another application refused');
        return c.json(errorBody('invalid_request', 'the interaction is for another application'), 400);
      }
      try {
        if (i.type === PING) return c.json({ type: PONG });
        if (i.type === APPLICATION_COMMAND) return c.json(await handleCommand(ctx, verified.channel, i));
        if (i.type === MESSAGE_COMPONENT) return c.json(await handleButton(ctx, i));
      } catch (err) {
        if (!(err instanceof UnavailableError)) throw err;
        log.error({ err: err.message }, 'discord interaction not handled: Redis unavailable');
        return c.json(ephemeral('Switchboard cannot queue commands right now; nothing was run. Try again shortly.'));
      }
      return c.json(errorBody('invalid_request', `interaction type ${String(i.type)} is not handled`), 400);
    });
    return app;
  },
};
