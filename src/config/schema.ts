/**
 * zod schemas for the five kinds of config file (docs/contracts.md section 2, docs/config.md). These are the contract
 * between what users write and what runtime code may trust. Secret fields are marked with
 * {@link secret} so redaction and JSON Schema generation need no hand-kept list.
 */
import { z } from 'zod';
import { conditionKeys, findUnknownConditionKeys } from '../routing/conditions.ts';
import { isTimeZone, parseHours, weekDays } from '../routing/quiet-hours.ts';
import { unknownKeyIssue } from './unknown-key.ts';
import { isIpOrCidr } from '../auth/client-address.ts';
import { parsePasswordHash } from '../auth/password-hash.ts';
import { envSecrets, secret } from './channel-base.ts';
import { providers, type ProviderManifest } from '../providers/index.ts';

export { secret };

const duration = z.number().positive();

// ---------------------------------------------------------------- switchboard.yaml

type UserKeyOf<P> = P extends ProviderManifest<string, z.ZodType, infer U> ? U : never;
/** The users.NAME keys holding a person's id in a medium, one per provider with a `userKey` (phone, email, slack...). */
export type UserKey = UserKeyOf<(typeof providers)[number]>;

/** `{ phone: z.string().optional(), email: ..., slack: ... }`: each provider's `userKey`, in registry order. */
function userKeyFields(): { [K in UserKey]: z.ZodOptional<z.ZodString> } {
  const fields: Record<string, z.ZodOptional<z.ZodString>> = {};
  for (const p of providers as readonly { kind: string; userKey?: string; userKeyDescription?: string }[]) {
    if (p.userKey !== undefined)
      fields[p.userKey] = z
        .string()
        .optional()
        .describe(p.userKeyDescription ?? `${p.kind} user id`);
  }
  return fields as { [K in UserKey]: z.ZodOptional<z.ZodString> };
}

/** `users.NAME.quiet` (src/routing/quiet-hours.ts): hours local to `tz`, the days a period starts on, what still goes through. */
export const quietHoursSchema = z
  .object({
    hours: z
      .string()
      .superRefine((v, ctx) => {
        const parsed = parseHours(v);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      })
      .describe('HH:MM-HH:MM on the 24-hour clock, local to `tz`; may cross midnight: "22:00-07:00"'),
    tz: z
      .string()
      .refine(isTimeZone, { error: (i) => `unknown time zone "${String(i.input)}": expected an IANA name such as Europe/Berlin, America/New_York or UTC` })
      .describe('IANA time zone of the hours (daylight saving time follows it), e.g. Europe/Berlin'),
    days: z
      .array(z.enum(weekDays))
      .min(1)
      .optional()
      .describe('the days a quiet period starts on (mon..sun; "22:00-07:00" on fri ends saturday 07:00); default every day'),
    except: z
      .record(z.string(), z.unknown())
      .superRefine((when, ctx) => checkWhenKeys(when, ctx))
      .optional()
      .describe("conditions (the keys of a rule's `when`: status, trigger, data.severity...) of notifications sent at once all the same"),
  })
  .strict();

export const userSchema = z
  .object({
    roles: z.array(z.string()).default([]).describe('roles of this person: the aliases (`allow`) and permissions (`roles:`) that apply'),
    ...userKeyFields(),
    password: secret().optional().describe('dashboard login password in clear text: refused off loopback, use password_hash'),
    password_hash: z
      .string()
      .superRefine((v, ctx) => {
        const parsed = parsePasswordHash(v);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      })
      .meta({ secret: true, writeOnly: true })
      .optional()
      .describe('dashboard login password as `switchboard hash-password` prints it (scrypt$N=...,r=...,p=...$SALT$HASH)'),
    quiet: quietHoursSchema
      .optional()
      .describe(
        'quiet hours: deliveries to this person (rule targets `{user: NAME}` or `{role: ROLE}`) are held, then sent as one digest when the hours end, e.g. `{ hours: "22:00-07:00", tz: Europe/Berlin, except: { "data.severity": critical } }`',
      ),
  })
  .strict();

