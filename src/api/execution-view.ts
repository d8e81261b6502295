/**
 * The execution record as the API shows it (DESIGN.md section 4): every contract field present
 * (`null` when unset), parameters the action marks `secret` masked, and config secrets redacted.
 */
import type { Config } from '../config/types.ts';
import type { ExecutionRecord, ExecutionStatus, Origin } from '../executions/types.ts';
import { redactDeep } from '../log.ts';

export interface ExecutionView {
  id: string;
  status: ExecutionStatus;
  alias: string | null;
  action: string;
  params: Record<string, unknown>;
  user: string | null;
  origin: Origin | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  result: unknown;
  error: string | null;
  deliveries: { channel: string; target: string | null; status: string; attempts: number; last_error: string | null }[];
}

const MASK = '[redacted]';

/** Builds the function that turns records into API views for this config. */
export function createExecutionView(config: Pick<Config, 'actions' | 'secrets'>): (rec: ExecutionRecord) => ExecutionView {
  const secrets = config.secrets;
  return (rec) => {
    const spec = config.actions.get(rec.action)?.parameters ?? {};
    const params = Object.fromEntries(
      Object.entries(rec.params).map(([k, v]) => [k, spec[k]?.secret === true ? MASK : v]),
    );
    const view: ExecutionView = {
      id: rec.id,
      status: rec.status,
      alias: rec.alias ?? null,
      action: rec.action,
      params,
      user: rec.user ?? null,
      origin: rec.origin ?? null,
      created_at: rec.created_at,
      started_at: rec.started_at ?? null,
      finished_at: rec.finished_at ?? null,
      result: rec.result ?? null,
      error: rec.error ?? null,
      deliveries: rec.deliveries.map((d) => ({
        channel: d.channel,
        target: d.target ?? null,
        status: d.status,
        attempts: d.attempts,
        last_error: d.last_error ?? null,
      })),
    };
    return redactDeep(view, secrets) as ExecutionView;
  };
}
