/** Builders for notify and routing tests: configs parsed by the real schemas, executions in code. */
import { actionSchema, aliasSchema, channelSchema, ruleSchema, type ChannelConfig, type RuleConfig } from '../../../src/config/schema.ts';
import type { ActionConfig, AliasConfig } from '../../../src/config/types.ts';
import type { ExecutionRecord } from '../../../src/executions/types.ts';
import { renderTemplate } from '../../../src/templates/render.ts';
import { buildNotifications } from '../../../src/notify/index.ts';

export const render = renderTemplate;

export function makeAction(raw: Record<string, unknown> = {}): ActionConfig {
  const parsed = actionSchema.parse({ name: 'ops.restart', runner: 'shell', command: ['true'], ...raw });
  return { ...parsed, ref: parsed.name };
}

export function makeAlias(raw: Record<string, unknown> = {}): AliasConfig {
  const parsed = aliasSchema.parse({ name: 'restart', pack: 'ops', action_ref: 'ops.restart', formats: ['restart {{service}}'], ...raw });
  return { ...parsed, id: 'ops.restart', file: 'aliases/ops/restart.yaml' };
}

export function makeExecution(over: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    id: 'EX1',
    status: 'succeeded',
    action: 'ops.restart',
    alias: 'ops.restart',
    params: { service: 'web', env: 'prod' },
    user: 'alice',
    origin: { source: 'sms', sender: '+15551230001' },
    created_at: '2026-11-25T16:00:00.000Z',
    attempts: 1,
    deliveries: [],
    ...over,
  };
}

/** `trigger:name` of each notification, in order: the compact form tables compare. */
export const pairs = (ns: { trigger: string; name: string }[]) => ns.map((n) => `${n.trigger}:${n.name}`);

/** buildNotifications with the real renderer. */
export function notificationsOf(exec: ExecutionRecord, action?: ActionConfig, alias?: AliasConfig) {
  return buildNotifications({ execution: exec, action, alias, render });
}

export function makeChannels(raws: Record<string, unknown>[]): Map<string, ChannelConfig> {
  return new Map(raws.map((r) => channelSchema.parse(r)).map((c) => [c.name, c]));
}

export function makeRules(raws: Record<string, unknown>[]): RuleConfig[] {
  return raws.map((r) => ruleSchema.parse(r));
}
