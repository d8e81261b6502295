/**
 * A fake Slack Web API (a real server): chat.postMessage, chat.update, the files.uploadV2 trio
 * (files.getUploadURLExternal, the upload URL, files.completeUploadExternal) and auth.test. Response
 * shapes follow slackapi/slack-api-specs (corpus: slack-chat-postMessage-response.json,
 * slack-error-channel_not_found.json); errors are HTTP 200 `{ok:false, error}` as Slack sends them.
 */
import { createHash } from 'node:crypto';
import { startHttpFake, type FakeResponse, type FakeServer, type RecordedRequest } from '../../../test/fakes/http-fake.ts';

export interface SlackPosted {
  channel: string;
  text?: string;
  thread_ts?: string;
  /** `'true'` when a thread reply is also shown in the channel */
  reply_broadcast?: string;
  blocks?: { type: string; text?: { type: string; text: string } }[];
  attachments?: { pretext?: string; text?: string; color?: string; fallback?: string }[];
  mrkdwn?: string;
  ts: string;
}

export interface SlackUpload {
  file_id: string;
  filename: string;
  length: number;
  content?: string;
  title?: string;
  channel_id?: string;
  thread_ts?: string;
}

/** A chat.update call: the message `ts` in `channel` now has this text and these blocks. */
export interface SlackUpdate {
  channel: string;
  ts: string;
  text?: string;
  blocks?: Record<string, unknown>[];
  attachments?: SlackPosted['attachments'];
}

/** A post to a slash command's response_url. */
export interface SlackResponse {
  token: string;
  body: Record<string, unknown>;
}

export interface SlackFake extends FakeServer {
  /** the API root to give the client: `${url}/api/` */
  apiUrl: string;
  messages: SlackPosted[];
  /** posts to response URLs (`responseUrl(token)`); Slack takes up to 5 per URL */
  responses: SlackResponse[];
  /** a slash command's response_url served by this fake */
  responseUrl(token: string): string;
  uploads: SlackUpload[];
  /** chat.update calls, in order (the message in `messages` is changed too) */
  updates: SlackUpdate[];
  /** answers the next call with `{ok:false, error}` (HTTP 200), like Slack */
  platformErrorNext(error: string): void;
  /** the next file upload (to the upload URL) answers HTTP 500 */
  failUploadNext(): void;
}

export const slackError = (error: string): FakeResponse => ({ status: 200, body: { ok: false, error } });

/** The id the fake answers for a channel named `name` (`#ops` → `C…`), as Slack answers with ids. */
export const channelId = (name: string) =>
  /^[CGD][A-Z0-9]+$/.test(name) ? name : `C${createHash('sha1').update(name).digest('hex').slice(0, 10).toUpperCase()}`;

/**
 * @example
 * const slack = await startSlackFake({ token: 'xoxb-test', channels: ['#ops'] });
 * new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
 */
