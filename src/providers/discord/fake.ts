/**
 * A fake Discord (a real HTTP server on 127.0.0.1:0) for tests, speaking API v10 as documented:
 *
 * - `POST /api/v10/channels/:id/messages` (`Authorization: Bot <token>`; 401 `{message, code: 0}`
 *   otherwise; 404 `Unknown Channel` (10003) for a channel it was told not to know; 400
 *   `Invalid Form Body` (50035) for an empty or over-long message), answering a message object with
 *   the `X-RateLimit-*` headers;
 * - interaction webhooks, which need no bot token: `POST /api/v10/webhooks/:app/:token` (a
 *   follow-up) and `PATCH /api/v10/webhooks/:app/:token/messages/@original` (the deferred answer),
 *   for tokens it issued with {@link DiscordFake.interaction} in the last 15 minutes, else 404
 *   `Unknown Webhook` (10015);
 * - `PUT /api/v10/applications/:app/commands` and `…/guilds/:guild/commands` (bulk overwrite);
 * - the application's Ed25519 key pair: {@link DiscordFake.sign} signs an interaction as Discord
 *   does (X-Signature-Ed25519 over X-Signature-Timestamp + body), with a key generated per fake.
 *
 * Failure injection comes from the underlying http fake: `failNext(n, {status, headers, body})`.
 */
import { generateKeyPairSync, randomBytes, sign as edSign, type KeyObject } from 'node:crypto';
import { startHttpFake, type FakeResponse, type FakeServer, type RecordedRequest } from '../../../test/fakes/http-fake.ts';

export interface DiscordPosted {
  id: string;
  channel_id: string;
  body: Record<string, unknown>;
}

export interface DiscordWebhookCall {
  token: string;
  /** `followup` (POST) or `original` (PATCH …/messages/@original) */
  kind: 'followup' | 'original';
  body: Record<string, unknown>;
}

export interface InteractionOptions {
  /** 2 APPLICATION_COMMAND (default), 3 MESSAGE_COMPONENT, 1 PING */
  type?: 1 | 2 | 3;
  user?: string;
  /** a guild command (member.user) or a DM (user) */
  in?: 'guild' | 'dm';
  channel_id?: string;
  /** the `text` option of `/sb` */
  text?: string;
  /** the command name (default `sb`) */
  command?: string;
  /** a button's custom_id, for type 3 */
  custom_id?: string;
  /** the interaction id (default: a fresh snowflake) */
  id?: string;
}

export interface DiscordFake extends FakeServer {
  /** the API root to configure (`api_url`): `${url}/api/v10` */
  apiUrl: string;
  applicationId: string;
  /** the application's public key, hex (the Developer Portal's PUBLIC KEY) */
  publicKey: string;
  botToken: string;
  /** channel messages posted with the bot token */
  messages: DiscordPosted[];
  /** follow-ups and edits of deferred answers */
  webhooks: DiscordWebhookCall[];
  /** the last command list PUT per scope (`global` or the guild id) */
  commands: Map<string, unknown[]>;
  /** an interaction payload as Discord sends it, with a fresh token this fake accepts for 15 minutes */
  interaction(o?: InteractionOptions): { payload: Record<string, unknown>; body: string; token: string };
  /** the two signature headers Discord sends with `body` (timestamp: now, in seconds, unless given) */
  sign(body: string, timestamp?: number, key?: KeyObject): Record<string, string>;
  /** makes an interaction token dead, as after 15 minutes */
  expireToken(token: string): void;
  /** how many requests it answered with 429 because their bucket was empty */
  rateLimited(): number;
  /** the next edit of a deferred answer is applied (and answered) only after `ms` */
  slowNextOriginal(ms: number): void;
}

let seq = 0;
/** A snowflake-looking id: increasing, 18-19 digits. */
const snowflake = () => String((BigInt(Date.now() - 1420070400000) << 22n) + BigInt(++seq));

const err = (status: number, message: string, code: number, extra: Record<string, unknown> = {}): FakeResponse => ({
  status,
  body: { message, code, ...extra },
});

