/**
 * `slack` sink: chat.postMessage through @slack/web-api (`slackApiUrl` = `api_url`), replies in a
 * thread when `replyTo.thread_ts` is set, and uploads output too long for a message as a file in
 * the message's thread. A message with a `thread` (an alert's follow-ups) continues the thread of the
 * first message of that key to the same target (threads.ts); alert messages carry their code and ACK
 * / Silence 1h buttons (alert-blocks.ts), and a resolved alert's first message is edited to say so.
 * The client never retries (`retryConfig: {retries: 0}`, rate-limited calls
 * rejected): the delivery queue retries, honouring Retry-After.
 *
 * A command's ack is its live message (live.ts): progress edits it (`chat.update`) while the
 * execution runs, and the result replaces it instead of posting anew.
 *
 * A slash command's answer in a channel the bot is not in (`not_in_channel`, `channel_not_found`)
 * goes through the command's `response_url` instead (`response_type: in_channel`), which Slack
 * accepts for 30 minutes and 5 posts: a team can use `/sb` anywhere without inviting the bot.
 */
import { type ChatPostMessageArguments, type ChatUpdateArguments, ErrorCode, WebClient, type Logger as SlackLogger, LogLevel } from '@slack/web-api';
import { redactText, type Logger } from '../../log.ts';
import { DEFAULT_TIMEOUT_MS, httpStatusError, parseRetryAfter, startDeadline, transportError, type Deadline } from '../../sinks/failure.ts';
import { sinkFetch } from '../../sinks/http.ts';
import { channelSecrets, channelSettings } from '../../sinks/settings.ts';
import { defineSink, SinkError, type OutboundMessage, type SendResult, type SinkFailureReason } from '../../sinks/sink.ts';
import { closeAlertBlocks, withAlertBlocks } from './alert-blocks.ts';
import { formatSlackMessage } from './format.ts';
import { sendLive, type LiveRef, type Posted } from './live.ts';
import { readThread, rememberThread, type SlackThread } from './threads.ts';
import { targetOf } from '../../sinks/render.ts';

/** Platform errors that fail a delivery for good, with their reason. Anything else unknown is permanent too. */
const permanentErrors: Record<string, SinkFailureReason> = {
  channel_not_found: 'invalid_target',
  not_in_channel: 'invalid_target',
  is_archived: 'invalid_target',
  user_not_found: 'invalid_target',
  invalid_auth: 'auth_error',
  not_authed: 'auth_error',
  token_revoked: 'auth_error',
  token_expired: 'auth_error',
  account_inactive: 'auth_error',
  missing_scope: 'auth_error',
};
const transientErrors = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** What the last HTTP response said, seen through the client's `fetch` option. */
interface Probe {
  status: number;
  retryAfter: string | null;
}

/**
 * @example
 * # channels/slack-ops.yaml
 * name: slack-ops
 * kind: slack
 * token: ${SLACK_BOT_TOKEN}
 * default_target: "#ops"
 */
