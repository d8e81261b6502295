/**
 * From a finished execution to its notifications (docs/contracts.md section 3, "Notify"): the firing triggers of the
 * effective notify block, one notification per channel name, then the one reply to the origin.
 */
import type { ActionConfig, AliasConfig } from '../config/types.ts';
import type { ExecutionRecord } from '../executions/types.ts';
import { buildContext } from '../templates/render.ts';
import { defaultMessageTemplate, defaultResultText, subjectOf } from './default-texts.ts';
import { mergeNotify, type EffectiveEntry } from './merge-notify.ts';
import { makeNotificationId } from './notification-id.ts';
import { renderData, renderSafely, renderSafelyOr } from './render-entry.ts';
import { selectTriggers } from './select-triggers.ts';
import { originName, type Notification, type NotifyTrigger, type RenderFn } from './types.ts';

export interface BuildNotificationsInput {
  execution: ExecutionRecord;
  /** the action that ran; undefined when it is no longer configured */
  action: ActionConfig | undefined;
  /** the alias the command matched; undefined for executions started without one */
  alias: AliasConfig | undefined;
  render: RenderFn;
  /** renders messages (not `data`): `renderMessage`, which marks values for each medium to escape; default `render` */
  renderMessage?: RenderFn;
}

type Rendered = { message: string; data: Record<string, unknown> };

/**
 * Common fields of every notification about `exec`.
 *
 * @example
 * notificationBase(exec) // { status: 'failed', action: 'ops.restart', executionId: '01J9Z', alias: 'ops.restart', user: 'alice', origin: {...} }
 */
export function notificationBase(exec: ExecutionRecord): Pick<Notification, 'status' | 'action' | 'alias' | 'user' | 'executionId' | 'origin'> {
  return {
    status: exec.status,
    action: exec.action,
    executionId: exec.id,
    ...(exec.alias !== undefined ? { alias: exec.alias } : {}),
    ...(exec.user !== undefined ? { user: exec.user } : {}),
    ...(exec.origin !== undefined ? { origin: exec.origin } : {}),
  };
}

function make(exec: ExecutionRecord, trigger: NotifyTrigger, name: string, r: Rendered): Notification {
  return {
    id: makeNotificationId(exec.id, trigger, name),
    name,
    trigger,
    subject: subjectOf(exec),
    message: r.message,
    data: r.data,
    ...notificationBase(exec),
  };
}

function renderEntry(e: Pick<EffectiveEntry, 'entry'>, exec: ExecutionRecord, render: RenderFn, renderMsg: RenderFn = render): Rendered {
  // the context is built once per entry (twice only when it has `data`, rendered over the first), and
  // the default headline only when it is the message or stands in for one that failed (every command
  // notifies: bench e2e)
  const data = e.entry.data === undefined ? {} : renderData(render, e.entry.data, buildContext(exec));
  const ctx = buildContext(exec, { data });
  const headline = () => renderSafely(renderMsg, defaultMessageTemplate, ctx, `${exec.action} ${exec.status}`);
  const message = e.entry.message === undefined ? headline() : renderSafelyOr(renderMsg, e.entry.message, ctx, headline);
  return { message, data };
}

/**
 * The notifications of an execution that reached a terminal status, in firing order; `[]` for a
 * queued or running one (see {@link buildAck} for `queued`).
 *
 * 1. The alias's `notify` overrides the action's per key (`on_success`, `on_failure`, `on_complete`).
 * 2. Each trigger that fires for the status (`on_failure`: failed and timeout, not canceled) gives one
 *    notification per channel name, message and each `data` value rendered over the execution.
 * 3. An execution started through an alias gets one reply to `origin` at the end (trigger `result`),
 *    unless the alias says `result: { enabled: false }`. Its text is the alias's `result.format`,
 *    else the message of the first firing entry that names `origin`, else the default result text.
 *    Entries naming `origin` are folded into this one reply (one answer per command, never two).
 * 4. With `result` disabled (or no alias), entries naming `origin` are sent as they are, and an
 *    origin entry of the action that the alias's override dropped is kept: the override never
 *    loses the origin reply.
 *
 * @example
 * buildNotifications({ execution, action, alias, render: renderTemplate })
 * // [{ id: '01J9Z/on_failure/slack', name: 'slack', trigger: 'on_failure', message: 'ops.restart failed: exit 1', ... },
 * //  { id: '01J9Z/result/origin', name: 'origin', trigger: 'result', ... }]
 */
export function buildNotifications(input: BuildNotificationsInput): Notification[] {
  const { execution: exec, action, alias, render } = input;
  const renderMsg = input.renderMessage ?? render;
  const firing = selectTriggers(exec.status);
  if (firing.length === 0) return [];
  const resultOn = alias !== undefined && alias.result?.enabled !== false;
  const out: Notification[] = [];
  let originReply: Rendered | undefined;
  for (const e of mergeNotify(action?.notify, alias?.notify).filter((x) => firing.includes(x.key))) {
    const rendered = renderEntry(e, exec, render, renderMsg);
    for (const name of e.channels) {
      if (name === originName && resultOn) {
        originReply ??= rendered;
        continue;
      }
      out.push(make(exec, e.key, name, rendered));
    }
    if (e.originDropped && !resultOn) out.push(make(exec, e.key, originName, renderEntry({ entry: e.originDropped }, exec, render, renderMsg)));
  }
  if (resultOn) out.push(make(exec, 'result', originName, renderResult(exec, alias, render, renderMsg, originReply)));
  return out;
}

function renderResult(exec: ExecutionRecord, alias: AliasConfig, render: RenderFn, renderMsg: RenderFn, folded: Rendered | undefined): Rendered {
  const ctx = buildContext(exec);
  const headline = renderSafely(renderMsg, defaultMessageTemplate, ctx, `${exec.action} ${exec.status}`);
  const fallback = defaultResultText(exec, headline);
  const format = alias.result?.format;
  const message = format !== undefined ? renderSafely(renderMsg, format, ctx, fallback) : (folded?.message ?? fallback);
  const extra = alias.result?.extra ? renderData(render, alias.result.extra, ctx) : undefined;
  return { message, data: { ...(folded?.data ?? {}), ...(extra ? { extra } : {}) } };
}
