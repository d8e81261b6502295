/**
 * The result of a command that came through the StackStorm API, announced the way StackStorm's
 * chatops pack does (`chatops.post_result` -> `st2.announcement__chatops`): when the execution
 * ends, the worker publishes it on a Redis channel, and every gateway's `/st2/stream/v1/stream`
 * passes it to its listeners (hubot-stackstorm posts `payload` to `payload.channel`).
 *
 * The command's origin says it came this way: `origin.reply.st2_route` (the request's
 * `notification_route`, default `chatops`), with `st2_channel` and `st2_user` (hubot's room and
 * chat user) and `st2_credential` (the key or token it came with: that caller hears the result).
 *
 * Channel: `{sb}:st2-announce` (pub/sub; like StackStorm's stream, nothing is replayed).
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config/types.ts';
import { hashTagPrefix } from '../executions/keys.ts';
import type { ExecutionRecord, Origin } from '../executions/types.ts';
import { redactDeep, redactText } from '../log.ts';
import { buildNotifications, originName } from '../notify/index.ts';
import { renderTemplate } from '../templates/render.ts';

/** StackStorm's chatops route: hubot-stackstorm listens to `st2.announcement__chatops`. */
export const CHATOPS_ROUTE = 'chatops';

/** What `chatops.post_message` puts in an announcement, as hubot-stackstorm's `postData` reads it. */
export interface ChatopsPayload {
  channel: string;
  message: string;
  user: string;
  whisper: boolean;
  extra: Record<string, unknown>;
}

/** One announcement as published: the SSE events to send it as, and who may hear it. */
export interface Announcement {
  /** `st2.announcement__chatops`, and `st2.announcement__<route>` for another route */
  events: string[];
  /** the SSE `data`: `{payload}`, as StackStorm's stream sends announcements */
  data: { payload: ChatopsPayload; execution: { id: string; status: string } };
  /** the execution's owner (callers who may read it hear it) */
  owner?: string;
  /** the credential the command came with (that caller hears it) */
  credential?: string;
}

export const announceChannel = (redisPrefix: string): string => `${hashTagPrefix(redisPrefix)}:st2-announce`;

/** The origin reply data a StackStorm API command records. */
export function st2Reply(input: {
  route?: string | undefined;
  channel?: string | undefined;
  user?: string | undefined;
  credential: string;
}): Record<string, string> {
  return {
    st2_route: input.route && input.route.length > 0 ? input.route : CHATOPS_ROUTE,
    st2_credential: input.credential,
    ...(input.channel !== undefined && { st2_channel: input.channel }),
    ...(input.user !== undefined && { st2_user: input.user }),
  };
}

/** Whether an origin came through the StackStorm API. */
export const isSt2Origin = (origin: Origin | undefined): boolean => origin?.reply?.st2_route !== undefined;

/**
 * The announcement of a finished execution, or `undefined` when it did not come through the
 * StackStorm API, is not finished, or its alias says `result: { enabled: false }`. The message is
 * the alias's `result` (its `format`, else the default result text), `extra` its `result.extra`.
 *
 * @example
 * buildAnnouncement(exec, config)
 * // { events: ['st2.announcement__chatops'], data: { payload: { channel: '#ops', message: 'web restarted', user: 'alice', whisper: false, extra: {} }, ... } }
 */
export function buildAnnouncement(exec: ExecutionRecord, config: Pick<Config, 'actions' | 'aliases' | 'secrets'>): Announcement | undefined {
  const reply = exec.origin?.reply;
  if (!reply || reply.st2_route === undefined) return undefined;
  const alias = exec.alias === undefined ? undefined : config.aliases.find((a) => a.id === exec.alias);
  const result = buildNotifications({ execution: exec, action: config.actions.get(exec.action), alias, render: renderTemplate }).find(
    (n) => n.name === originName && n.trigger === 'result',
  );
  if (!result) return undefined;
  const route = reply.st2_route;
  const extra = result.data.extra;
  const payload: ChatopsPayload = {
    channel: reply.st2_channel ?? '',
    message: redactText(result.message, config.secrets),
    user: reply.st2_user ?? exec.user ?? '',
    whisper: false,
    extra: typeof extra === 'object' && extra !== null && !Array.isArray(extra) ? (redactDeep(extra, config.secrets) as Record<string, unknown>) : {},
  };
  return {
    events: route === CHATOPS_ROUTE ? [`st2.announcement__${CHATOPS_ROUTE}`] : [`st2.announcement__${CHATOPS_ROUTE}`, `st2.announcement__${route}`],
    data: { payload, execution: { id: exec.id, status: exec.status } },
    ...(exec.user !== undefined && { owner: exec.user }),
    ...(reply.st2_credential !== undefined && { credential: reply.st2_credential }),
  };
}

/**
 * Publishes the announcement of `exec`, if it has one (the worker's terminal hook calls this).
 *
 * @example
 * await announceExecution(redis, config, exec);
 */
export async function announceExecution(redis: Redis, config: Pick<Config, 'actions' | 'aliases' | 'secrets' | 'main'>, exec: ExecutionRecord): Promise<void> {
  if (!isSt2Origin(exec.origin)) return;
  const announcement = buildAnnouncement(exec, config);
  if (announcement) await redis.publish(announceChannel(config.main.redis.prefix), JSON.stringify(announcement));
}
