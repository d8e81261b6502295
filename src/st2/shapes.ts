/**
 * Switchboard's aliases and executions in StackStorm's JSON shapes (st2common openapi.yaml:
 * `ActionAliasAPI`, `ActionExecutionAPI`, the alias help listing), so st2client and
 * hubot-stackstorm read them unchanged. Pure: no I/O.
 */
import type { AliasFormatInfo, CompiledAlias } from '../aliases/types.ts';
import type { AliasConfig } from '../config/types.ts';
import type { ExecutionView } from '../api/execution-view.ts';
import type { ExecutionStatus } from '../executions/types.ts';

/** StackStorm's `ActionAliasAPI`, the fields its chat clients read. */
export interface St2ActionAlias {
  id: string;
  uid: string;
  ref: string;
  pack: string;
  name: string;
  description: string;
  enabled: boolean;
  action_ref: string;
  formats: AliasConfig['formats'];
  ack: Record<string, unknown>;
  result: Record<string, unknown>;
  extra: Record<string, unknown>;
  immutable_parameters: Record<string, unknown>;
}

/** `ops.restart` -> `{ pack: 'ops', name: 'restart' }` (the id is always `PACK.name`). */
export function splitRef(id: string): { pack: string; name: string } {
  const dot = id.indexOf('.');
  return dot < 0 ? { pack: 'default', name: id } : { pack: id.slice(0, dot), name: id.slice(dot + 1) };
}

/**
 * @example
 * aliasApi(aliasConfig) // { ref: 'ops.restart', pack: 'ops', name: 'restart', action_ref: 'restart', formats: [...], ... }
 */
export function aliasApi(alias: AliasConfig): St2ActionAlias {
  const { pack, name } = splitRef(alias.id);
  return {
    id: alias.id,
    uid: `action:${pack}:${name}`,
    ref: alias.id,
    pack,
    name,
    description: alias.description ?? '',
    enabled: alias.enabled,
    action_ref: alias.action_ref,
    formats: alias.formats,
    // StackStorm acks by default; `{enabled: false}` makes hubot-stackstorm stay silent
    ack: { enabled: true, ...alias.ack },
    result: { enabled: true, ...alias.result },
    extra: alias.extra ?? {},
    immutable_parameters: alias.immutable_parameters,
  };
}

/** The format entry (help text and representations) an alias matched `representation` with. */
export function entryOf(alias: CompiledAlias | undefined, representation: string): AliasFormatInfo | undefined {
  return alias?.entries.find((e) => e.representations.includes(representation));
}

/** Whether `format` (what hubot sends as `format`) is one of the alias's help texts or representations. */
export function aliasHasFormat(alias: CompiledAlias, format: string): boolean {
  return alias.entries.some((e) => e.display === format || e.representations.includes(format));
}

/** One line of StackStorm's `GET /actionalias/help`. */
export interface St2HelpString {
  pack: string;
  display: string;
  description: string;
}

/**
 * StackStorm's help listing: one entry per format (its `display`), `filter` a case-insensitive
 * substring of the display (StackStorm takes a regular expression; a substring never backtracks),
 * `pack` exact, then `offset`/`limit` (0 = no limit) over the entries; `available` counts them all.
 *
 * @example
 * helpStrings(aliases, { filter: 'restart' }) // { available: 1, helpstrings: [{ pack: 'ops', display: 'restart {{service}}', description: '...' }] }
 */
export function helpStrings(
  aliases: readonly CompiledAlias[],
  q: { filter?: string | undefined; pack?: string | undefined; offset?: number; limit?: number },
): { available: number; helpstrings: St2HelpString[] } {
  const needle = q.filter?.toLowerCase() ?? '';
  const all = aliases
    .filter((a) => a.enabled && (q.pack === undefined || q.pack === '' || splitRef(a.id).pack === q.pack))
    .flatMap((a) => a.display.map((display) => ({ pack: splitRef(a.id).pack, display, description: a.description ?? '' })))
    .filter((h) => h.display.toLowerCase().includes(needle));
  const offset = Math.max(0, q.offset ?? 0);
  const limit = q.limit ?? 0;
  return { available: all.length, helpstrings: limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset) };
}

/**
 * Our statuses as StackStorm's: `queued` is `scheduled` (accepted, waiting for a worker),
 * `pending` (waiting for the sender's confirmation) is StackStorm's own `pending` (waiting for an
 * inquiry's answer); the terminal ones have the same names.
 */
export const st2Status: Record<ExecutionStatus, string> = {
  pending: 'pending',
  queued: 'scheduled',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  timeout: 'timeout',
  canceled: 'canceled',
};

/** `2024-05-01T10:00:00.123Z` -> `2024-05-01T10:00:00.123000Z` (StackStorm's microseconds). */
export function st2Time(iso: string | null): string | undefined {
  if (iso === null) return undefined;
  return /\.\d{3}Z$/.test(iso) ? iso.replace(/Z$/, '000Z') : iso;
}

/** StackStorm's `ActionExecutionAPI`, the fields st2client and the chat clients read. */
export interface St2Execution {
  id: string;
  status: string;
  action: { ref: string; name: string; pack: string };
  parameters: Record<string, unknown>;
  result: unknown;
  start_timestamp: string | undefined;
  end_timestamp: string | undefined;
  elapsed_seconds?: number;
  context: { user: string | null; action_alias_ref?: string; source_channel?: string; api_user?: string };
  liveaction: { id: string; status: string; action: string; parameters: Record<string, unknown> };
  /** Switchboard's own fields, kept under one key */
  switchboard: { status: ExecutionStatus; error: string | null };
}

/**
 * An execution view (secrets masked, origin shown or not by the caller's rights) as StackStorm's
 * execution: `start_timestamp` is when it was accepted, as in StackStorm; `result` is the action's
 * result, or `{error}` when it failed without one.
 *
 * @example
 * executionApi(view) // { id: '01J9Z…', status: 'succeeded', action: { ref: 'restart', ... }, parameters: {...}, ... }
 */
export function executionApi(view: ExecutionView): St2Execution {
  const { pack, name } = splitRef(view.action);
  const reply = view.origin?.reply;
  const started = Date.parse(view.created_at);
  const ended = view.finished_at === null ? Number.NaN : Date.parse(view.finished_at);
  return {
    id: view.id,
    status: st2Status[view.status],
    action: { ref: view.action, name, pack },
    parameters: view.params,
    result: view.result ?? (view.error !== null ? { error: view.error } : null),
    start_timestamp: st2Time(view.created_at),
    end_timestamp: st2Time(view.finished_at),
    ...(Number.isFinite(ended) && Number.isFinite(started) && { elapsed_seconds: (ended - started) / 1000 }),
    context: {
      user: view.user,
      ...(view.alias !== null && { action_alias_ref: view.alias }),
      ...(reply?.st2_channel !== undefined && { source_channel: reply.st2_channel }),
      ...(reply?.st2_user !== undefined && { api_user: reply.st2_user }),
    },
    liveaction: { id: view.id, status: st2Status[view.status], action: view.action, parameters: view.params },
    switchboard: { status: view.status, error: view.error },
  };
}