export const slackSink = defineSink({
  kind: 'slack',
  settings: channelSettings('slack'),
  defaultRate: { max: 1, perSeconds: 1, perTarget: true },
  create(settings, deps) {
    const secrets = channelSecrets(settings);
    const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const log = deps.logger.child({ sink: 'slack', channel: settings.name });
    const quiet: SlackLogger = {
      debug: () => {},
      info: () => {},
      warn: (...m: unknown[]) => log.debug(redactText(m.join(' '), secrets)),
      error: (...m: unknown[]) => log.debug(redactText(m.join(' '), secrets)),
      setLevel: () => {},
      getLevel: () => LogLevel.ERROR,
      setName: () => {},
    };

    const clientFor = (deadline: Deadline, probe: Probe) =>
      new WebClient(settings.token, {
        slackApiUrl: settings.api_url ?? 'https://slack.com/api/',
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        logger: quiet,
        fetch: async (url: string | URL | Request, init?: RequestInit) => {
          const res = await fetch(url, { ...init, signal: deadline.signal });
          probe.status = res.status;
          probe.retryAfter = res.headers.get('retry-after');
          return res;
        },
      });

    /** Edits the live message at `ref` (live.ts): chat.update replacing every part, a long output's file in its thread. */
    const edit = async (m: OutboundMessage, ref: LiveRef, signal: AbortSignal): Promise<SendResult> => {
      const probe: Probe = { status: 0, retryAfter: null };
      const deadline = startDeadline(signal, timeoutMs);
      const client = clientFor(deadline, probe);
      const post = formatSlackMessage({ id: m.id, subject: m.subject, text: m.mrkdwn ?? m.text, status: m.execution?.status });
      try {
        // blocks and attachments absent from chat.update would stay as they were: always replace both
        await client.chat.update({
          channel: ref.channel,
          ts: ref.ts,
          text: post.text,
          blocks: post.blocks ?? [],
          attachments: post.attachments ?? [],
        } as ChatUpdateArguments);
        if (post.upload) {
          const { content, filename, title } = post.upload;
          await client.filesUploadV2({ channel_id: ref.channel, thread_ts: m.replyTo?.thread_ts ?? ref.ts, content, filename, title });
        }
        return { externalId: ref.ts, sent: { text: m.mrkdwn ?? m.text, target: m.replyTo?.channel ?? ref.channel } };
      } catch (err) {
        throw classifySlackError(err, probe, deadline, secrets);
      } finally {
        deadline.done();
      }
    };

    const messages = {
      async post(m: OutboundMessage, signal: AbortSignal): Promise<Posted> {
        const channel = m.replyTo?.channel ?? targetOf(m, settings.default_target);
        if (!channel) throw new SinkError('slack: no target channel and no default_target', 'invalid_target', false);
        const probe: Probe = { status: 0, retryAfter: null };
        const deadline = startDeadline(signal, timeoutMs);
        const client = clientFor(deadline, probe);
        const formatted = formatSlackMessage({ id: m.id, subject: m.subject, text: m.mrkdwn ?? m.text, status: m.execution?.status });
        const post = m.alert ? withAlertBlocks(formatted, m.alert) : formatted;
        // a conversation (alert follow-ups): later messages reply in the thread of the first one to this target
        const thread = m.thread && !m.replyTo?.thread_ts ? await readThread(deps.state, m.thread, channel) : undefined;
        const threadTs = m.replyTo?.thread_ts ?? thread?.ts;
        const resolved = m.alert?.status === 'resolved';
        try {
          // A retry after a failed upload must not post the message twice.
          const postedKey = `slack:posted:${m.id}`;
          const posted = post.upload ? await deps.state.get(postedKey) : undefined;
          let ts: string;
          let channelId: string;
          if (posted) {
            [channelId, ts] = JSON.parse(posted) as [string, string];
          } else {
            const res = await client.chat.postMessage({
              channel: thread?.channel ?? channel,
              text: post.text,
              mrkdwn: true,
              ...(post.blocks ? { blocks: post.blocks as never } : {}),
              ...(post.attachments ? { attachments: post.attachments as never } : {}),
              ...(threadTs ? { thread_ts: threadTs } : {}),
              ...(thread && resolved ? { reply_broadcast: true } : {}),
            } as ChatPostMessageArguments);
            ts = String(res.ts);
            channelId = String(res.channel ?? channel);
            if (m.thread && !threadTs)
              await rememberThread(deps.state, m.thread, channel, { channel: channelId, ts, text: post.text, ...optionalBlocks(post.blocks) });
            if (post.upload) await deps.state.set(postedKey, JSON.stringify([channelId, ts]), 7 * 24 * 3600);
          }
          if (post.upload) {
            await client.filesUploadV2({
              channel_id: channelId,
              thread_ts: threadTs ?? ts,
              content: post.upload.content,
              filename: post.upload.filename,
              title: post.upload.title,
            });
            await deps.state.delete(postedKey);
          }
          if (thread && resolved) await closeResolved(client, thread, log);
          return { externalId: ts, sent: { text: m.mrkdwn ?? m.text, target: channel }, posted: { channel: channelId, ts } };
        } catch (err) {
          const failure = classifySlackError(err, probe, deadline, secrets);
          const responseUrl = m.replyTo?.response_url;
          if (failure.reason === 'invalid_target' && responseUrl && trustedResponseUrl(responseUrl, settings.api_url)) {
            return respond(responseUrl, post, { deadline, secrets });
          }
          throw failure;
        } finally {
          deadline.done();
        }
      },
    };
    // an execution's ack, progress and result share one message (queued → running → result): live.ts
    return { send: (m, signal) => sendLive(m, signal, { state: deps.state, post: messages.post, edit }) };
  },
});

