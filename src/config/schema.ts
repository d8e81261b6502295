/**
 * zod schemas for the five kinds of config file (DESIGN.md section 2). These are the contract
 * between what users write and what runtime code may trust. Secret fields are marked with
 * {@link secret} so redaction and JSON Schema generation need no hand-kept list.
 */
import { z } from 'zod';

/** Marks a string field as secret: redacted in logs, errors, API responses and the UI. */
export const secret = () => z.string().meta({ secret: true, writeOnly: true });

const duration = z.number().positive();

// ---------------------------------------------------------------- switchboard.yaml

export const userSchema = z
  .object({
    roles: z.array(z.string()).default([]),
    phone: z.string().optional().describe('E.164 phone number, e.g. +15551230001'),
    email: z.string().optional(),
    slack: z.string().optional().describe('Slack user id, e.g. U0ALICE'),
    password: secret().optional().describe('dashboard login password'),
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
      })
      .strict()
      .default({ port: 8080, host: '127.0.0.1', body_limit: 1_048_576 }),
    redis: z
      .object({
        url: z.string().default('redis://127.0.0.1:6379'),
        prefix: z.string().regex(/^[A-Za-z0-9_{}.-]+$/).default('sb'),
        start_local: z.boolean().default(true).describe('start redis-server when none answers (serve only)'),
      })
      .strict()
      .default({ url: 'redis://127.0.0.1:6379', prefix: 'sb', start_local: true }),
    users: z.record(z.string(), userSchema).default({}),
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
      })
      .strict()
      .default({ command_length: 4096, per_sender_per_minute: 30 }),
    ingress: z
      .object({
        unknown_sender_reply: z.string().nullable().default(null),
        bot_names: z.array(z.string()).default(['switchboard', 'sb']),
      })
      .strict()
      .default({ unknown_sender_reply: null, bot_names: ['switchboard', 'sb'] }),
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
  })
  .passthrough();

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
    env: z.record(z.string(), z.string()).optional().describe('extra environment (templates)'),
    env_allow: z.array(z.string()).default(['PATH', 'HOME', 'LANG', 'TZ']),
    // http
    method: z.string().optional(),
    url: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
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
  .passthrough();

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
  .passthrough();

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
    notify: notifySchema.optional(),
  })
  .passthrough();

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
          verify: z.array(z.enum(['dkim', 'spf', 'dmarc'])).default([]),
          resolvers: z.array(z.string()).optional().describe('DNS servers (host or host:port) for DKIM/SPF/DMARC lookups; default: the system resolver'),
        })
        .strict()
        .optional(),
      webhook: z.enum(['mailgun', 'postmark', 'sendgrid']).optional(),
      signing_key: secret().optional(),
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
      headers: z.record(z.string(), z.string()).default({}),
    })
    .strict(),
]);

// ---------------------------------------------------------------- rules/*.yaml

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t)]);

export const deliveryTargetSchema = z
  .object({ channel: z.string(), target: z.string().optional() })
  .catchall(z.unknown());

export const ruleSchema = z
  .object({
    name: z.string().min(1),
    channel: oneOrMany(z.string()).describe('notify channel names this rule handles'),
    when: z.record(z.string(), z.unknown()).optional().describe('status, action, alias, user, data.* (lists = any of)'),
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