/** A role's permissions; names are checked against src/auth/permissions.ts by cross-refs (did you mean). */
export const roleSchema = z
  .object({
    permissions: z.array(z.string()).default([]).describe('executions.read_all, executions.cancel_all, notify, queues, config.read, or "*"'),
  })
  .strict();

export const apiKeySchema = z
  .object({
    name: z.string().describe('a label for the key (unique); the key itself is never shown'),
    key: secret().describe('the bearer key (`Authorization: Bearer <key>`), unique; at least 32 characters off loopback'),
    user: z.string().describe('the user (a key of `users`) the key acts as'),
    act_as_others: z.boolean().default(false).describe('may pass `user` on POST /api/v1/commands'),
  })
  .strict();

/** `redis.url` when none is given. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const redisSentinelSchema = z
  .object({
    host: z.string().min(1).describe('host name or address of one sentinel'),
    port: z.number().int().min(1).max(65_535).default(26_379).describe('its port'),
  })
  .strict();

const redisTlsSchema = z
  .object({
    ca: z.string().optional().describe('file: the CA certificate(s) that signed the server certificate (PEM); default: the system CAs'),
    cert: z.string().optional().describe('file: client certificate (PEM), when the server asks for one'),
    key: z.string().optional().describe('file: client private key (PEM)'),
    servername: z.string().optional().describe('name expected in the server certificate (SNI), when it differs from the host'),
    reject_unauthorized: z.boolean().default(true).describe('false accepts any server certificate (testing only)'),
  })
  .strict();

export const mainSchema = z
  .object({
    server: z
      .object({
        port: z.number().int().min(0).max(65535).default(8080).describe('TCP port of the dashboard, API and webhooks (restart needed to change)'),
        host: z.string().default('127.0.0.1').describe('address to listen on; off loopback an unsafe config is refused (exit 4); restart needed to change'),
        public_url: z.string().url().optional().describe('the URL providers call; Twilio signs it'),
        body_limit: z.number().int().positive().default(1_048_576).describe('largest request body accepted, in bytes'),
        session_secret: secret()
          .min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)')
          .optional()
          .describe('signs dashboard session cookies; default: generated once into the data folder'),
        metrics_token: secret().optional().describe('when set, GET /metrics needs `Authorization: Bearer <token>`'),
        trusted_proxies: z
          .array(z.string().refine(isIpOrCidr, 'expected an IP address or a CIDR block, e.g. 10.0.0.0/8'))
          .default([])
          .describe('reverse proxies whose X-Forwarded-For is believed (login throttle)'),
      })
      .strict()
      .default({ port: 8080, host: '127.0.0.1', body_limit: 1_048_576, trusted_proxies: [] })
      .describe('the HTTP server: dashboard, API and provider webhooks'),
    redis: z
      .object({
        url: z
          .string()
          .default(DEFAULT_REDIS_URL)
          .describe('redis:// or rediss:// URL of one Redis (the simple case; leave it out with `sentinels` or `cluster`); restart needed to change'),
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_{}.-]+$/)
          .default('sb')
          .describe('key prefix, used as a Redis Cluster hash tag ({sb}); restart needed to change'),
        start_local: z.boolean().default(true).describe('start redis-server when none answers at `url` (serve only; not with `sentinels` or `cluster`)'),
        sentinels: z
          .array(redisSentinelSchema)
          .min(1)
          .optional()
          .describe('Redis Sentinel: the sentinels to ask for the master of the group `name`; every connection follows a failover (docs/DEPLOYMENT.md)'),
        name: z.string().min(1).optional().describe('Redis Sentinel: the master group name the sentinels monitor (`sentinel monitor <name> ...`)'),
        sentinel_password: secret().optional().describe("Redis Sentinel: the sentinels' own password (`requirepass` of the sentinels), when they have one"),
        sentinel_username: z
          .string()
          .min(1)
          .optional()
          .describe("Redis Sentinel: the sentinels' own ACL user (with sentinel_password), when they have ACL users"),
        cluster: z
          .array(z.string().regex(/^(rediss?:\/\/)?[^\s/:]+:\d+\/?$/, { error: 'expected host:port or redis://host:port' }))
          .min(1)
          .optional()
          .describe('Redis Cluster: some of its nodes (redis://host:port or host:port; the others are discovered); all keys of one `prefix` live in one slot'),
        username: z.string().min(1).optional().describe('ACL user name for every Redis connection (url, sentinel masters, cluster nodes)'),
        password: secret().optional().describe('password (ACL user or `requirepass`) for every Redis connection; a password in `url` works too'),
        tls: z
          .union([z.boolean(), redisTlsSchema])
          .optional()
          .describe('TLS for every Redis connection (and the sentinels): true, or files and checks; a rediss:// url needs nothing more'),
      })
      .strict()
      .superRefine((r, ctx) => {
        const modes = [r.url !== DEFAULT_REDIS_URL && 'url', r.sentinels && 'sentinels', r.cluster && 'cluster'].filter(Boolean);
        if (modes.length > 1)
          ctx.addIssue({ code: 'custom', message: `give either url, sentinels (with name) or cluster, not both (got ${modes.join(' and ')})` });
        if (r.sentinels && r.name === undefined)
          ctx.addIssue({ code: 'custom', path: ['name'], message: 'sentinels need name: the master group name the sentinels monitor' });
        if (r.name !== undefined && !r.sentinels)
          ctx.addIssue({ code: 'custom', path: ['name'], message: 'name is the Sentinel master group: give sentinels too' });
        if (r.sentinel_password !== undefined && !r.sentinels)
          ctx.addIssue({ code: 'custom', path: ['sentinel_password'], message: 'sentinel_password needs sentinels' });
        if (r.sentinel_username !== undefined && !r.sentinels)
          ctx.addIssue({ code: 'custom', path: ['sentinel_username'], message: 'sentinel_username needs sentinels' });
      })
      .default({ url: 'redis://127.0.0.1:6379', prefix: 'sb', start_local: true })
      .describe('the Redis holding queues, records and sessions: the only shared state'),
    users: z.record(z.string(), userSchema).default({}).describe('people by name: how each is recognised (phone, email, Slack id) and logs in'),
    roles: z
      .record(z.string(), roleSchema)
      .default({})
      .describe('what a role may do beyond running the aliases that allow it (README: Who sees and cancels what)'),
    api_keys: z.array(apiKeySchema).default([]).describe('keys for the HTTP API and the dashboard login'),
    executions: z
      .object({
        concurrency: z.number().int().positive().default(4).describe('executions run at once by each worker process'),
        retention_days: z.number().positive().default(30).describe('days an execution record is kept'),
        output_limit: z.number().int().positive().default(65_536).describe('bytes of stdout/stderr kept'),
        shutdown_grace: duration.default(30).describe('seconds running jobs may finish on SIGTERM'),
        stalled_interval: duration.default(30).describe('seconds between stalled-job checks'),
      })
      .strict()
      .default({ concurrency: 4, retention_days: 30, output_limit: 65_536, shutdown_grace: 30, stalled_interval: 30 })
      .describe('how executions run and are kept'),
    deliveries: z
      .object({
        concurrency: z.number().int().positive().default(20).describe('bulk notifications (on_*, api, alert, digest) sent at once by each worker process'),
        reply_concurrency: z
          .number()
          .int()
          .positive()
          .default(10)
          .describe('answers to commands (ack, result, progress, replies to the origin) sent at once by each worker process, apart from the bulk'),
        yield_at_loop_delay_ms: z
          .number()
          .positive()
          .nullable()
          .default(10)
          .describe(
            "while this process's event loop runs late by more than this many ms (p90 over 100 ms), its bulk sends in flight are halved (down to 1), then grow back one by one to `concurrency`: a CPU-bound storm gives the loop back to commands; null: the bulk always keeps `concurrency`",
          ),
        command_gate_wait_ms: z
          .number()
          .int()
          .nonnegative()
          .nullable()
          .default(250)
          .describe(
            "commands first inside each process: while command work is in flight here (a command's HTTP request, its execution, its answer's delivery), no new bulk send starts and `POST /api/v1/notify` and the alert intake wait before queueing, each at most this many ms, so the bulk slows but never starves; null: bulk work never waits for commands",
          ),
        max_backlog: z
          .number()
          .int()
          .positive()
          .default(50_000)
          .describe(
            'bulk deliveries waiting or delayed beyond which /api/v1/notify and alert intake answer 429 with Retry-After; commands are never refused by it',
          ),
      })
      .strict()
      .default({ concurrency: 20, reply_concurrency: 10, yield_at_loop_delay_ms: 10, command_gate_wait_ms: 250, max_backlog: 50_000 })
      .describe("delivery workers and backpressure: commands' answers have their own queue and capacity"),
    limits: z
      .object({
        command_length: z.number().int().positive().default(4096).describe('longest command accepted, in characters, whatever brought it'),
        per_sender_per_minute: z.number().int().positive().default(30).describe('commands each sender may send in any 60 seconds (a sliding window)'),
        per_key_per_minute: z
          .number()
          .int()
          .positive()
          .default(120)
          .describe('API requests that write (POST...) per API key in any minute; over it: 429 with Retry-After'),
      })
      .strict()
      .default({ command_length: 4096, per_sender_per_minute: 30, per_key_per_minute: 120 })
      .describe('input bounds and rate limits'),
    ingress: z
      .object({
        unknown_sender_reply: z.string().nullable().default(null).describe('answer to a sender who is no known user; null: no answer'),
        bot_names: z
          .array(z.string())
          .default(['switchboard', 'sb'])
          .describe('bot names removed from the start of a command: `@sb restart web`, `@switchboard: restart web`, `/sb restart web`'),
        seen_ids_days: z
          .number()
          .positive()
          .default(90)
          .describe('days a Twilio MessageSid or Slack event/trigger id is remembered (replays refused), whatever executions.retention_days says'),
      })
      .strict()
      .default({ unknown_sender_reply: null, bot_names: ['switchboard', 'sb'], seen_ids_days: 90 })
      .describe('inbound commands by SMS, email and Slack'),
    spool: z
      .object({
        dir: z
          .string()
          .min(1)
          .optional()
          .describe(
            'folder of the spool, relative to the config folder; gateways sharing it replay it together; default: `spool` in the data folder (.switchboard/)',
          ),
        max_mb: z
          .number()
          .positive()
          .max(1_048_576)
          .default(64)
          .describe('most the folder may hold, in MiB; when full, commands are refused with 503 `spool full (max_mb N)`'),
      })
      .strict()
      .optional()
      .describe(
        'a local spool for commands while Redis is unreachable: kept fsynced, answered 202 `spooled` with a provisional id (sp-…) and run when Redis is back (README: When Redis is away); absent: 503 as without it; restart needed to change',
      ),
    logging: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info').describe('lowest level written') })
      .strict()
      .default({ level: 'info' })
      .describe('logs: JSON lines on stdout'),
  })
  .strict();

// ---------------------------------------------------------------- notify (actions and aliases)

const notifyEntrySchema = z
  .object({
    message: z.string().optional().describe('the message (a template)'),
    data: z.record(z.string(), z.unknown()).optional().describe('values for rules (`when: {data.KEY}`) and sinks; each a template'),
    channels: z.array(z.string()).optional().describe('notify channel names, routed by rules; `origin` answers where the command came from'),
    routes: z.array(z.string()).optional().describe('StackStorm synonym of channels'),
  })
  .strict();

/** `on-success` spellings are accepted and normalised by the loader to `on_success`. */
export const notifySchema = z
  .object({
    on_success: notifyEntrySchema.optional().describe('when the execution succeeded'),
    on_failure: notifyEntrySchema.optional().describe('when it failed or timed out (not when canceled)'),
    on_complete: notifyEntrySchema.optional().describe('whatever the end'),
  })
  .strict();