/**
 * @example
 * const discord = await startDiscordFake({ botToken: 'Bot-token', applicationId: '1111' });
 * const { body } = discord.interaction({ user: '2222', text: 'restart web' });
 * await fetch(`${sb}/ingress/discord/interactions`, { method: 'POST', headers: { 'content-type': 'application/json', ...discord.sign(body) }, body });
 */
export async function startDiscordFake(opts: {
  botToken: string;
  applicationId?: string;
  unknownChannels?: string[];
  /** requests per bucket (a channel's messages, an interaction's webhook) per `resetAfter` seconds; default 50 per 1 s */
  rateLimit?: number;
  resetAfter?: number;
}): Promise<DiscordFake> {
  const applicationId = opts.applicationId ?? '1100000000000000001';
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
  const tokens = new Map<string, number>(); // token -> expires at (ms)
  const messages: DiscordPosted[] = [];
  const webhooks: DiscordWebhookCall[] = [];
  const commands = new Map<string, unknown[]>();
  const unknown = new Set(opts.unknownChannels ?? []);
  const limit = opts.rateLimit ?? 50;
  const window = opts.resetAfter ?? 1;
  const buckets = new Map<string, { used: number; resetAt: number }>();
  let rateLimited = 0;

  /** Counts one request against its bucket: the X-RateLimit-* headers, or Discord's 429 when the bucket is empty. */
  const takeBucket = (bucket: string): { headers: Record<string, string> } | { refused: FakeResponse } => {
    const now = Date.now();
    let b = buckets.get(bucket);
    if (!b || now >= b.resetAt) buckets.set(bucket, (b = { used: 0, resetAt: now + window * 1000 }));
    const resetAfter = ((b.resetAt - now) / 1000).toFixed(3);
    if (b.used >= limit) {
      rateLimited += 1;
      return {
        refused: {
          status: 429,
          headers: { 'retry-after': String(Math.ceil(Number(resetAfter))), 'x-ratelimit-scope': 'user', 'x-ratelimit-bucket': bucket },
          body: { message: 'You are being rate limited.', retry_after: Number(resetAfter), global: false },
        },
      };
    }
    b.used += 1;
    return {
      headers: {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(limit - b.used),
        'x-ratelimit-reset': (b.resetAt / 1000).toFixed(3),
        'x-ratelimit-reset-after': resetAfter,
        'x-ratelimit-bucket': bucket,
      },
    };
  };

  const checkBody = (b: Record<string, unknown> | undefined): FakeResponse | undefined => {
    if (!b) return err(400, 'Cannot send an empty message', 50006);
    const content = typeof b.content === 'string' ? b.content : '';
    const embeds = Array.isArray(b.embeds) ? b.embeds : [];
    if (content.length > 2000)
      return err(400, 'Invalid Form Body', 50035, {
        errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } },
      });
    if (content === '' && embeds.length === 0 && !Array.isArray(b.components)) return err(400, 'Cannot send an empty message', 50006);
    return undefined;
  };

  const liveToken = (app: string, token: string) => app === applicationId && (tokens.get(token) ?? 0) > Date.now();

  let slowOriginal = 0;

  const route = async (req: RecordedRequest): Promise<FakeResponse> => {
    const p = req.path.replace(/^\/api\/v10/, '');
    const bot = req.headers.authorization === `Bot ${opts.botToken}`;
    let m = /^\/channels\/([^/]+)\/messages$/.exec(p);
    if (m && req.method === 'POST') {
      if (!bot) return err(401, '401: Unauthorized', 0);
      const channel_id = m[1]!;
      if (unknown.has(channel_id)) return err(404, 'Unknown Channel', 10003);
      const bad = checkBody(req.parsed);
      if (bad) return bad;
      const rate = takeBucket(`channel:${channel_id}`);
      if ('refused' in rate) return rate.refused;
      const id = snowflake();
      messages.push({ id, channel_id, body: req.parsed! });
      return {
        status: 200,
        headers: rate.headers,
        body: {
          id,
          channel_id,
          type: 0,
          content: req.parsed!.content ?? '',
          embeds: req.parsed!.embeds ?? [],
          author: { id: applicationId, bot: true },
          timestamp: new Date().toISOString(),
        },
      };
    }
    m = /^\/webhooks\/([^/]+)\/([^/]+)(\/messages\/@original)?$/.exec(p);
    if (m && ((req.method === 'POST' && !m[3]) || (req.method === 'PATCH' && m[3]))) {
      const token = decodeURIComponent(m[2]!);
      if (!liveToken(decodeURIComponent(m[1]!), token)) return err(404, 'Unknown Webhook', 10015);
      if (m[3] && slowOriginal > 0) {
        // Discord applies the edit only after this delay: a follow-up sent meanwhile lands first
        const ms = slowOriginal;
        slowOriginal = 0;
        await new Promise((r) => setTimeout(r, ms));
      }
      const bad = checkBody(req.parsed);
      if (bad) return bad;
      const rate = takeBucket(`webhook:${token}`);
      if ('refused' in rate) return rate.refused;
      webhooks.push({ token, kind: m[3] ? 'original' : 'followup', body: req.parsed! });
      return {
        status: 200,
        headers: rate.headers,
        body: { id: snowflake(), type: 19, content: req.parsed!.content ?? '', webhook_id: applicationId, flags: req.parsed!.flags ?? 0 },
      };
    }
    m = /^\/applications\/([^/]+)(?:\/guilds\/([^/]+))?\/commands$/.exec(p);
    if (m && req.method === 'PUT') {
      if (!bot) return err(401, '401: Unauthorized', 0);
      if (m[1] !== applicationId) return err(403, 'Missing Access', 50001);
      const list = JSON.parse(req.body || 'null') as unknown;
      if (!Array.isArray(list)) return err(400, 'Invalid Form Body', 50035);
      commands.set(m[2] ?? 'global', list);
      return { status: 200, body: list.map((c) => ({ id: snowflake(), application_id: applicationId, version: snowflake(), ...(c as object) })) };
    }
    return err(404, '404: Not Found', 0);
  };

  const fake = await startHttpFake(route);
  const sign = (body: string, timestamp = Math.floor(Date.now() / 1000), key: KeyObject = privateKey) => ({
    'x-signature-ed25519': edSign(null, Buffer.from(`${timestamp}${body}`, 'utf8'), key).toString('hex'),
    'x-signature-timestamp': String(timestamp),
  });

  return {
    ...fake,
    apiUrl: `${fake.url}/api/v10`,
    applicationId,
    publicKey: publicHex,
    botToken: opts.botToken,
    messages,
    webhooks,
    commands,
    sign,
    expireToken: (token) => tokens.set(token, 0),
    rateLimited: () => rateLimited,
    slowNextOriginal: (ms) => {
      slowOriginal = ms;
    },
    interaction(o = {}) {
      const token = `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`;
      tokens.set(token, Date.now() + 15 * 60_000);
      const user = { id: o.user ?? '80351110224678912', username: 'alice', discriminator: '0', global_name: 'Alice' };
      const type = o.type ?? 2;
      const data =
        type === 2
          ? {
              id: '1200000000000000001',
              name: o.command ?? 'sb',
              type: 1,
              ...(o.text !== undefined && { options: [{ name: 'text', type: 3, value: o.text }] }),
            }
          : type === 3
            ? { custom_id: o.custom_id ?? '', component_type: 2 }
            : undefined;
      const channel_id = o.channel_id ?? '1300000000000000001';
      const payload: Record<string, unknown> = {
        id: o.id ?? snowflake(),
        application_id: applicationId,
        type,
        ...(data && { data }),
        channel_id,
        channel: { id: channel_id, type: o.in === 'dm' ? 1 : 0 },
        ...(o.in === 'dm' ? { user } : { guild_id: '1400000000000000001', member: { user, roles: [], permissions: '0' } }),
        token,
        version: 1,
        locale: 'en-US',
        ...(type === 3 && { message: { id: snowflake(), channel_id, content: '', flags: 64 } }),
      };
      return { payload, body: JSON.stringify(payload), token };
    },
  };
}