export async function startSlackFake(opts: { token?: string; channels?: string[] } = {}): Promise<SlackFake> {
  const messages: SlackPosted[] = [];
  const uploads: SlackUpload[] = [];
  const responses: SlackResponse[] = [];
  const updates: SlackUpdate[] = [];
  const known = opts.channels ? new Set(opts.channels.flatMap((c) => [c, channelId(c)])) : undefined;
  let seq = 0;
  let failUploads = 0;
  const nextTs = () => `${1503435956 + seq}.${String(++seq).padStart(6, '0')}`;
  const json = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as never) : undefined);

  const route = async (req: RecordedRequest): Promise<FakeResponse> => {
    const method = req.path.replace(/^\/api\//, '');
    if (req.path.startsWith('/upload/v1/')) return receiveUpload(req);
    if (req.path.startsWith('/commands/')) {
      // a response_url: no token needed, up to 5 uses, then Slack answers 404 used_url
      const token = req.path.slice('/commands/'.length);
      if (responses.filter((r) => r.token === token).length >= 5) return { status: 404, body: 'used_url' };
      responses.push({ token, body: json(req.body) ?? {} });
      return { status: 200, body: 'ok' };
    }
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) return slackError('not_authed');
    if (opts.token && auth !== `Bearer ${opts.token}`) return slackError('invalid_auth');
    const p = req.parsed ?? {};
    switch (method) {
      case 'auth.test':
        return {
          status: 200,
          body: { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'switchboard', team_id: 'T0FAKE', user_id: 'U0BOT', bot_id: 'B0BOT' },
        };
      case 'chat.postMessage': {
        const channel = String(p.channel ?? '');
        if (!channel) return slackError('channel_not_found');
        if (known && !known.has(channel)) return slackError('channel_not_found');
        if (!p.text && !p.blocks && !p.attachments) return slackError('no_text');
        const ts = nextTs();
        messages.push({
          channel,
          text: p.text as string | undefined,
          thread_ts: p.thread_ts as string | undefined,
          ...(p.reply_broadcast !== undefined && { reply_broadcast: String(p.reply_broadcast) }),
          blocks: json(p.blocks),
          attachments: json(p.attachments),
          mrkdwn: p.mrkdwn as string | undefined,
          ts,
        });
        const message = { bot_id: 'B19LU7CSY', subtype: 'bot_message', text: p.text ?? '', ts, type: 'message', username: 'switchboard' };
        return { status: 200, body: { channel: channelId(channel), message, ok: true, ts } };
      }
      case 'chat.update': {
        const ts = String(p.ts ?? '');
        const target = messages.find((m) => m.ts === ts && (m.channel === p.channel || channelId(m.channel) === p.channel));
        if (!target) return slackError('message_not_found');
        const u: SlackUpdate = { channel: String(p.channel), ts, text: p.text as string | undefined, blocks: json(p.blocks), attachments: json(p.attachments) };
        updates.push(u);
        // as Slack: a part left out keeps what it was; an empty list clears it
        Object.assign(target, { text: u.text ?? target.text, blocks: u.blocks ?? target.blocks, attachments: u.attachments ?? target.attachments });
        return { status: 200, body: { ok: true, channel: channelId(target.channel), ts, text: u.text ?? '' } };
      }
      case 'files.getUploadURLExternal': {
        const file_id = `F${String(uploads.length + 1).padStart(8, '0')}`;
        uploads.push({ file_id, filename: String(p.filename ?? ''), length: Number(p.length ?? 0) });
        return { status: 200, body: { ok: true, upload_url: `${fake.url}/upload/v1/${file_id}`, file_id } };
      }
      case 'files.completeUploadExternal': {
        const files = (json(p.files) ?? []) as { id: string; title?: string }[];
        for (const f of files) {
          const u = uploads.find((x) => x.file_id === f.id);
          if (!u) return slackError('file_not_found');
          Object.assign(u, { title: f.title, channel_id: p.channel_id, thread_ts: p.thread_ts });
        }
        return { status: 200, body: { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? '' })) } };
      }
      default:
        return slackError('unknown_method');
    }
  };

  async function receiveUpload(req: RecordedRequest): Promise<FakeResponse> {
    const id = req.path.split('/').pop();
    const u = uploads.find((x) => x.file_id === id);
    if (!u) return { status: 404, body: 'no such upload' };
    if (failUploads > 0) {
      failUploads -= 1;
      return { status: 500, body: 'upload failed' };
    }
    const type = String(req.headers['content-type'] ?? '');
    if (type.startsWith('multipart/')) {
      const form = await new Response(req.body, { headers: { 'content-type': type } }).formData();
      const part = [...form.values()][0];
      u.content = typeof part === 'string' ? part : await (part as Blob).text();
    } else u.content = req.body;
    return { status: 200, body: `OK - ${u.content.length}` };
  }

  const fake = await startHttpFake(route);
  return {
    ...fake,
    apiUrl: `${fake.url}/api/`,
    messages,
    responses,
    responseUrl: (token) => `${fake.url}/commands/${token}`,
    uploads,
    updates,
    platformErrorNext: (error) => fake.failNext(1, slackError(error)),
    failUploadNext: () => {
      failUploads += 1;
    },
  };
}