// ---------------------------------------------------------------- actions/*.yaml

/** One parameter of an action (JSON-Schema-like, StackStorm's action metadata shape). */
export const parameterSchema = z
  .object({
    type: z
      .enum(['string', 'integer', 'number', 'boolean', 'array', 'object', 'null'])
      .optional()
      .describe('the type a typed value is cast to (array: split on commas, or JSON)'),
    description: z.string().optional().describe('help text'),
    required: z.boolean().optional().describe('a command without it is refused before anything is queued'),
    default: z.unknown().optional().describe('the value when the command gives none'),
    enum: z.array(z.unknown()).optional().describe('the values allowed'),
    pattern: z.string().optional().describe('regular expression a string value must match'),
    minimum: z.number().optional().describe('smallest number allowed'),
    maximum: z.number().optional().describe('largest number allowed'),
    minLength: z.number().int().optional().describe('shortest string allowed'),
    maxLength: z.number().int().optional().describe('longest string allowed'),
    items: z.record(z.string(), z.unknown()).optional().describe('array parameters: the schema of each item (its `type` casts them)'),
    immutable: z.boolean().optional().describe("StackStorm field; not used (see the alias's immutable_parameters)"),
    secret: z.boolean().optional().describe('StackStorm field; not used'),
    position: z.number().int().optional().describe('StackStorm field; not used'),
    allow_dash: z
      .boolean()
      .optional()
      .describe('shell actions: a value typed by a sender may start with "-" (by default refused: it would become an option of the command)'),
  })
  .strict();

