/**
 * Mattermost's two inbound paths, mounted under `/ingress` (docs/providers/mattermost.md):
 *
 * - `POST /mattermost/commands`: a custom slash command (`/sb restart web`), form-encoded, with the
 *   command's token in the `token` field and `Authorization: Token <token>`. Answered at once with
 *   `{response_type: 'ephemeral', text}`; the result is posted to the channel later by the `origin`
 *   delivery (the sink).
 * - `POST /mattermost/outgoing`: an outgoing webhook (a message starting with a trigger word in a
 *   public channel), JSON or form, with the webhook's token in `token`. Answered in the message's
 *   thread (`response_type: 'comment'`) when there is something to say at once; the ack and result
 *   follow in that thread through the `origin` delivery.
 *
 * Every request, in this order:
 * 1. The token matches a mattermost channel's `command_token` / `outgoing_token` (constant time):
 *    else 403, nothing parsed further, nothing run.
 * 2. The trigger_id / post_id is claimed once for `ingress.seen_ids_days` (src/auth/seen-ids.ts):
 *    a repeat (Mattermost does not retry, so a replay) is answered with nothing and runs nothing.
 * 3. The person is `users.NAME.mattermost` = `user_id` (never the bot: our own posts are ignored);
 *    per-sender rate limit (`limits.per_sender_per_minute`), known or not.
 * 4. `help` (or nothing) lists this person's commands; anything else goes through the shared
 *    pipeline as that person (proof `verified`: the token shows Mattermost sent it, and Mattermost
 *    set the user id). A command to confirm is answered with the prompt; `YES <code>` typed the same
 *    way (`/sb YES 4821`, or `sb YES 4821` after the trigger word) by the same person queues it.
 */
import { Hono, type Context } from 'hono';
import { errorBody } from '../../api/errors.ts';
import { identifySender } from '../../auth/identity.ts';
import { checkRateLimit, slowDownText, type RateDecision } from '../../auth/rate-limit.ts';
import { seenIds } from '../../auth/seen-ids.ts';
import { helpText } from '../../commands/help.ts';
import type { CommandOutcome } from '../../commands/run-command.ts';
import type { ChannelConfig } from '../../config/types.ts';
import { UnavailableError } from '../../errors.ts';
import { hashTagPrefix } from '../../executions/keys.ts';
import type { Origin } from '../../executions/types.ts';
import { redisAway, UNCOUNTED } from '../../ingress/redis-away.ts';
import type { HttpIngress, IngressDeps } from '../../ingress/ingress.ts';
import { verifiedOrRefused, type SignatureRefusal } from '../../ingress/signed.ts';
import type { Logger } from '../../log.ts';
import { httpFetch } from '../../sinks/http.ts';
import type { MattermostChannel } from './manifest.ts';
import { outcomeReply } from './replies.ts';
import { escapeMattermost } from './text.ts';
import { presentedTokens, verifyMattermostToken, type TokenKind } from './verify.ts';

export const COMMANDS_PATH = '/mattermost/commands';
export const OUTGOING_PATH = '/mattermost/outgoing';

/** The fields of a slash command or outgoing webhook Switchboard reads. */
export interface MattermostRequest {
  user_id: string;
  channel_id: string;
  text: string;
  team_id?: string;
  /** slash commands: the command typed, e.g. `/sb` */
  command?: string;
  /** slash commands: unique per invocation */
  trigger_id?: string;
  /** outgoing webhooks: the post that triggered it */
  post_id?: string;
  /** outgoing webhooks: the word that triggered it, at the start of `text` */
  trigger_word?: string;
}

/** The fields of a request, or undefined when `user_id` or `channel_id` is missing. */
export function parseMattermostRequest(fields: Record<string, unknown>): MattermostRequest | undefined {
  const str = (k: string) => (typeof fields[k] === 'string' && fields[k] !== '' ? (fields[k] as string) : undefined);
  const user_id = str('user_id');
  const channel_id = str('channel_id');
  if (!user_id || !channel_id) return undefined;
  const req: MattermostRequest = { user_id, channel_id, text: str('text') ?? '' };
  for (const k of ['team_id', 'command', 'trigger_id', 'post_id', 'trigger_word'] as const) {
    const v = str(k);
    if (v !== undefined) req[k] = v;
  }
  return req;
}

/** An outgoing webhook's text without its trigger word. */
export function withoutTriggerWord(text: string, word: string | undefined): string {
  const t = text.trimStart();
  if (!word || !t.toLowerCase().startsWith(word.toLowerCase())) return text;
  return t.slice(word.length);
}

/** What the person reads at once: text, and for a slash command whether only they see it. */
type Answer = { text: string } | undefined;

interface Ctx {
  deps: IngressDeps;
  log: Logger;
  channels: MattermostChannel[];
  keyPrefix: string;
  seen: ReturnType<typeof seenIds>;
  botUserId(channel: MattermostChannel): Promise<string | undefined>;
}

