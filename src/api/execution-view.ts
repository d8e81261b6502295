/**
 * The execution record as the API shows it (docs/contracts.md section 4): every contract field present
 * (`null` when unset), parameters the action marks `secret` masked, and config secrets redacted.
 *
 * What a view never shows, whoever asks (src/auth/permissions.ts decides who sees a view at all):
 * - `origin` unless the caller may see it (`access.origin`: its owner, or `executions.read_all`);
 *   `null` otherwise;
 * - a Slack `response_url` or a Discord `interaction_token` in `origin.reply`: each lets whoever
 *   holds it post into that conversation (30 / 15 minutes), and only the gateway's own replies need it;
 * - credential headers (`Set-Cookie`, `Authorization`...) of an http action's response in `result`:
 *   an upstream's session cookie is not anyone's to read through Switchboard.
 */
import type { Config } from '../config/types.ts';
import type { ExecutionRecord, ExecutionStatus, Origin, RenderedMessage } from '../executions/types.ts';
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
  /**
   * While it runs: what the action has printed so far (each stream cut at `executions.output_limit`,
   * config secrets redacted like `result`); `null` otherwise, and in listings. When the run ends,
   * `result` holds the output instead.
   */
  output: { stdout: string; stderr: string; updated_at: string } | null;
  /** `message`: what the sink sent or tried to send (text, subject, target), `null` before the first try */
  /** `user`: the person a `{user}`/`{role}` target resolved to; `held_until`, `digest`: held for quiet hours, and the digest that carries it (present only when set) */
  deliveries: {
    channel: string;
    target: string | null;
    status: string;
    attempts: number;
    last_error: string | null;
    message: RenderedMessage | null;
    user?: string;
    held_until?: string;
    digest?: string;
  }[];
}

const MASK = '[redacted]';

/** What the caller may see beyond the execution itself. */
export interface ViewAccess {
  /** the execution's `origin` (phone number, address, reply data): its owner and `executions.read_all` */
  origin: boolean;
}

/** Reply data that is a capability rather than a description: never shown. */
const HIDDEN_REPLY_KEYS = new Set(['response_url', 'interaction_token']);
/** Response headers of an http action that carry credentials: never shown. */
const HIDDEN_HEADERS = new Set(['set-cookie', 'set-cookie2', 'authorization', 'proxy-authorization', 'cookie']);

function originView(origin: Origin | undefined, access: ViewAccess): Origin | null {
  if (!origin || !access.origin) return null;
  if (!origin.reply) return origin;
  const reply = Object.fromEntries(Object.entries(origin.reply).filter(([k]) => !HIDDEN_REPLY_KEYS.has(k)));
  return { ...origin, reply };
}

/** An http runner result (`{status_code, headers, body}`) without its credential headers; others as they are. */
export function resultView(result: unknown): unknown {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return result;
  const r = result as { status_code?: unknown; headers?: unknown };
  if (typeof r.status_code !== 'number' || typeof r.headers !== 'object' || r.headers === null || Array.isArray(r.headers)) return result;
  const headers = Object.fromEntries(Object.entries(r.headers).filter(([k]) => !HIDDEN_HEADERS.has(k.toLowerCase())));
  return { ...result, headers };
}

/** Builds the function that turns records into API views for this config. */
export function createExecutionView(config: Pick<Config, 'actions' | 'secrets'>): (rec: ExecutionRecord, access: ViewAccess) => ExecutionView {
  const secrets = config.secrets;
  return (rec, access) => {
    const spec = config.actions.get(rec.action)?.parameters ?? {};
    const params = Object.fromEntries(Object.entries(rec.params).map(([k, v]) => [k, spec[k]?.secret === true ? MASK : v]));
    const view: ExecutionView = {
      id: rec.id,
      status: rec.status,
      alias: rec.alias ?? null,
      action: rec.action,
      params,
      user: rec.user ?? null,
      origin: originView(rec.origin, access),
      created_at: rec.created_at,
      started_at: rec.started_at ?? null,
      finished_at: rec.finished_at ?? null,
      result: resultView(rec.result ?? null),
      error: rec.error ?? null,
      output: rec.status === 'running' && rec.output ? { stdout: rec.output.stdout, stderr: rec.output.stderr, updated_at: rec.output.updated_at } : null,
      deliveries: rec.deliveries.map((d) => ({
        channel: d.channel,
        target: d.target ?? null,
        status: d.status,
        attempts: d.attempts,
        last_error: d.last_error ?? null,
        message: d.message ?? null,
        ...(d.user !== undefined && { user: d.user }),
        ...(d.held_until !== undefined && { held_until: d.held_until }),
        ...(d.digest !== undefined && { digest: d.digest }),
      })),
    };
    return redactDeep(view, secrets) as ExecutionView;
  };
}