export const runnerKinds = ['shell', 'http', 'module', 'builtin'] as const;
export const builtinNames = ['help', 'status', 'cancel', 'ping', 'echo', 'noop'] as const;

export const actionSchema = z
  .object({
    name: z.string().min(1).describe('the ref aliases use: PACK.name, or name with `pack`'),
    pack: z.string().optional().describe('pack of the action: its ref is then PACK.name'),
    description: z.string().optional().describe('help text'),
    enabled: z.boolean().default(true).describe('StackStorm field; not used'),
    runner: z.enum(runnerKinds).optional().describe('how it runs: shell (argv), http (one request), module (a JS/TS function), builtin'),
    /** StackStorm metadata: kept so st2 action files load; runnable only when `runner` is also set. */
    runner_type: z.string().optional().describe('StackStorm metadata, kept so st2 action files load; runnable only when `runner` is also set'),
    entry_point: z.string().optional().describe('StackStorm metadata; not used'),
    // shell
    command: z.array(z.string()).optional().describe('argv; every element rendered alone; never a shell'),
    cwd: z.string().optional().describe('shell: working directory (a template; relative to the config folder); default the config folder'),
    env: z.record(z.string(), z.string()).meta(envSecrets).optional().describe('extra environment (templates); `${VAR}` values in it are secrets'),
    env_allow: z.array(z.string()).default(['PATH', 'HOME', 'LANG', 'TZ']).describe("shell: variables of Switchboard's own environment passed to the command"),
    // http
    method: z.string().optional().describe('http: the method (a template); default GET, or POST with a body'),
    url: z.string().meta(envSecrets).optional().describe('http: the URL (a template; values rendered into it are percent-encoded)'),
    headers: z.record(z.string(), z.string()).meta(envSecrets).optional().describe('http: request headers (templates)'),
    body: z.unknown().optional().describe('http: a string template, or an object of templates sent as JSON'),
    // module
    module: z.string().optional().describe('module: path of a JS/TS file (relative to the config folder)'),
    export: z.string().optional().describe('module: the exported function, called with (params, context); default `default`'),
    // builtin
    builtin: z.enum(builtinNames).optional().describe('builtin: which built-in action'),
    parameters: z
      .record(z.string(), parameterSchema)
      .default({})
      .describe("the parameters (StackStorm's shape): typed values are checked and cast before anything is queued"),
    timeout: duration.default(60).describe('seconds a run may take; then it is stopped and ends `timeout`'),
    retries: z.number().int().min(0).default(0).describe('re-runs after a failure or a lost worker; only for idempotent actions'),
    notify: notifySchema.optional().describe("notifications of its executions (an alias's notify overrides them per trigger)"),
    tags: z.array(z.unknown()).optional().describe('StackStorm field; not used'),
  })
  .strict();

