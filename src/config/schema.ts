/**
 * zod schemas for the five kinds of config file (DESIGN.md section 2). These are the contract
 * between what users write and what runtime code may trust. Secret fields are marked with
 * {@link secret} so redaction and JSON Schema generation need no hand-kept list.
 */
import { z } from 'zod';
import { conditionKeys, findUnknownConditionKeys } from '../routing/conditions.ts';
import { unknownKeyIssue } from './unknown-key.ts';
import { isIpOrCidr } from '../auth/client-address.ts';
import { parsePasswordHash } from '../auth/password-hash.ts';

/** Marks a string field as secret: redacted in logs, errors, API responses and the UI. */
export const secret = () => z.string().meta({ secret: true, writeOnly: true });
/** A field mixing literals and credentials: the `${VAR}` values put into it are secrets (schema-walk.ts `collectEnvSecrets`). */
const envSecrets = { envSecret: true } as const;

const duration = z.number().positive();

// ---------------------------------------------------------------- switchboard.yaml

export const userSchema = z
  .object({
    roles: z.array(z.string()).default([]),
    phone: z.string().optional().describe('E.164 phone number, e.g. +15551230001'),
    email: z.string().optional(),
    slack: z.string().optional().describe('Slack user id, e.g. U0ALICE'),
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
  })
  .strict();

/** A role's permissions; names are checked against src/auth/permissions.ts by cross-refs (did you mean). */
export const roleSchema = z
  .object({
    permissions: z
      .array(z.string())
      .default([])
      .describe('executions.read_all, executions.cancel_all, notify, queues, config.read, or "*"'),
  })
  .strict();

export const apiKeySchema = z
  .object({
    name: z.string(),
    key: secret(),
    user: z.string(),
    act_as_others: z.boolean().default(false).describe('may pass `user` on POST /api/v1/commands'),
  })
  .strict();

export const mainSchema = z
  .object({
    server: z
      .object({
        port: z.number().int().min(0).max(65535).default(8080),
        host: z.string().default('127.0.0.1'),
        public_url: z.string().url().optional().describe('the URL providers call; Twilio signs it'),
        body_limit: z.number().int().positive().default(1_048_576).describe('bytes'),
        session_secret: secret().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)').optional().describe('signs dashboard session cookies; default: generated once into the data folder'),
        metrics_token: secret().optional().describe('when set, GET /metrics needs `Authorization: Bearer <token>`'),
        trusted_proxies: z
          .array(z.string().refine(isIpOrCidr, 'expected an IP address or a CIDR block, e.g. 10.0.0.0/8'))
          .default([])
          .describe('reverse proxies whose X-Forwarded-For is believed (login throttle)'),
      })
      .strict()
      .default({ port: 8080, host: '127.0.0.1', body_limit: 1_048_576, trusted_proxies: [] }),
    redis: z
      .object({
        url: z.string().default('redis://127.0.0.1:6379'),
        prefix: z.string().regex(/^[A-Za-z0-9_{}.-]+$/).default('sb'),
        start_local: z.boolean().default(true).describe('start redis-server when none answers (serve only)'),
      })
      .strict()
      .default({ url: 'redis://127.0.0.1:6379', prefix: 'sb', start_local: true }),
    users: z.record(z.string(), userSchema).default({}),
    roles: z
      .record(z.string(), roleSchema)
      .default({})
      .describe('what a role may do beyond running the aliases that allow it (DESIGN.md section 6)'),
    api_keys: z.array(apiKeySchema).default([]),
    executions: z
      .object({
        concurrency: z.number().int().positive().default(4),
        retention_days: z.number().positive().default(30),
        output_limit: z.number().int().positive().default(65_536).describe('bytes of stdout/stderr kept'),
        shutdown_grace: duration.default(30).describe('seconds running jobs may finish on SIGTERM'),
        stalled_interval: duration.default(30).describe('seconds between stalled-job checks'),
      })
      .strict()
      .default({ concurrency: 4, retention_days: 30, output_limit: 65_536, shutdown_grace: 30, stalled_interval: 30 }),
    limits: z
      .object({
        command_length: z.number().int().positive().default(4096),
        per_sender_per_minute: z.number().int().positive().default(30),
        per_key_per_minute: z
          .number()
          .int()
          .positive()
          .default(120)
          .describe('API requests that write (POST...) per API key in any minute; over it: 429 with Retry-After'),
      })
      .strict()
      .default({ command_length: 4096, per_sender_per_minute: 30, per_key_per_minute: 120 }),
    ingress: z
      .object({
        unknown_sender_reply: z.string().nullable().default(null),
        bot_names: z.array(z.string()).default(['switchboard', 'sb']),
        seen_ids_days: z
          .number()
          .positive()
          .default(90)
          .describe('days a Twilio MessageSid or Slack event/trigger id is remembered (replays refused), whatever executions.retention_days says'),
      })
      .strict()
      .default({ unknown_sender_reply: null, bot_names: ['switchboard', 'sb'], seen_ids_days: 90 }),
    logging: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

// ---------------------------------------------------------------- notify (actions and aliases)

const notifyEntrySchema = z
  .object({
    message: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    channels: z.array(z.string()).optional(),
    routes: z.array(z.string()).optional().describe('StackStorm synonym of channels'),
  })
  .strict();

/** `on-success` spellings are accepted and normalised by the loader to `on_success`. */
export const notifySchema = z
  .object({
    on_success: notifyEntrySchema.optional(),
    on_failure: notifyEntrySchema.optional(),
    on_complete: notifyEntrySchema.optional(),
  })
  .strict();

// ---------------------------------------------------------------- actions/*.yaml

/** One parameter of an action (JSON-Schema-like, StackStorm's action metadata shape). */
export const parameterSchema = z
  .object({
    type: z.enum(['string', 'integer', 'number', 'boolean', 'array', 'object', 'null']).optional(),
    description: z.string().optional(),
    required: z.boolean().optional(),
    default: z.unknown().optional(),
    enum: z.array(z.unknown()).optional(),
    pattern: z.string().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    minLength: z.number().int().optional(),
    maxLength: z.number().int().optional(),
    items: z.record(z.string(), z.unknown()).optional(),
    immutable: z.boolean().optional(),
    secret: z.boolean().optional(),
    position: z.number().int().optional(),
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
    pack: z.string().optional(),
    description: z.string().optional(),
    enabled: z.boolean().default(true),
    runner: z.enum(runnerKinds).optional(),
    /** StackStorm metadata: kept so st2 action files load; runnable only when `runner` is also set. */
    runner_type: z.string().optional(),
    entry_point: z.string().optional(),
    // shell
    command: z.array(z.string()).optional().describe('argv; every element rendered alone; never a shell'),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).meta(envSecrets).optional().describe('extra environment (templates); `${VAR}` values in it are secrets'),
    env_allow: z.array(z.string()).default(['PATH', 'HOME', 'LANG', 'TZ']),
    // http
    method: z.string().optional(),
    url: z.string().meta(envSecrets).optional(),
    headers: z.record(z.string(), z.string()).meta(envSecrets).optional(),
    body: z.unknown().optional(),
    // module
    module: z.string().optional(),
    export: z.string().optional(),
    // builtin
    builtin: z.enum(builtinNames).optional(),
    parameters: z.record(z.string(), parameterSchema).default({}),
    timeout: duration.default(60),
    retries: z.number().int().min(0).default(0),
    notify: notifySchema.optional(),
    tags: z.array(z.unknown()).optional(),
  })
  .strict();

