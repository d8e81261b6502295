/**
 * `POST /ingress/teams/:channel`: a Teams outgoing webhook (docs/providers/teams.md), answered inline
 * with a message Activity. Teams waits 5 seconds for the answer; the result of a queued command
 * follows through the `origin` delivery, posted to the channel's `webhook_url` (an outgoing webhook
 * cannot post on its own).
 *
 * 1. The channel named in the path, of kind `teams` with an `hmac_secret`; its token verifies
 *    `Authorization: HMAC …` over the raw body (verify.ts). Missing or wrong: 401, nothing runs.
 * 2. The activity's `timestamp` (inside the signed body) must be within 5 minutes of now: a captured
 *    request replayed later is refused (401).
 * 3. Each activity id is acted on once (auth/seen-ids.ts, kept `ingress.seen_ids_days`): a repeat
 *    gets the first answer again (kept an hour) and runs nothing.
 * 4. The sender (`from.aadObjectId`, else `from.id`) is rate-limited, then identified as the user
 *    whose `users.NAME.teams` holds that id; unknown senders run nothing.
 * 5. `help` lists the person's commands; anything else goes through the shared pipeline as that
 *    person, `YES <code>` replies to a confirmation prompt included. An answer not ready within
 *    {@link ANSWER_BUDGET_MS} is replaced by "working on it" (the pipeline still finishes).
 */
import { Hono, type Context } from 'hono';
import { errorBody } from '../../api/errors.ts';
import { identifySender } from '../../auth/identity.ts';
import { checkRateLimit, slowDownText } from '../../auth/rate-limit.ts';
import { seenIds } from '../../auth/seen-ids.ts';
import { helpText } from '../../commands/help.ts';
import type { ChannelConfig } from '../../config/types.ts';
import { hashTagPrefix } from '../../executions/keys.ts';
import { guarded } from '../../executions/redis.ts';
import type { Origin } from '../../executions/types.ts';
import { redisAway, UNCOUNTED } from '../../ingress/redis-away.ts';
import type { HttpIngress } from '../../ingress/ingress.ts';
import { commandText, parseActivity } from './inbound.ts';
import { escapeTeamsMarkdown, outcomeText, teamsReply, type TeamsReply } from './render.ts';
import { verifyTeamsHmac } from './verify.ts';

type TeamsChannel = Extract<ChannelConfig, { kind: 'teams' }>;

/** How far an activity's timestamp may be from now (Slack's window). */
export const TEAMS_MAX_SKEW_MS = 5 * 60_000;
/** Teams gives up after 5 seconds; the answer is sent well before. */
export const ANSWER_BUDGET_MS = 3_500;
/** How long an answer is kept for a repeated activity id. */
const ANSWER_TTL_SECONDS = 3_600;

const isHelp = (text: string) => /^\s*(help)?\s*$/i.test(text);

/**
 * The Teams outgoing-webhook ingress.
 *
 * @example
 * // src/providers/teams/runtime.ts
 * export const runtime: ProviderRuntime = { sink: teamsSink, http: [teamsIngress] };
 */
