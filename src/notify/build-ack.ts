/** The alias's `ack`: the reply to the origin when an execution is queued. */
import type { AliasConfig } from '../config/types.ts';
import type { ExecutionRecord } from '../executions/types.ts';
import { buildContext } from '../templates/render.ts';
import { defaultAckText } from './default-texts.ts';
import { notificationBase } from './build-notifications.ts';
import { makeNotificationId } from './notification-id.ts';
import { renderData, renderSafely } from './render-entry.ts';
import { originName, type Notification, type RenderFn } from './types.ts';

export interface BuildAckInput {
  execution: ExecutionRecord;
  alias: AliasConfig | undefined;
  render: RenderFn;
  /** renders messages (not `data`): `renderMessage`, which marks values for each medium to escape; default `render` */
  renderMessage?: RenderFn;
}

/**
 * The ack notification to `origin`, or undefined when there is no alias or its `ack` says
 * `enabled: false`. Like StackStorm, an alias acks by default; without `format` the text is
 * hubot-stackstorm's ("I'll take it from here! Your execution ID for reference is …").
 * The status is reported as `queued` whatever the record says by now.
 *
 * @example
 * buildAck({ execution, alias, render: renderTemplate })
 * // { id: '01J9Z/ack/origin', name: 'origin', trigger: 'ack', message: 'Searching for cats…', ... }
 */
export function buildAck(input: BuildAckInput): Notification | undefined {
  const { alias, render } = input;
  if (!alias || alias.ack?.enabled === false) return undefined;
  const exec: ExecutionRecord = { ...input.execution, status: 'queued' };
  const ctx = buildContext(exec);
  const fallback = defaultAckText(exec.id);
  const format = alias.ack?.format;
  const message = format !== undefined ? renderSafely(input.renderMessage ?? render, format, ctx, fallback) : fallback;
  const extra = alias.ack?.extra ? renderData(render, alias.ack.extra, ctx) : undefined;
  return {
    id: makeNotificationId(exec.id, 'ack', originName),
    name: originName,
    trigger: 'ack',
    subject: `${exec.action} queued`,
    message,
    data: extra ? { extra } : {},
    ...notificationBase(exec),
  };
}