// ---------------------------------------------------------------- aliases/*.yaml

export const formatSchema = z.union([
  z.string(),
  z
    .object({
      display: z.string().optional(),
      representation: z.array(z.string()).optional(),
      match_multiple: z.boolean().optional(),
    })
    .strict(),
]);

const replySchema = z
  .object({
    enabled: z.boolean().default(true),
    format: z.string().optional(),
    append_url: z.boolean().optional(),
    extra: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** An alias's `confirm`: `true` (every source, 300 s) or `{ sources: [sms, email], ttl: 300 }`. */
const confirmSchema = z.union([
  z.boolean(),
  z
    .object({
      sources: z.array(z.enum(['api', 'sms', 'email', 'slack'])).min(1).optional().describe('the sources that must confirm; absent = all'),
      ttl: z.number().int().min(1).max(86_400).default(300).describe('seconds the sender has to confirm'),
    })
    .strict(),
]);

export const aliasSchema = z
  .object({
    name: z.string().min(1),
    pack: z.string().optional(),
    action_ref: z.string().min(1),
    description: z.string().optional(),
    enabled: z.boolean().default(true),
    formats: z.array(formatSchema).default([]),
    ack: replySchema.optional(),
    result: replySchema.optional(),
    extra: z.record(z.string(), z.unknown()).optional(),
    immutable_parameters: z.record(z.string(), z.unknown()).default({}),
    allow: z.array(z.string()).optional().describe('roles that may run it; absent = any known user'),
    confirm: confirmSchema.optional().describe('ask the sender to confirm by reply before it runs (DESIGN.md section 6): true, or { sources, ttl }'),
    notify: notifySchema.optional(),
    // fields StackStorm alias files (and its API's exports) carry: accepted, not used
    tags: z.array(z.unknown()).optional().describe('StackStorm field; not used'),
    uid: z.string().optional().describe('StackStorm field; not used'),
    ref: z.string().optional().describe('StackStorm field; not used'),
    id: z.string().optional().describe('StackStorm field; not used'),
    match_multiple: z.boolean().optional().describe('StackStorm field; set it per format instead'),
  })
  .strict();

// ---------------------------------------------------------------- channels/*.yaml

export const channelKinds = ['slack', 'email', 'sms', 'github', 'gitlab', 'jira', 'webhook', 'log', 'file'] as const;

const channelBase = {
  name: z.string().min(1),
  description: z.string().optional(),
  default_target: z.string().optional(),
  api_url: z.string().url().optional(),
  rate_limit: z
    .object({ max: z.number().int().positive(), per_seconds: z.number().positive() })
    .strict()
    .optional(),
};

export const channelSchema = z.discriminatedUnion('kind', [
  z.object({ ...channelBase, kind: z.literal('log') }).strict(),
  z.object({ ...channelBase, kind: z.literal('file'), path: z.string().default('outbox/deliveries.jsonl') }).strict(),
  z
    .object({
      ...channelBase,
      kind: z.literal('slack'),
      token: secret(),
      signing_secret: secret().optional(),
      app_token: secret().optional().describe('xapp- token: enables Socket Mode'),
    })
    .strict(),
  z
    .object({
      ...channelBase,
      kind: z.literal('email'),
      smtp: z
        .object({
          host: z.string(),
          port: z.number().int().default(587),
          secure: z.boolean().default(false),
          auth: z.object({ user: z.string(), pass: secret() }).strict().optional(),
          ignore_tls: z.boolean().optional(),
        })
        .strict()
        .optional(),
      from: z.string(),
      listen: z
        .object({
          host: z.string().default('127.0.0.1'),
          port: z.number().int().min(0).max(65535),
          max_size: z.number().int().positive().default(1_048_576),
          tls: z.object({ key: z.string(), cert: z.string() }).strict().optional(),
          verify: z
            .array(z.enum(['dkim', 'spf', 'dmarc']))
            .default(['dmarc'])
            .describe('checks a mail must pass, aligned with its From domain, for its sender to be verified; [] trusts every From (a warning at load)'),
          unverified: z
            .enum(['confirm', 'refuse'])
            .default('confirm')
            .describe("what happens to a command from an unverified sender: confirm (a code is sent to the real address) or refuse (550, nothing run)"),
          resolvers: z.array(z.string()).optional().describe('DNS servers (host or host:port) for DKIM/SPF/DMARC lookups; default: the system resolver'),
        })
        .strict()
        .optional(),
      webhook: z.enum(['mailgun', 'postmark', 'sendgrid']).optional(),
      signing_key: secret().optional(),
      resolvers: z.array(z.string()).optional().describe('DNS servers (host or host:port) for checking raw MIME forwarded by a webhook; default: the system resolver'),
    })
    .strict(),
  z
    .object({
      ...channelBase,
      kind: z.literal('sms'),
      account_sid: z.string(),
      auth_token: secret(),
      from: z.string().optional(),
      messaging_service_sid: z.string().optional(),
      segment_budget: z.number().int().positive().default(3),
    })
    .strict()
    .superRefine((c, ctx) => {
      if (c.from === undefined && c.messaging_service_sid === undefined) {
        ctx.addIssue({ code: 'custom', path: ['from'], message: 'required to send: from (a Twilio number) or messaging_service_sid' });
      }
    }),
  z
    .object({
      ...channelBase,
      kind: z.literal('github'),
      token: secret(),
      repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'expected owner/name'),
      labels: z.array(z.string()).default([]),
      close_on_success: z.boolean().default(false),
      fingerprint: z.string().optional(),
    })
    .strict(),
  z
    .object({
      ...channelBase,
      kind: z.literal('gitlab'),
      token: secret(),
      project: z.string(),
      labels: z.array(z.string()).default([]),
      close_on_success: z.boolean().default(false),
      fingerprint: z.string().optional(),
    })
    .strict(),
  z
    .object({
      ...channelBase,
      kind: z.literal('jira'),
      token: secret(),
      email: z.string().optional(),
      project: z.string(),
      issue_type: z.string().default('Task'),
      close_on_success: z.boolean().default(false),
      fingerprint: z.string().optional(),
    })
    .strict()
    .superRefine((c, ctx) => {
      if (c.api_url === undefined) ctx.addIssue({ code: 'custom', path: ['api_url'], message: 'required: the Jira site, e.g. https://example.atlassian.net' });
    }),
  z
    .object({
      ...channelBase,
      kind: z.literal('webhook'),
      // often a credential itself (Slack, Discord, Teams incoming webhooks): redacted like one
      url: z.string().url().meta({ secret: true, writeOnly: true }),
      secret: secret().optional(),
      headers: z.record(z.string(), z.string()).meta(envSecrets).default({}),
    })
    .strict(),
]);

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
    channel: z.string(),
    target: z.string().optional(),
    labels: z.array(z.string()).optional().describe('passed to the delivery with the target'),
  })
  .strict();

export const ruleSchema = z
  .object({
    name: z.string().min(1),
    channel: oneOrMany(z.string()).describe('notify channel names this rule handles'),
    when: z
      .record(z.string(), z.unknown())
      .superRefine(checkWhenKeys)
      .optional()
      .describe('status, action, alias, user, trigger, source, data.* (lists = any of)'),
    to: z.array(deliveryTargetSchema).min(1),
    fallback: z.array(deliveryTargetSchema).default([]),
    stop: z.boolean().default(false),
  })
  .strict();

export const rulesFileSchema = z.object({ rules: z.array(ruleSchema) }).strict();

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
