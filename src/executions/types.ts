/**
 * Execution records and the service the HTTP API, ingresses and CLI use to create and watch them.
 */
import type { Params, Source } from '../aliases/types.ts';

/** `pending`: recorded, not queued, waiting for the sender's confirmation (DESIGN.md section 6). */
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
   * How sure the ingress is of the sender (DESIGN.md section 6): `verified` (Twilio signature,
   * Slack signature, API key, DMARC-aligned email) or `unverified` (email without aligned DMARC,
   * ambiguous From). Absent on records made before this field existed: treat as `verified`.
   */
  proof?: SenderProof;
}

/** How sure an ingress is of who sent a command (DESIGN.md section 6 "Proof of sender"). */
export type SenderProof = 'verified' | 'unverified';

export interface DeliveryRecord {
  channel: string;
  target?: string;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  last_error?: string;
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
}

/**
 * What gateways (HTTP API, ingresses, CLI) use to create and watch executions. Implemented over
 * BullMQ + Redis in src/executions/service.ts (`createExecutionService`).
 */
export interface ExecutionService {
  /** Queues an execution; the same idempotency key returns the existing one with `created: false`. */
  submit(input: NewExecution): Promise<{ execution: ExecutionRecord; created: boolean }>;
  get(id: string): Promise<ExecutionRecord | undefined>;
  list(query?: ListQuery): Promise<{ items: ExecutionRecord[]; next_cursor?: string }>;
  /** Cancels a pending, queued or running execution; NotFoundError when unknown; a terminal one is returned unchanged. */
  cancel(id: string): Promise<ExecutionRecord>;
  /** true when Redis answers */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