export const teamsIngress: HttpIngress = {
  name: 'teams',
  routes(deps) {
    const { config, redis } = deps;
    const log = deps.logger.child({ component: 'ingress', ingress: 'teams' });
    const channels = new Map(
      [...config.channels.values()].filter((c): c is TeamsChannel => c.kind === 'teams' && c.hmac_secret !== undefined).map((c) => [c.name, c] as const),
    );
    const prefix = hashTagPrefix(config.main.redis.prefix);
    const seen = seenIds(redis, prefix, 'teams', config.main.ingress.seen_ids_days);
    const withRedis = <T>(fn: () => Promise<T>) => guarded(redis, fn);
    // Redis away with a spool: nothing claimed nor counted; the activity id keys the spooled command (src/ingress/redis-away.ts)
    const away = redisAway(deps);

    /** The answer to one verified, new activity. */
    async function answer(channel: TeamsChannel, activity: Exclude<ReturnType<typeof parseActivity>, { error: string }>): Promise<string> {
      const text = commandText(activity.text);
      // 4. rate limit per sender, known or not; then the person
      const rate = await away.before(
        () => checkRateLimit(redis, prefix, `teams:${activity.sender}`, config.main.limits.per_sender_per_minute, deps.now()),
        UNCOUNTED,
      );
      if (!rate.allowed) {
        deps.metrics?.commandReceived('teams', 'rate_limited');
        log.info({ channel: channel.name, count: rate.count }, 'teams sender rate limited');
        return slowDownText(rate);
      }
      const user = identifySender(config, 'teams', activity.sender);
      if (!user) {
        log.info({ channel: channel.name }, 'teams command from unknown sender ignored');
        return escapeTeamsMarkdown(config.main.ingress.unknown_sender_reply ?? 'You are not registered to run commands here.');
      }
      // 5. help, answered here
      if (isHelp(text)) {
        const page = await helpText({ config, matcher: deps.matcher }, user, undefined, 1);
        return escapeTeamsMarkdown(page.text).replace(/\n/g, '\n\n');
      }
      const origin: Origin = {
        source: 'teams',
        sender: activity.sender,
        reply: { medium: 'teams', channel: channel.name, conversation: activity.conversationId },
        message_id: activity.id,
        proof: 'verified', // the HMAC of the team's outgoing webhook and Teams' own user id
      };
      // the inline answer is the ack: none is queued to the webhook besides
      const outcome = await deps.runCommand({ text, source: 'teams', user, origin, idempotencyKey: `teams:${channel.name}:${activity.id}`, sendAck: false });
      log.debug({ kind: outcome.kind, channel: channel.name }, 'teams command handled');
      return outcomeText(outcome, config.main.ingress.unknown_sender_reply) ?? '';
    }

    const app = new Hono();
    app.post('/teams/:channel', async (c: Context) => {
      const refuse = (code: string, message: string, status: 400 | 401) => c.json(errorBody(code, message), status);
      const channel = channels.get(c.req.param('channel') ?? '');
      const raw = Buffer.from(await c.req.arrayBuffer());
      // 1. the HMAC over the raw body, with the channel's security token
      if (!channel || !verifyTeamsHmac(channel.hmac_secret!, c.req.header('authorization'), raw)) {
        log.warn({ channel: c.req.param('channel') }, 'teams webhook refused: no such teams channel with an hmac_secret, or a bad or missing HMAC');
        return refuse('invalid_signature', 'the Authorization HMAC is missing or wrong', 401);
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return refuse('invalid_request', 'the body is not JSON', 400);
      }
      const activity = parseActivity(body);
      if ('error' in activity) return refuse('invalid_request', activity.error, 400);
      // 2. freshness, from the signed body
      const now = deps.now();
      if (!activity.timestamp || Math.abs(now - activity.timestamp.getTime()) > TEAMS_MAX_SKEW_MS) {
        log.warn({ channel: channel.name }, 'teams webhook refused: activity timestamp missing or more than 5 minutes away (replay?)');
        return refuse('signature_stale', 'the activity timestamp is missing or too far from now', 401);
      }
      // 3. once per activity id; a repeat gets the first answer and runs nothing
      const id = `${channel.name}:${activity.id}`;
      const answerKey = `${prefix}:ingress-teams:${id}`;
      if (!(await away.before(() => seen.claim(id, now), true))) {
        log.warn({ channel: channel.name }, 'teams activity already handled: answered again, nothing run');
        const kept = await withRedis(() => redis.get(answerKey));
        return c.json(teamsReply(kept ?? 'Already handled.'));
      }
      // the pipeline keeps running past the budget; Teams gets an answer in time either way
      const working = answer(channel, activity).then(async (text) => {
        await redis.set(answerKey, text, 'EX', ANSWER_TTL_SECONDS).catch((err: Error) => log.warn({ err: err.message }, 'teams answer not kept'));
        return text;
      });
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('Working on it: the answer follows in this channel.'), ANSWER_BUDGET_MS);
      });
      try {
        const text = await Promise.race([working, late]);
        return c.json(teamsReply(text) satisfies TeamsReply);
      } finally {
        clearTimeout(timer);
        working.catch((err: Error) => log.error({ err: err.message, channel: channel.name }, 'teams command failed after its answer was sent'));
      }
    });
    return app;
  },
};
