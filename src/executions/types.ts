/**
 * Execution records and the service the HTTP API, ingresses and CLI use to create and watch them.
 */
import type { Params, Source } from '../aliases/types.ts';

/** `pending`: recorded, not queued, waiting for the sender's confirmation (docs/contracts.md section 6). */
export type ExecutionStatus = 'pending' | 'queued' | 'running' | 'succeeded' | 'failed' | 'timeout' | 'canceled';
/** Every status, in lifecycle order: the one list filters and pages use. */
export const executionStatuses = ['pending', 'queued', 'running', 'succeeded', 'failed', 'timeout', 'canceled'] as const satisfies readonly ExecutionStatus[];
export const terminalStatuses: readonly ExecutionStatus[] = ['succeeded', 'failed', 'timeout', 'canceled'];

/** Where a command came from and how to answer there (same medium, same conversation). */
export interface Origin {
  source: Source | 'cli';
  /** sender address in that medium: phone number, email address, Slack user id, API key name */
  sender: string;
  /** medium-specific reply data: Slack channel + thread_ts, email Message-ID, SMS number... */
  reply?: Record<string, string>;
  /** the provider's message id (idempotency key) */
  message_id?: string;
  /**
   * How sure the ingress is of the sender (docs/contracts.md section 6): `verified` (Twilio signature,
   * Slack signature, API key, DMARC-aligned email) or `unverified` (email without aligned DMARC,
   * ambiguous From). Absent on records made before this field existed: treat as `verified`.
   */
  proof?: SenderProof;
}

/** How sure an ingress is of who sent a command (docs/contracts.md section 6 "Proof of sender"). */
export type SenderProof = 'verified' | 'unverified';

export interface DeliveryRecord {
  channel: string;
  target?: string;
  /**
   * `held`: its person is in quiet hours (`users.NAME.quiet`); it goes in their digest at `held_until`
   * (`digest` names the digest delivery once it is queued); then `sent` (or `failed`) with the digest's.
   */
  status: 'pending' | 'held' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  /** the person the delivery is for, when a rule target named a user or role */
  user?: string;
  /** held deliveries: when the quiet hours end and the digest goes (ISO) */
  held_until?: string;
  /** held deliveries: the digest delivery that carries it (`d-…`), once queued */
  digest?: string;
  last_error?: string;
  /** what the sink sent (or tried to send), as rendered, secrets redacted; absent until the first try */
  message?: RenderedMessage;
}

/** A delivery's message as the sink rendered it for its medium (SMS: the fitted body; email: its subject). */
export interface RenderedMessage {
  text: string;
  subject?: string;
  /** where it went: phone number, address, Slack channel... (the channel's default target when the rule named none) */
  target?: string;
}

export interface ExecutionRecord {
  id: string;
  status: ExecutionStatus;
  alias?: string;
  action: string;
  params: Params;
  user?: string;
  origin?: Origin;
  /** the command text as received (after normalisation) */
  text?: string;
  created_at: string;
  started_at?: string;
  finished_at?: string;
  result?: unknown;
  error?: string;
  attempts: number;
  deliveries: DeliveryRecord[];
  /**
   * What the current run has printed so far, while it runs (shell stdout/stderr, a module's
   * `ctx.stdout`/`ctx.stderr`), each cut at `executions.output_limit`; gone once the run ends
   * (its `result` then holds the output) or starts again. Read by `get`, not by listings.
   */
  output?: LiveOutput;
}

/** The live output of a running execution (src/executions/live-output.ts writes it). */
export interface LiveOutput {
  stdout: string;
  stderr: string;
  /** when it last grew */
  updated_at: string;
}

export interface NewExecution {
  alias?: string;
  action: string;
  params: Params;
  user?: string;
  origin?: Origin;
  text?: string;
  /** provider message id or Idempotency-Key: the same key yields the same execution */
  idempotencyKey?: string;
  /** recorded as `pending` and not queued: it waits for a confirmation (src/confirmations/) */
  pending?: boolean;
}

export interface ListQuery {
  status?: ExecutionStatus;
  /** only this user's executions (src/auth/permissions.ts `listScope` decides who sees whose) */
  user?: string;
  /** 1..200, default 50 */
  limit?: number;
  /** opaque cursor from a previous page's `next_cursor` */
  cursor?: string;
  /** only executions of this alias id (`pack.name`) */
  alias?: string;
  /** only executions from this source (`origin.source`: api, sms, email, slack, cli) */
  source?: string;
  /** only executions whose command text (secrets redacted) contains this, case-insensitively */
  text?: string;
  /** created at or after this time (ISO 8601) */
  from?: string;
  /** created at or before this time (ISO 8601) */
  to?: string;
}

/** A page of executions; `next_cursor` also when a filtered scan stopped at its bound with fewer than `limit` items. */
export interface ExecutionPage {
  items: ExecutionRecord[];
  next_cursor?: string;
  /** index entries read for this page (a filtered listing reads at most {@link LIST_SCAN_MAX}) */
  scanned?: number;
}

/** Index entries one listing request reads at most, whatever its filters: then `next_cursor` says where to go on. */
export const LIST_SCAN_MAX = 1000;

/**
 * What gateways (HTTP API, ingresses, CLI) use to create and watch executions. Implemented over
 * BullMQ + Redis in src/executions/service.ts (`createExecutionService`).
 */
export interface ExecutionService {
  /** Queues an execution; the same idempotency key returns the existing one with `created: false`. */
  submit(input: NewExecution): Promise<{ execution: ExecutionRecord; created: boolean }>;
  get(id: string): Promise<ExecutionRecord | undefined>;
  list(query?: ListQuery): Promise<ExecutionPage>;
  /** Cancels a pending, queued or running execution; NotFoundError when unknown; a terminal one is returned unchanged. */
  cancel(id: string): Promise<ExecutionRecord>;
  /** true when Redis answers */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