// ---------------------------------------------------------------- aliases/*.yaml

export const formatSchema = z.union([
  z.string(),
  z
    .object({
      display: z.string().optional().describe('help text only; never matched'),
      representation: z.array(z.string()).optional().describe('the formats matched for this entry'),
      match_multiple: z.boolean().optional().describe('one execution per match in the text'),
    })
    .strict(),
]);

const replySchema = z
  .object({
    enabled: z.boolean().default(true).describe('false: no such reply'),
    format: z.string().optional().describe('the reply (a template)'),
    append_url: z.boolean().optional().describe('StackStorm field; not used'),
    extra: z.record(z.string(), z.unknown()).optional().describe("StackStorm's chat extras (each value a template), passed with the reply"),
  })
  .strict();

/** An alias's `confirm`: `true` (every source, 300 s) or `{ sources: [sms, email], ttl: 300 }`. */
const confirmSchema = z.union([
  z.boolean(),
  z
    .object({
      sources: z
        .array(z.enum(['api', 'sms', 'email', 'slack', 'discord', 'mattermost', 'teams']))
        .min(1)
        .optional()
        .describe('the sources that must confirm; absent = all'),
      ttl: z.number().int().min(1).max(86_400).default(300).describe('seconds the sender has to confirm'),
    })
    .strict(),
]);