const optionalBlocks = (blocks: Record<string, unknown>[] | undefined) => (blocks ? { blocks } : {});

/**
 * Edits a resolved alert's first message: its buttons go, `Resolved` shows. The follow-up is already
 * posted, so a failed edit is logged, not retried (a retry would post the follow-up twice).
 */
async function closeResolved(client: WebClient, thread: SlackThread, log: Logger): Promise<void> {
  try {
    await client.chat.update({ channel: thread.channel, ts: thread.ts, text: thread.text, blocks: closeAlertBlocks(thread.blocks, 'Resolved') as never });
  } catch (err) {
    log.warn({ err: (err as { code?: string }).code ?? (err as Error).message, ts: thread.ts }, 'resolved alert message not edited');
  }
}

/** Slack's own response URLs, or ones on the configured API host (a proxy or a test double). */
function trustedResponseUrl(url: string, apiUrl: string | undefined): boolean {
  if (url.startsWith('https://hooks.slack.com/')) return true;
  try {
    return apiUrl !== undefined && new URL(url).origin === new URL(apiUrl).origin;
  } catch {
    return false;
  }
}

/** Posts the message through a slash command's response_url, visible to the channel. */
async function respond(url: string, post: ReturnType<typeof formatSlackMessage>, ctx: { deadline: Deadline; secrets: readonly string[] }) {
  const body = {
    response_type: 'in_channel',
    replace_original: false,
    text: post.text,
    ...(post.blocks ? { blocks: post.blocks } : {}),
    ...(post.attachments ? { attachments: post.attachments } : {}),
  };
  // a response_url takes no file: the preview says so instead of pointing at one
  let json = JSON.stringify(body);
  if (post.upload)
    json = json.replaceAll(`the full text is in the file ${post.upload.filename}`, 'the full text could not be attached here (the bot is not in this channel)');
  try {
    (await sinkFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json }, { what: 'slack response_url', ...ctx })).discard();
  } catch (err) {
    // 404 used_url / expired_url: the only way left is a channel the bot is in
    if (err instanceof SinkError && !err.retryable) {
      throw new SinkError(
        `${err.message}; the bot is not in that channel and the command's response_url is used up or expired (invite the bot to the channel)`,
        'invalid_target',
        false,
      );
    }
    throw err;
  }
  return { externalId: 'response_url' };
}

function classifySlackError(err: unknown, probe: Probe, deadline: Deadline, secrets: readonly string[]): SinkError {
  const e = err as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number; original?: unknown; body?: unknown };
  const retryAfterMs = parseRetryAfter(probe.retryAfter);
  if (e.code === ErrorCode.PlatformError) {
    const code = e.data?.error ?? 'unknown_error';
    if (code === 'ratelimited') return new SinkError('slack: ratelimited', 'rate_limited', true, retryAfterMs);
    if (transientErrors.has(code)) return new SinkError(`slack: ${code}`, 'server_error', true, retryAfterMs);
    return new SinkError(`slack: ${code}`, permanentErrors[code] ?? 'client_error', false);
  }
  if (e.code === ErrorCode.RateLimitedError || probe.status === 429) {
    return new SinkError('slack: rate limited (HTTP 429)', 'rate_limited', true, retryAfterMs ?? (e.retryAfter ?? 0) * 1000);
  }
  if (e.code === ErrorCode.HTTPError && e.statusCode) {
    return httpStatusError('slack', e.statusCode, typeof e.body === 'string' ? e.body : '', secrets, retryAfterMs);
  }
  if (probe.status >= 300) return httpStatusError('slack', probe.status, '', secrets, retryAfterMs);
  return transportError('slack', e.code === ErrorCode.RequestError ? e.original : err, deadline, secrets);
}
