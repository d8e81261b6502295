/**
 * The StackStorm shapes and announcements, pure: help paging and filtering, timestamps, which
 * executions are announced and under which events, secrets kept out of the message.
 */
import { describe, expect, it } from 'vitest';
import type { CompiledAlias } from '../../../src/aliases/types.ts';
import type { AliasConfig } from '../../../src/config/types.ts';
import type { ExecutionRecord } from '../../../src/executions/types.ts';
import { buildAnnouncement, st2Reply } from '../../../src/st2/announce.ts';
import { helpStrings, st2Time } from '../../../src/st2/shapes.ts';

const compiled = (id: string, display: string[], enabled = true): CompiledAlias => ({
  id,
  action: 'a',
  enabled,
  description: `${id} help`,
  formats: display,
  display,
  entries: display.map((d) => ({ display: d, representations: [d], matchMultiple: false })),
});

describe('helpStrings', () => {
  const aliases = [compiled('ops.restart', ['restart {{svc}}', 'bounce {{svc}}']), compiled('db.backup', ['backup now']), compiled('ops.off', ['off'], false)];

  it('lists one entry per format of the enabled aliases, filtered and paged', () => {
    expect(helpStrings(aliases, {}).available).toBe(3);
    expect(helpStrings(aliases, { filter: 'BOUNCE' }).helpstrings).toEqual([{ pack: 'ops', display: 'bounce {{svc}}', description: 'ops.restart help' }]);
    expect(helpStrings(aliases, { pack: 'db' }).helpstrings.map((h) => h.display)).toEqual(['backup now']);
    const page = helpStrings(aliases, { offset: 1, limit: 1 });
    expect(page).toEqual({ available: 3, helpstrings: [{ pack: 'ops', display: 'bounce {{svc}}', description: 'ops.restart help' }] });
  });

  it('takes the filter as text, never as a pattern', () => {
    expect(helpStrings(aliases, { filter: '(a+)+$' }).available).toBe(0);
  });
});

describe('st2Time', () => {
  it('writes microseconds as StackStorm does', () => {
    expect(st2Time('2024-05-01T10:00:00.123Z')).toBe('2024-05-01T10:00:00.123000Z');
    expect(st2Time(null)).toBeUndefined();
  });
});

describe('buildAnnouncement', () => {
  const alias = {
    id: 'ops.hello',
    name: 'hello',
    action_ref: 'ops.hello',
    enabled: true,
    formats: [],
    immutable_parameters: {},
    file: 'x',
    result: { enabled: true, format: 'done: {{ execution.result.stdout }} s3cret-token', extra: { color: 'good' } },
  } as unknown as AliasConfig;
  const config = { actions: new Map(), aliases: [alias], secrets: ['s3cret-token'] };
  const exec = (over: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
    id: 'E1',
    status: 'succeeded',
    alias: 'ops.hello',
    action: 'ops.hello',
    params: {},
    user: 'alice',
    created_at: '2024-05-01T10:00:00.000Z',
    finished_at: '2024-05-01T10:00:01.000Z',
    result: { stdout: 'ok' },
    attempts: 1,
    deliveries: [],
    origin: { source: 'api', sender: 'hubot', reply: st2Reply({ route: 'hubot', channel: '#ops', user: 'al', credential: 'key:hubot' }) },
    ...over,
  });

  it('announces a finished st2 command on chatops and its route, secrets redacted', () => {
    const a = buildAnnouncement(exec(), config)!;
    expect(a.events).toEqual(['st2.announcement__chatops', 'st2.announcement__hubot']);
    expect(a.data.payload).toEqual({ channel: '#ops', message: 'done: ok [redacted]', user: 'al', whisper: false, extra: { color: 'good' } });
    expect(a).toMatchObject({ owner: 'alice', credential: 'key:hubot' });
  });

  it('announces nothing for other origins, unfinished executions, or `result: {enabled: false}`', () => {
    expect(buildAnnouncement(exec({ origin: { source: 'api', sender: 'k' } }), config)).toBeUndefined();
    expect(buildAnnouncement(exec({ status: 'running' }), config)).toBeUndefined();
    const silent = { ...config, aliases: [{ ...alias, result: { enabled: false } } as AliasConfig] };
    expect(buildAnnouncement(exec(), silent)).toBeUndefined();
  });

  it('the chatops route is announced once', () => {
    const e = exec({ origin: { source: 'api', sender: 'k', reply: st2Reply({ credential: 'key:k' }) } });
    expect(buildAnnouncement(e, config)!.events).toEqual(['st2.announcement__chatops']);
  });
});
