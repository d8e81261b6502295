/**
 * `POST /ingress/telegram/:channel` (and `/ingress/telegram` when one telegram channel takes
 * commands): the Bot API webhook (docs/providers/telegram.md).
 *
 * 1. The channel (by name, else the only one with a `secret_token`) and its secret: the
 *    `X-Telegram-Bot-Api-Secret-Token` header must equal `secret_token` (constant time); missing:
 *    401, wrong: 403, nothing is parsed or run.
 * 2. The Update (inbound.ts): a command, a Confirm / Cancel button, or nothing for us (200).
 * 3. Once per update_id (per bot): claimed in Redis for an hour across Telegram's re-sends and
 *    every gateway, and remembered for `ingress.seen_ids_days` (auth/seen-ids.ts) whatever the
 *    execution retention, so a replayed update runs nothing. The update id is the execution's
 *    idempotency key too. When the work fails the claim is released and the answer is 500, so
 *    Telegram's retry does it.
 * 4. A command: per-sender rate limit, the sender's `from.id` as `users.NAME.telegram`, the shared
 *    pipeline as that person, the answer in the chat as a reply to the command (through the
 *    `origin` delivery and the telegram sink; a queued command's ack and result follow the same
 *    way). A command to confirm gets its prompt with Confirm / Cancel buttons; `YES <code>` typed
 *    back works too (the pipeline takes it).
 * 5. A button: the person who pressed it must own the prompt (confirmExecution checks); the
 *    answer shows as the button's notification (answerCallbackQuery).
 */
import { Hono, type Context } from 'hono';
import { errorBody } from '../../api/errors.ts';
import { identifySender } from '../../auth/identity.ts';
import { checkRateLimit, slowDownText } from '../../auth/rate-limit.ts';
import { seenIds } from '../../auth/seen-ids.ts';
import type { ChannelConfig } from '../../config/types.ts';
import { hashTagPrefix } from '../../executions/keys.ts';
import type { Origin } from '../../executions/types.ts';
import { redisAway, UNCOUNTED, type RedisAway } from '../../ingress/redis-away.ts';
import type { HttpIngress, IngressDeps } from '../../ingress/ingress.ts';
import type { Logger } from '../../log.ts';
import { callBotApi, DEFAULT_API_URL } from './api.ts';
import { buttonData, parseUpdate, type TelegramRequest } from './inbound.ts';
import { escapeTelegramHtml } from './render.ts';
import { telegramOutcomeReply } from './replies.ts';
import { verifyTelegramSecret } from './verify.ts';

export const TELEGRAM_PATH = '/telegram';
/** how long an update id is claimed against Telegram's re-sends (the long-term memory is seen-ids) */
const CLAIM_TTL_SECONDS = 3600;

type TelegramChannel = Extract<ChannelConfig, { kind: 'telegram' }>;
type Inbound = TelegramChannel & { secret_token: string };

/** The bot's user id: the part of its token before `:`. */
export const botIdOf = (token: string) => token.split(':', 1)[0] ?? '';

interface Ctx {
  deps: IngressDeps;
  log: Logger;
  keyPrefix: string;
  /** Redis-backed steps around a command while Redis is away (src/ingress/redis-away.ts) */
  away: RedisAway;
}

/** The channels that take commands: a telegram channel with a `secret_token`. */
function inboundChannels(deps: IngressDeps): Inbound[] {
  return [...deps.config.channels.values()].filter((c): c is Inbound => c.kind === 'telegram' && typeof (c as TelegramChannel).secret_token === 'string');
}

/** The origin of a command: answers go to its chat, as a reply to it (and in its forum topic). */
function originOf(channel: Inbound, r: Extract<TelegramRequest, { kind: 'command' }>, botId: string): Origin {
  return {
    source: 'telegram',
    sender: r.sender,
    reply: {
      medium: 'telegram',
      channel: channel.name,
      chat_id: r.chatId,
      message_id: r.messageId,
      ...(r.threadId !== undefined && { message_thread_id: r.threadId }),
    },
    message_id: `${botId}:${r.updateId}`,
    proof: 'verified', // the secret token proves Telegram sent it; Telegram vouches for from.id
  } as Origin;
}