export const aliasSchema = z
  .object({
    name: z.string().min(1).describe('the alias name; its id is PACK.name'),
    pack: z.string().optional().describe('its pack; default: its folder under aliases/'),
    action_ref: z.string().min(1).describe("the action it runs: an action's name, or core.help, core.status..."),
    description: z.string().optional().describe('help text'),
    enabled: z.boolean().default(true).describe('false: it matches nothing'),
    formats: z
      .array(formatSchema)
      .default([])
      .describe('command formats: `{{param}}` and `{{param=default}}` are parameters; a string, or { display, representation }'),
    ack: replySchema.optional().describe('the reply when the command is queued'),
    result: replySchema.optional().describe('the reply to the sender when the execution ends'),
    extra: z.record(z.string(), z.unknown()).optional().describe('StackStorm field; not used'),
    immutable_parameters: z.record(z.string(), z.unknown()).default({}).describe('parameters the alias sets; a command may not give them'),
    allow: z.array(z.string()).optional().describe('roles that may run it; absent = any known user'),
    confirm: confirmSchema.optional().describe('ask the sender to confirm by reply before it runs (README: Confirmation by reply): true, or { sources, ttl }'),
    notify: notifySchema.optional().describe("notifications; each trigger given overrides the action's"),
    // fields StackStorm alias files (and its API's exports) carry: accepted, not used
    tags: z.array(z.unknown()).optional().describe('StackStorm field; not used'),
    uid: z.string().optional().describe('StackStorm field; not used'),
    ref: z.string().optional().describe('StackStorm field; not used'),
    id: z.string().optional().describe('StackStorm field; not used'),
    match_multiple: z.boolean().optional().describe('StackStorm field; set it per format instead'),
  })
  .strict();

// ---------------------------------------------------------------- channels/*.yaml

type KindsOf<T extends readonly { kind: string }[]> = { readonly [I in keyof T]: T[I]['kind'] };
type ChannelsOf<T extends readonly { channel: z.ZodType }[]> = { -readonly [I in keyof T]: T[I]['channel'] };

/** The channel kinds, one per provider (src/providers/index.ts), in registry order. */
export const channelKinds = providers.map((p) => p.kind) as unknown as KindsOf<typeof providers>;