const isHelp = (text: string) => /^\s*(help)?\s*$/i.test(text);

/** Mattermost channels whose `kind` token is set: they accept that kind of request. */
function channelsWith(channels: Map<string, ChannelConfig>, kind: TokenKind): MattermostChannel[] {
  return [...channels.values()].filter((c): c is MattermostChannel => c.kind === 'mattermost' && Boolean((c as MattermostChannel)[kind]));
}

/** The bot's own user id per channel (`GET /api/v4/users/me`), asked once; undefined while unknown. */
function botUserIds(log: Logger): Ctx['botUserId'] {
  const known = new Map<string, Promise<string | undefined>>();
  return (channel) => {
    let p = known.get(channel.name);
    if (!p) {
      // the sinks' HTTP client: the token never follows a redirect
      p = httpFetch(`${channel.api_url.replace(/\/+$/, '')}/api/v4/users/me`, {
        headers: { authorization: `Bearer ${channel.token}` },
        signal: AbortSignal.timeout(5000),
      })
        .then(async (res) => (res.ok ? (JSON.parse(await res.text()) as { id?: string }).id : undefined))
        .catch(() => undefined)
        .then((id) => {
          if (id === undefined) {
            known.delete(channel.name); // asked again next time
            log.warn({ channel: channel.name }, 'mattermost: the bot user id is unknown (GET /api/v4/users/me failed); check token and api_url');
          }
          return id;
        });
      known.set(channel.name, p);
    }
    return p;
  };
}

/**
 * Both Mattermost routes. A route whose token no channel sets is not mounted.
 *
 * @example
 * # channels/mattermost.yaml: command_token enables /ingress/mattermost/commands, outgoing_token /ingress/mattermost/outgoing
 * name: mattermost
 * kind: mattermost
 * api_url: https://chat.example.com
 * token: ${MATTERMOST_BOT_TOKEN}
 * command_token: ${MATTERMOST_COMMAND_TOKEN}
 */
export const mattermostIngress: HttpIngress = {
  name: 'mattermost',
  routes(deps) {
    const app = new Hono();
    const all = [...deps.config.channels.values()].filter((c): c is MattermostChannel => c.kind === 'mattermost');
    if (all.length === 0) return app;
    const log = deps.logger.child({ component: 'ingress', ingress: 'mattermost' });
    const keyPrefix = hashTagPrefix(deps.config.main.redis.prefix);
    const ctx: Ctx = {
      deps,
      log,
      channels: all,
      keyPrefix,
      seen: seenIds(deps.redis, keyPrefix, 'mattermost', deps.config.main.ingress.seen_ids_days),
      botUserId: botUserIds(log),
    };

    const commandChannels = channelsWith(deps.config.channels, 'command_token');
    if (commandChannels.length > 0) {
      app.post(COMMANDS_PATH, async (c) => {
        const form = Object.fromEntries(new URLSearchParams(await c.req.text()));
        const channel = verified(c, commandChannels, 'command_token', presentedTokens(c.req.header('authorization'), form.token), log);
        if (channel instanceof Response) return channel;
        const req = parseMattermostRequest(form);
        if (!req) return c.json(errorBody('invalid_request', 'a slash command needs user_id and channel_id'), 400);
        const answer = await unavailableAsText(log, () => handleRequest(ctx, channel, req, 'command'));
        return answer ? c.json({ response_type: 'ephemeral', text: answer.text }) : c.body(null, 200);
      });
    }

    const outgoingChannels = channelsWith(deps.config.channels, 'outgoing_token');
    if (outgoingChannels.length > 0) {
      app.post(OUTGOING_PATH, async (c) => {
        const raw = await c.req.text();
        const fields = parseBody(raw, c.req.header('content-type'));
        if (!fields) return c.json(errorBody('invalid_request', 'the body is neither JSON nor a form'), 400);
        const channel = verified(c, outgoingChannels, 'outgoing_token', presentedTokens(undefined, fields.token), log);
        if (channel instanceof Response) return channel;
        const req = parseMattermostRequest(fields);
        if (!req?.post_id) return c.json(errorBody('invalid_request', 'an outgoing webhook needs user_id, channel_id and post_id'), 400);
        const answer = await unavailableAsText(log, () => handleRequest(ctx, channel, req, 'outgoing'));
        return answer ? c.json({ text: answer.text, response_type: 'comment' }) : c.body(null, 200);
      });
    }
    return app;
  },
};