/** Sends the prompt with Confirm / Cancel buttons; false when that failed (the caller answers with text). */
async function postPrompt(ctx: Ctx, channel: Inbound, origin: Origin, prompt: string, executionId: string, code: string): Promise<boolean> {
  const reply = origin.reply as Record<string, string>;
  try {
    await callBotApi(
      { apiUrl: channel.api_url ?? DEFAULT_API_URL, token: channel.token },
      'sendMessage',
      {
        chat_id: Number(reply.chat_id),
        text: escapeTelegramHtml(prompt),
        parse_mode: 'HTML',
        reply_parameters: { message_id: Number(reply.message_id), allow_sending_without_reply: true },
        ...(reply.message_thread_id !== undefined && { message_thread_id: Number(reply.message_thread_id) }),
        reply_markup: {
          inline_keyboard: [
            [
              { text: 'Confirm', callback_data: buttonData(true, executionId, code) },
              { text: 'Cancel', callback_data: buttonData(false, executionId, code) },
            ],
          ],
        },
      },
      AbortSignal.timeout(5000),
    );
    return true;
  } catch (err) {
    ctx.log.warn({ channel: channel.name, err: (err as Error).message }, 'telegram confirmation prompt not posted; answering with text');
    return false;
  }
}

async function runCommand(ctx: Ctx, channel: Inbound, r: Extract<TelegramRequest, { kind: 'command' }>, botId: string): Promise<string> {
  const { deps } = ctx;
  const origin = originOf(channel, r, botId);
  const reply = (text: string) => deps.deliveries.replyToOrigin(origin, text, { id: `telegram-reply:${botId}:${r.updateId}` });
  // 1. per sender, before anything is matched
  const rate = await ctx.away.before(
    () => checkRateLimit(deps.redis, ctx.keyPrefix, `telegram:${r.sender}`, deps.config.main.limits.per_sender_per_minute, deps.now()),
    UNCOUNTED,
  );
  const user = identifySender(deps.config, 'telegram', r.sender);
  if (!rate.allowed) {
    deps.metrics?.commandReceived('telegram', 'rate_limited');
    if (user) await reply(slowDownText(rate));
    return 'rate_limited';
  }
  // 2. the pipeline, as the person who sent it
  const outcome = await deps.runCommand({
    text: r.text,
    source: 'telegram',
    user,
    origin,
    idempotencyKey: `telegram:${botId}:${r.updateId}`,
  });
  if (outcome.kind === 'pending' && outcome.prompt !== undefined && outcome.confirmation) {
    if (await postPrompt(ctx, channel, origin, outcome.prompt, outcome.execution.id, outcome.confirmation.code)) return outcome.kind;
  }
  const text = telegramOutcomeReply(outcome, deps.config.main.ingress.unknown_sender_reply);
  if (text) await reply(text);
  return outcome.kind;
}

async function pressButton(ctx: Ctx, channel: Inbound, r: Extract<TelegramRequest, { kind: 'button' }>): Promise<string> {
  const { deps, log } = ctx;
  const user = identifySender(deps.config, 'telegram', r.sender);
  let answer = 'Nothing to confirm.';
  let result = 'ignored: unknown user';
  if (user && deps.confirmations) {
    const c = await deps.confirmations.confirmExecution(r.executionId, user, r.code, { refuse: !r.confirm, source: 'telegram' });
    result = c.answer;
    // someone else's prompt, or one already answered: nothing learned
    if (c.answer !== 'not_found') answer = c.message;
    if (c.answer === 'confirmed') {
      for (const e of c.executions)
        await deps.deliveries.ackExecution(e).catch((err: Error) => log.warn({ execution: e.id, err: err.message }, 'ack not queued'));
    }
  }
  await callBotApi(
    { apiUrl: channel.api_url ?? DEFAULT_API_URL, token: channel.token },
    'answerCallbackQuery',
    { callback_query_id: r.queryId, text: answer.slice(0, 200) },
    AbortSignal.timeout(5000),
  ).catch((err: Error) => log.warn({ channel: channel.name, err: err.message }, 'telegram answerCallbackQuery failed'));
  return result;
}

