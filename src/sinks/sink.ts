/**
 * The sink contract: each provider's outbound half (src/providers/NAME/sink.ts), listed by its
 * runtime.ts; src/sinks/index.ts derives the list from the provider registry (src/providers/index.ts).
 * A sink turns one rendered delivery into one provider call. It classifies failures with
 * {@link SinkError} (`retryable`, `reason`, `retryAfterMs`); the delivery worker does retries,
 * backoff, fallback and recording.
 */
import type { z } from 'zod';
import type { Logger } from '../log.ts';
import type { AlertRef, ProgressRef } from '../notify/types.ts';
import { SwitchboardError } from '../errors.ts';

/** One message to one target on one channel, already rendered from the notification's templates. */
export interface OutboundMessage {
  /** deterministic delivery id: the same notification, channel and target always give the same id */
  id: string;
  /** channel name (channels/*.yaml `name`) */
  channel: string;
  /** where to send it in that channel: Slack channel, phone number, email address, repo...; absent = default_target */
  target?: string;
  /** short title: email subject, issue title, Slack fallback text */
  subject: string;
  /** the rendered message (may contain StackStorm's `{~}` split and Markdown code fences) */
  text: string;
  /**
   * the message for Slack, when it differs from `text`: the values it shows (what a sender typed,
   * outputs, errors) escaped (`&`, `<`, `>`), the template's own mrkdwn as written
   */
  mrkdwn?: string;
  /**
   * the message with its values still marked (src/templates/marks.ts), when it has any: a chat sink
   * escapes each value for its own medium (`escapeMarked`) and keeps the template's Markdown as written
   */
  marked?: string;
  /** the notification's rendered `data` */
  data: Record<string, unknown>;
  /** the execution the notification is about, when there is one */
  execution?: {
    id: string;
    status: string;
    action: string;
    alias?: string;
    user?: string;
  };
  /** the alert the message is about: sinks show `code` and may offer an ACK button (Slack) */
  alert?: AlertRef;
  /**
   * which answer to its command this is, for an execution's `ack`, `progress` and `result` (absent
   * otherwise): a sink that edits in place (Slack) keeps them in one message, queued → running → result
   */
  trigger?: 'ack' | 'progress' | 'result';
  /** a progress report's place in its run (trigger `progress`): never apply one older than the last applied */
  progress?: ProgressRef;
  /** conversation key (see Notification.thread): same key and target = continue the same thread */
  thread?: string;
  /** the person this delivery is for, when a rule target named a user or role (`{user: alice}`) */
  user?: string;
  /** conversation to answer in, for replies to the origin: Slack `channel`/`thread_ts`, email `message_id`/`subject`/`references`... */
  replyTo?: Record<string, string>;
  /** extra fields from the rule's `to` entry (labels, assignees...) */
  options?: Record<string, unknown>;
}

/** A message as the JSON sinks write it (a file outbox line, a webhook body): `target` with the channel's default filled in. */
export interface MessageJson {
  id: string;
  channel: string;
  target?: string;
  subject: string;
  text: string;
  data: Record<string, unknown>;
  execution?: OutboundMessage['execution'];
  /** the alert the message is about (its code, status, fingerprint) */
  alert?: AlertRef;
  /** the conversation key: the same key and target continue one conversation */
  thread?: string;
}

/**
 * @example
 * JSON.stringify({ ...messageJson(m, settings.default_target), sent_at: now })
 */
export function messageJson(m: OutboundMessage, defaultTarget: string | undefined): MessageJson {
  return {
    id: m.id,
    channel: m.channel,
    target: m.target ?? defaultTarget,
    subject: m.subject,
    text: m.text,
    data: m.data,
    execution: m.execution,
    ...(m.alert && { alert: m.alert }),
    ...(m.thread !== undefined && { thread: m.thread }),
  };
}

export interface SendResult {
  /** the provider's id for what was created (Slack ts, Twilio SID, issue number...) */
  externalId?: string;
  /**
   * what went out when the medium changed the rendered message (SMS fitted into segments, an email
   * subject with `Re:`) and to whom; absent = `subject`/`text`/`target` as given (the delivery record shows it)
   */
  sent?: { text: string; subject?: string; target?: string };
  /** set when nothing was sent on purpose (recipient opted out...): the reason */
  skipped?: string;
}

export type SinkFailureReason = 'rate_limited' | 'server_error' | 'network' | 'timeout' | 'auth_error' | 'client_error' | 'invalid_target' | 'opted_out';

/** A failed send. `retryable: false` fails the delivery at once (BullMQ UnrecoverableError). */
export class SinkError extends SwitchboardError {
  readonly code = 'sink_error';
  constructor(
    message: string,
    readonly reason: SinkFailureReason,
    readonly retryable: boolean,
    /** the provider asked to wait this long (Retry-After) */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Small persistent key-value state a sink may keep (issue per fingerprint, opted-out numbers). Redis-backed. */
export interface SinkState {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** sets only when absent; true when it was set */
  setIfAbsent(key: string, value: string, ttlSeconds?: number): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export interface SinkDeps {
  logger: Logger;
  state: SinkState;
  /** absolute config folder, for relative paths (the `file` sink) */
  configDir: string;
  /** how long one provider call may take, in ms (default 15000); the caller's AbortSignal also applies */
  timeoutMs?: number;
}

export interface Sink {
  send(message: OutboundMessage, signal: AbortSignal): Promise<SendResult>;
  /** releases connections (SMTP pools...) */
  close?(): Promise<void>;
}

export interface SinkDefinition<K extends string, S extends z.ZodType> {
  /** == file name == channels/*.yaml `kind:` */
  kind: K;
  /** validates the channel's settings (the matching member of channelSchema in src/config/schema.ts) */
  settings: S;
  /** messages per second a channel of this kind may send by default (per target where the provider limits per target) */
  defaultRate?: { max: number; perSeconds: number; perTarget?: boolean };
  create(settings: z.output<S>, deps: SinkDeps): Sink;
}

/**
 * @example
 * export const logSink = defineSink({ kind: 'log', settings: logChannel, create: (s, d) => ({ send: async (m) => { d.logger.info(m); return {}; } }) });
 */
export const defineSink = <K extends string, S extends z.ZodType>(d: SinkDefinition<K, S>) => d;