export { channelBase } from './channel-base.ts';

/** One member per provider: each manifest's `channel` schema (src/providers/NAME/manifest.ts). */
export const channelSchema = z.discriminatedUnion('kind', providers.map((p) => p.channel) as unknown as ChannelsOf<typeof providers>);

// ---------------------------------------------------------------- rules/*.yaml

/** A rule's `when` keys are those src/routing/conditions.ts reads, `data.*` aside: a typo never silently fails to match. */
function checkWhenKeys(when: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const key of findUnknownConditionKeys(when)) {
    unknownKeyIssue(ctx, key, [...conditionKeys, 'data'], /^[A-Za-z_][\w-]*$/.test(key) ? `data.${key}` : undefined);
  }
}

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t)]);

export const deliveryTargetSchema = z
  .object({
    channel: z
      .string()
      .optional()
      .describe(
        "a channel's name (channels/*.yaml); may be left out with `user` or `role`: then every channel kind the person has an id for (the first channel of each kind)",
      ),
    target: z.string().optional().describe('where in that channel: Slack channel, phone number, address...; default its default_target'),
    user: z
      .string()
      .optional()
      .describe(
        "a person (a key of `users`): the target is their id in the channel's medium (sms: phone, email: email, slack: slack...), e.g. `{channel: sms, user: alice}`",
      ),
    role: z
      .string()
      .optional()
      .describe("every person holding this role (users order), one delivery each, by their id in the channel's medium, e.g. `{channel: sms, role: oncall}`"),
    labels: z.array(z.string()).optional().describe('passed to the delivery with the target'),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.target !== undefined && (t.user !== undefined || t.role !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: `target and ${t.user !== undefined ? 'user' : 'role'} exclude each other: a person's target is their own id in the channel's medium`,
      });
    if (t.user !== undefined && t.role !== undefined)
      ctx.addIssue({ code: 'custom', path: ['role'], message: 'give user or role, not both (one `to` entry each)' });
    if (t.channel === undefined && t.user === undefined && t.role === undefined)
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'required (or name a user or role: each channel they have an id for)' });
  });

export const ruleSchema = z
  .object({
    name: z.string().min(1).describe('shown by `switchboard routes` and on the rules page'),
    channel: oneOrMany(z.string()).describe('notify channel names this rule handles'),
    when: z
      .record(z.string(), z.unknown())
      .superRefine(checkWhenKeys)
      .optional()
      .describe('status, action, alias, user, trigger, source, data.* (lists = any of)'),
    to: z.array(deliveryTargetSchema).min(1).describe('the deliveries made when the rule matches'),
    fallback: z.array(deliveryTargetSchema).default([]).describe('the deliveries made when one of `to` fails for good'),
    stop: z.boolean().default(false).describe('true: later rules are not tried for this notification'),
  })
  .strict();

export const rulesFileSchema = z.object({ rules: z.array(ruleSchema).describe('the rules; every one that matches fires') }).strict();

// ---------------------------------------------------------------- inferred types

export type MainConfig = z.output<typeof mainSchema>;
export type UserConfig = z.output<typeof userSchema>;
export type ApiKeyConfig = z.output<typeof apiKeySchema>;
export type NotifyConfig = z.output<typeof notifySchema>;
export type NotifyEntry = z.output<typeof notifyEntrySchema>;
export type ParameterSpec = z.output<typeof parameterSchema>;
export type ActionFile = z.output<typeof actionSchema>;
export type AliasFile = z.output<typeof aliasSchema>;
export type FormatEntry = z.output<typeof formatSchema>;
export type ChannelConfig = z.output<typeof channelSchema>;
export type ChannelKind = (typeof channelKinds)[number];
export type RuleConfig = z.output<typeof ruleSchema>;
export type DeliveryTarget = z.output<typeof deliveryTargetSchema>;
export type QuietHoursConfig = z.output<typeof quietHoursSchema>;