function parseBody(raw: string, type: string | undefined): Record<string, unknown> | undefined {
  if (type?.includes('json')) {
    try {
      const v = JSON.parse(raw) as unknown;
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

const MATTERMOST_REFUSAL: SignatureRefusal = { status: 403, log: 'mattermost request refused: missing or wrong token', withPath: true };

/** The channel the token belongs to, or the 403 answer. */
function verified(c: Context, channels: MattermostChannel[], kind: TokenKind, tokens: string[], log: Logger): MattermostChannel | Response {
  const v = verifiedOrRefused(c, log, MATTERMOST_REFUSAL, () => verifyMattermostToken(channels, kind, tokens));
  return 'refused' in v ? v.refused : v.verified;
}

/** Redis not reachable: nothing was run, and the person is told so. */
async function unavailableAsText(log: Logger, fn: () => Promise<Answer>): Promise<Answer> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof UnavailableError)) throw err;
    log.error({ err: err.message }, 'mattermost command not queued: Redis unavailable');
    return { text: 'Switchboard cannot queue commands right now; nothing was run. Try again shortly.' };
  }
}

async function handleRequest(ctx: Ctx, channel: MattermostChannel, req: MattermostRequest, via: 'command' | 'outgoing'): Promise<Answer> {
  const { deps, log } = ctx;
  const { config } = deps;
  // Redis away with a spool: nothing claimed nor counted; the id keys the spooled command (src/ingress/redis-away.ts)
  const away = redisAway(deps);

  // never our own posts (an outgoing webhook fires on any post starting with its trigger word)
  if (via === 'outgoing' && req.user_id === (await ctx.botUserId(channel))) return undefined;

  // 2. once per trigger_id / post_id, whatever the execution retention: a replay runs nothing
  const id = via === 'command' ? req.trigger_id : req.post_id;
  if (id !== undefined) {
    const seenId = `${via}:${req.team_id ?? '-'}:${id}`;
    if (!(await away.before(() => ctx.seen.claim(seenId, deps.now()), true))) {
      log.warn(
        { mattermost_user: req.user_id, via },
        `mattermost ${via === 'command' ? 'slash command' : 'outgoing webhook'} refused: ${via === 'command' ? 'trigger_id' : 'post_id'} already handled (replay)`,
      );
      return undefined;
    }
  }

  // 3. the person, then the rate limit (known or not)
  const user = identifySender(config, 'mattermost', req.user_id);
  const rate: RateDecision = await away.before(
    () => checkRateLimit(deps.redis, ctx.keyPrefix, `mattermost:${req.user_id}`, config.main.limits.per_sender_per_minute, deps.now()),
    UNCOUNTED,
  );
  if (!rate.allowed) {
    deps.metrics?.commandReceived('mattermost', 'rate_limited');
    return { text: slowDownText(rate) };
  }

  const text = via === 'outgoing' ? withoutTriggerWord(req.text, req.trigger_word) : req.text;
  // 4. `/sb` or `/sb help`: the commands this person may run
  if (isHelp(text)) {
    if (!user) return config.main.ingress.unknown_sender_reply ? { text: config.main.ingress.unknown_sender_reply } : undefined;
    const page = await helpText({ config, matcher: deps.matcher }, user, undefined, 1);
    return { text: escapeMattermost(page.text) };
  }

  const origin: Origin = {
    source: 'mattermost',
    sender: req.user_id,
    reply: {
      medium: 'mattermost',
      channel: req.channel_id,
      channel_name: channel.name,
      ...(via === 'outgoing' && req.post_id !== undefined && { root_id: req.post_id }),
    },
    ...(id !== undefined && { message_id: id }),
    proof: 'verified', // the channel's token and the user id Mattermost set
  };
  const outcome = await deps.runCommand({
    text,
    source: 'mattermost',
    user,
    origin,
    ...(id !== undefined && { idempotencyKey: `mattermost:${via}:${id}` }),
  });
  log.debug({ kind: outcome.kind, mattermost_user: req.user_id, channel: channel.name, via }, 'mattermost command handled');
  return answerFor(outcome, via, req, config.main.ingress.unknown_sender_reply);
}

/** The immediate answer; a confirmation prompt says how to answer it from where the person is. */
function answerFor(outcome: CommandOutcome, via: 'command' | 'outgoing', req: MattermostRequest, unknownSenderReply: string | null): Answer {
  // outgoing webhook: the ack and the result reach the thread through the origin delivery
  if (via === 'outgoing' && outcome.kind === 'queued') return undefined;
  const text = outcomeReply(outcome, unknownSenderReply);
  if (text === undefined || text === '') return undefined;
  if (outcome.kind === 'pending' && outcome.confirmation) {
    const lead = via === 'command' ? (req.command ?? '/sb') : (req.trigger_word ?? '');
    const how = `${lead} YES ${outcome.confirmation.code}`.trim();
    return {
      text: `${text}\nAnswer with \`${escapeMattermost(how)}\` (or \`${escapeMattermost(`${lead} NO ${outcome.confirmation.code}`.trim())}\` to cancel).`,
    };
  }
  return { text };
}
