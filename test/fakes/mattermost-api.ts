/**
 * A fake Mattermost server (a real HTTP server) speaking the REST API v4 the mattermost provider
 * uses: `POST /api/v4/posts` (201 with the created post) and `GET /api/v4/users/me`, both behind
 * `Authorization: Bearer <token>` (401 `api.context.session_expired.app_error` otherwise, as the
 * server answers). Errors have Mattermost's shape `{id, message, detailed_error, request_id,
 * status_code}`. Failure injection: `rateLimitNext` (429 with X-Ratelimit-* and Retry-After, as the
 * server's throttled middleware sends), `failNext` for 5xx, 403, hangs.
 */
import { randomBytes } from 'node:crypto';
import { startHttpFake, type FakeResponse, type FakeServer, type RecordedRequest } from './http-fake.ts';

export interface MattermostPosted {
  id: string;
  channel_id: string;
  message: string;
  root_id: string;
  user_id: string;
  props?: { attachments?: { pretext?: string; text?: string; color?: string; fallback?: string }[] };
}

export interface MattermostFake extends FakeServer {
  posts: MattermostPosted[];
  /** the bot's user id (`GET /api/v4/users/me`) */
  botUserId: string;
  /** a post a person wrote (what an outgoing webhook names); `root_id` set = a reply in that thread */
  addUserPost(post: { id: string; channel_id: string; root_id?: string; user_id?: string; message?: string }): void;
  /** the next call answers 429; `retryAfter` in seconds (absent: only X-Ratelimit-Reset) */
  rateLimitNext(opts: { retryAfter?: string; reset?: string }): void;
}

/** A Mattermost id: 26 characters of [a-z0-9]. */
export const mattermostId = (): string =>
  Array.from(randomBytes(26), (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36])
    .join('')
    .slice(0, 26);

/** Mattermost's error body. */
export const mattermostError = (status: number, id: string, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  ...(headers ? { headers } : {}),
  body: { id, message, detailed_error: '', request_id: mattermostId(), status_code: status },
});

/**
 * @example
 * const mm = await startMattermostFake({ token: 'bot-token', channels: ['c1'] });
 * // channel api_url: mm.url
 */
export async function startMattermostFake(opts: { token: string; channels?: string[] }): Promise<MattermostFake> {
  const posts: MattermostPosted[] = [];
  const userPosts: MattermostPosted[] = [];
  const botUserId = mattermostId();
  const known = opts.channels ? new Set(opts.channels) : undefined;

  const route = (req: RecordedRequest): FakeResponse => {
    if (req.headers.authorization !== `Bearer ${opts.token}`) {
      return mattermostError(401, 'api.context.session_expired.app_error', 'Invalid or expired session, please login again.');
    }
    if (req.method === 'GET' && req.path === '/api/v4/users/me') {
      return { status: 200, body: { id: botUserId, username: 'switchboard', is_bot: true, roles: 'system_user' } };
    }
    const byId = /^\/api\/v4\/posts\/([a-z0-9]{26})$/.exec(req.path);
    if (req.method === 'GET' && byId) {
      const post = [...userPosts, ...posts].find((p) => p.id === byId[1]);
      return post ? { status: 200, body: post } : mattermostError(404, 'app.post.get.app_error', 'Unable to get the post.');
    }
    if (req.method === 'POST' && req.path === '/api/v4/posts') {
      const p = req.parsed ?? {};
      const channelId = typeof p.channel_id === 'string' ? p.channel_id : '';
      if (!/^[a-z0-9]{26}$/.test(channelId))
        return mattermostError(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing channel_id in request body.');
      if (known && !known.has(channelId)) return mattermostError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
      const rootId = typeof p.root_id === 'string' ? p.root_id : '';
      // the root must be a post of this channel that is not itself a reply (server: app/post.go CreatePost)
      if (rootId !== '') {
        const root = [...userPosts, ...posts].find((x) => x.id === rootId);
        if (root?.root_id !== '' || root.channel_id !== channelId)
          return mattermostError(400, 'api.post.create_post.root_id.app_error', 'Invalid RootId parameter.');
      }
      const message = typeof p.message === 'string' ? p.message : '';
      const props = (p.props ?? undefined) as MattermostPosted['props'];
      if (message === '' && !props?.attachments?.length) return mattermostError(400, 'api.post.create_post.message.app_error', 'Message must not be empty.');
      if (message.length > 16_383) return mattermostError(400, 'model.post.is_valid.msg.app_error', 'Invalid Message.');
      const post: MattermostPosted = { id: mattermostId(), channel_id: channelId, message, root_id: rootId, user_id: botUserId, ...(props ? { props } : {}) };
      posts.push(post);
      const now = Date.now();
      return {
        status: 201,
        body: {
          ...post,
          create_at: now,
          update_at: now,
          edit_at: 0,
          delete_at: 0,
          is_pinned: false,
          original_id: '',
          type: '',
          hashtags: '',
          pending_post_id: '',
          reply_count: 0,
          metadata: {},
        },
      };
    }
    return mattermostError(404, 'api.context.404.app_error', 'Sorry, we could not find the page.');
  };

  const fake = await startHttpFake(route);
  return {
    ...fake,
    posts,
    botUserId,
    addUserPost(p) {
      userPosts.push({ id: p.id, channel_id: p.channel_id, root_id: p.root_id ?? '', user_id: p.user_id ?? mattermostId(), message: p.message ?? '' });
    },
    rateLimitNext({ retryAfter, reset }) {
      fake.failNext(
        1,
        mattermostError(429, 'api.context.rate_limit.app_error', 'Too many requests', {
          'x-ratelimit-limit': '10',
          'x-ratelimit-remaining': '0',
          ...(reset !== undefined && { 'x-ratelimit-reset': reset }),
          ...(retryAfter !== undefined && { 'retry-after': retryAfter }),
        }),
      );
    },
  };
}