/**
 * The Telegram webhook ingress.
 *
 * @example
 * // src/providers/telegram/runtime.ts
 * export const runtime: ProviderRuntime = { sink: telegramSink, http: [telegramIngress] };
 */
export const telegramIngress: HttpIngress = {
  name: 'telegram',
  routes(deps) {
    const log = deps.logger.child({ component: 'ingress', ingress: 'telegram' });
    const keyPrefix = hashTagPrefix(deps.config.main.redis.prefix);
    const ctx: Ctx = { deps, log, keyPrefix, away: redisAway(deps) };
    const channels = inboundChannels(deps);
    const seen = seenIds(deps.redis, keyPrefix, 'telegram', deps.config.main.ingress.seen_ids_days);
    const botNames = deps.config.main.ingress.bot_names;

    async function handle(c: Context, name: string | undefined): Promise<Response> {
      // 1. the channel and its secret token
      const channel = name === undefined ? (channels.length === 1 ? channels[0] : undefined) : channels.find((ch) => ch.name === name);
      if (!channel) {
        const why =
          name === undefined
            ? channels.length === 0
              ? 'no telegram channel has a secret_token'
              : 'several telegram channels: use /ingress/telegram/NAME'
            : `no telegram channel "${name}" with a secret_token`;
        return c.json(errorBody('not_found', why), 404);
      }
      const header = c.req.header('x-telegram-bot-api-secret-token');
      if (!verifyTelegramSecret(channel.secret_token, header)) {
        log.warn({ channel: channel.name, header: header === undefined ? 'missing' : 'wrong' }, 'telegram update refused: bad X-Telegram-Bot-Api-Secret-Token');
        return header === undefined
          ? c.json(errorBody('unauthorized', 'X-Telegram-Bot-Api-Secret-Token is missing; nothing was run'), 401)
          : c.json(errorBody('invalid_signature', 'X-Telegram-Bot-Api-Secret-Token is wrong; nothing was run'), 403);
      }
      // 2. the update
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return c.json(errorBody('invalid_request', 'the body is not JSON (a Telegram Update)'), 400);
      }
      const botId = botIdOf(channel.token);
      const r = parseUpdate(body, { botNames, botId, ...(channel.bot_username !== undefined && { botUsername: channel.bot_username }) });
      if (r.kind === 'ignored') {
        log.debug({ channel: channel.name, update_id: r.updateId, reason: r.reason }, 'telegram update ignored');
        return c.json({ ok: true });
      }
      // 3. once per update id, across re-sends, gateways and replays
      const claimKey = `${keyPrefix}:telegram-update:${botId}:${r.updateId}`;
      const seenId = `${botId}:${r.updateId}`;
      //    (Redis away with a spool: not claimed; the update id keys the spooled command)
      const fresh = await ctx.away.before(() => deps.redis.set(claimKey, String(deps.now()), 'EX', CLAIM_TTL_SECONDS, 'NX'), 'OK');
      if (fresh === null || (await ctx.away.before(() => seen.seen(seenId, deps.now()), false))) {
        log.info({ channel: channel.name, update_id: r.updateId }, 'telegram update already handled (re-sent or replayed)');
        return c.json({ ok: true });
      }
      try {
        const result = r.kind === 'command' ? await runCommand(ctx, channel, r, botId) : await pressButton(ctx, channel, r);
        await ctx.away.after(() => seen.remember(seenId, deps.now()));
        log.debug({ channel: channel.name, update_id: r.updateId, kind: r.kind, result }, 'telegram update handled');
        return c.json({ ok: true });
      } catch (err) {
        // 4. nothing accepted is lost: Telegram re-sends after a non-2xx answer
        await deps.redis.del(claimKey).catch(() => undefined);
        throw err;
      }
    }

    const app = new Hono();
    app.post(TELEGRAM_PATH, (c) => handle(c, undefined));
    app.post(`${TELEGRAM_PATH}/:channel`, (c) => handle(c, c.req.param('channel')));
    return app;
  },
};
