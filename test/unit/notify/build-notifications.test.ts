import { describe, expect, it } from 'vitest';
import { buildNotifications } from '../../../src/notify/index.ts';
import type { ExecutionStatus } from '../../../src/executions/types.ts';
import { makeAction, makeAlias, makeExecution, notificationsOf, pairs, render } from './helpers.ts';

const allThree = {
  on_success: { message: 'ok', channels: ['s'] },
  on_failure: { message: 'bad', channels: ['f'] },
  on_complete: { message: 'done', channels: ['c'] },
};

describe('buildNotifications: triggers', () => {
  it.each<[ExecutionStatus, string[]]>([
    ['succeeded', ['on_success:s', 'on_complete:c']],
    ['failed', ['on_failure:f', 'on_complete:c']],
    ['timeout', ['on_failure:f', 'on_complete:c']],
    ['canceled', ['on_complete:c']],
    ['queued', []],
    ['running', []],
  ])('for %s fires %j, in order', (status, expected) => {
    const ns = notificationsOf(makeExecution({ status, alias: undefined }), makeAction({ notify: allThree }), undefined);
    expect(pairs(ns)).toEqual(expected);
  });

  it('fires on_failure for a worker lost execution (failed with that error)', () => {
    const ns = notificationsOf(makeExecution({ status: 'failed', error: 'worker lost', alias: undefined }), makeAction({ notify: allThree }), undefined);
    expect(pairs(ns)).toEqual(['on_failure:f', 'on_complete:c']);
  });

  it('fires nothing when no block is defined and there is no alias', () => {
    expect(notificationsOf(makeExecution({ status: 'failed', alias: undefined }), makeAction(), undefined)).toEqual([]);
  });

  it('gives one notification per channel name, chatops read as origin, repeats dropped', () => {
    const action = makeAction({ notify: { on_success: { channels: ['a', 'b', 'a', 'chatops', 'origin'] } } });
    const ns = notificationsOf(makeExecution({ alias: undefined }), action, undefined);
    expect(pairs(ns)).toEqual(['on_success:a', 'on_success:b', 'on_success:origin']);
  });
});

describe('buildNotifications: the alias overrides the action per key', () => {
  const action = makeAction({ notify: allThree });
  it.each<[string, Record<string, unknown>, ExecutionStatus, string[]]>([
    ['on_success only', { on_success: { channels: ['x'] } }, 'succeeded', ['on_success:x', 'on_complete:c', 'result:origin']],
    ['on_success leaves on_failure', { on_success: { channels: ['x'] } }, 'failed', ['on_failure:f', 'on_complete:c', 'result:origin']],
    ['on_failure only', { on_failure: { channels: ['y', 'z'] } }, 'timeout', ['on_failure:y', 'on_failure:z', 'on_complete:c', 'result:origin']],
    ['on_complete with no channels silences it', { on_complete: { channels: [] } }, 'canceled', ['result:origin']],
    [
      'every key',
      { on_success: { channels: ['1'] }, on_failure: { channels: ['2'] }, on_complete: { channels: ['3'] } },
      'failed',
      ['on_failure:2', 'on_complete:3', 'result:origin'],
    ],
  ])('%s', (_, notify, status, expected) => {
    const ns = notificationsOf(makeExecution({ status }), action, makeAlias({ notify }));
    expect(pairs(ns)).toEqual(expected);
  });

  it('takes the message from the overriding entry, not the action', () => {
    const ns = notificationsOf(makeExecution({ status: 'failed' }), action, makeAlias({ notify: { on_failure: { channels: ['f'] } } }));
    expect(ns[0]?.message).toBe('ops.restart failed');
  });
});

describe('buildNotifications: the reply to origin', () => {
  const exec = makeExecution({ status: 'failed', error: 'exit 1' });
  const actionToOrigin = makeAction({ notify: { on_failure: { message: 'action says {{ error }}', channels: ['slack', 'origin'] } } });

  it.each<[string, Record<string, unknown>, string[], string]>([
    [
      'alias overrides and drops origin: origin still gets the result reply',
      { notify: { on_failure: { channels: ['pager'] } } },
      ['on_failure:pager', 'result:origin'],
      'ops.restart failed: exit 1',
    ],
    ['alias result format wins', { result: { format: 'R {{ status }}' } }, ['on_failure:slack', 'result:origin'], 'R failed'],
    ['no result format: the origin entry message is the reply', {}, ['on_failure:slack', 'result:origin'], 'action says exit 1'],
    [
      'result disabled: the dropped origin entry of the action is restored',
      { result: { enabled: false }, notify: { on_failure: { channels: ['pager'] } } },
      ['on_failure:pager', 'on_failure:origin'],
      'action says exit 1',
    ],
    [
      'result disabled, no override: the origin entry is sent as it is',
      { result: { enabled: false } },
      ['on_failure:slack', 'on_failure:origin'],
      'action says exit 1',
    ],
  ])('%s', (_, aliasRaw, expected, originMessage) => {
    const ns = notificationsOf(exec, actionToOrigin, makeAlias(aliasRaw));
    expect(pairs(ns)).toEqual(expected);
    expect(ns.find((n) => n.name === 'origin')?.message).toBe(originMessage);
  });

  it('folds several origin entries into one reply at the end', () => {
    const action = makeAction({
      notify: { on_failure: { message: 'first', channels: ['origin'] }, on_complete: { message: 'second', channels: ['origin', 'log'] } },
    });
    const ns = notificationsOf(exec, action, makeAlias());
    expect(pairs(ns)).toEqual(['on_complete:log', 'result:origin']);
    expect(ns[1]?.message).toBe('first');
  });

  it.each<ExecutionStatus>(['succeeded', 'failed', 'timeout', 'canceled'])(
    'replies to origin for %s through an alias with no result block (StackStorm default)',
    (status) => {
      const ns = notificationsOf(makeExecution({ status }), makeAction(), makeAlias());
      expect(pairs(ns)).toEqual(['result:origin']);
    },
  );

  it('uses the default result text: headline, error, then stdout', () => {
    const e = makeExecution({ status: 'failed', error: 'exit 3', result: { stdout: 'partial\n', stderr: 'boom\n', return_code: 3 } });
    expect(notificationsOf(e, makeAction(), makeAlias())[0]?.message).toBe('ops.restart failed: exit 3\npartial\nboom');
  });

  it('keeps the {~} split of a StackStorm result format for the sinks', () => {
    const alias = makeAlias({ result: { format: 'done{~}{{ execution.result.stdout }}' } });
    const ns = notificationsOf(makeExecution({ result: { stdout: 'out' } }), makeAction(), alias);
    expect(ns[0]?.message).toBe('done{~}out');
  });

  it('renders result extra into data.extra', () => {
    const alias = makeAlias({ result: { format: 'x', extra: { slack: { color: '{{ "good" if status == "succeeded" else "danger" }}' } } } });
    expect(notificationsOf(makeExecution(), makeAction(), alias)[0]?.data).toEqual({ extra: { slack: { color: 'good' } } });
  });

  it('sends nothing to origin when result is disabled and no block names origin', () => {
    expect(notificationsOf(makeExecution(), makeAction(), makeAlias({ result: { enabled: false } }))).toEqual([]);
  });
});

describe('buildNotifications: templates over the execution', () => {
  it.each<[string, string]>([
    ['{{ execution.parameters.service }}', 'web'],
    ['{{ params.service }} on {{ env }}', 'web on prod'],
    ['{{ action }} by {{ user }} ({{ alias }})', 'ops.restart by alice (ops.restart)'],
    ['{{ execution.id }} {{ status }}', 'EX1 failed'],
    ['{{ error }}', 'exit 1'],
    ['{{ result.stdout }}', 'out'],
    ['{% for k, v in params.items() %}{{ k }}={{ v }};{% endfor %}', 'service=web;env=prod;'],
    ['{{ data.severity }}!', 'critical!'],
  ])('renders %s', (message, expected) => {
    const exec = makeExecution({ status: 'failed', error: 'exit 1', result: { stdout: 'out' } });
    const action = makeAction({ notify: { on_failure: { message, data: { severity: '{{ "critical" if env == "prod" }}' }, channels: ['ops'] } } });
    expect(notificationsOf(exec, action, undefined)[0]?.message).toBe(expected);
  });

  it('renders each data value, nested ones too, and keeps non-strings', () => {
    const action = makeAction({
      notify: { on_success: { channels: ['ops'], data: { svc: '{{ service }}', n: 3, tags: ['{{ env }}', 'x'], deep: { u: '{{ user }}' } } } },
    });
    expect(notificationsOf(makeExecution({ alias: undefined }), action, undefined)[0]?.data).toEqual({
      svc: 'web',
      n: 3,
      tags: ['prod', 'x'],
      deep: { u: 'alice' },
    });
  });

  it.each<[ExecutionStatus, string | undefined, string]>([
    ['succeeded', undefined, 'ops.restart succeeded'],
    ['failed', 'exit 2', 'ops.restart failed: exit 2'],
    ['timeout', 'timed out after 30s', 'ops.restart timeout: timed out after 30s'],
  ])('uses the default message for %s', (status, error, expected) => {
    const action = makeAction({ notify: { on_complete: { channels: ['ops'] } } });
    const ns = notificationsOf(makeExecution({ status, alias: undefined, ...(error ? { error } : {}) }), action, undefined);
    expect(ns[0]?.message).toBe(expected);
  });

  it('does not evaluate parameter values as templates', () => {
    const action = makeAction({ notify: { on_success: { message: 'got {{ service }}', channels: ['ops'] } } });
    const ns = notificationsOf(makeExecution({ alias: undefined, params: { service: '{{ 7*7 }}' } }), action, undefined);
    expect(ns[0]?.message).toBe('got {{ 7*7 }}');
  });

  it('keeps the notification when a template fails to render', () => {
    const throwing = () => {
      throw new Error('boom');
    };
    const action = makeAction({ notify: { on_success: { message: '{{ x }}', channels: ['ops'] } } });
    const ns = buildNotifications({ execution: makeExecution({ alias: undefined }), action, alias: undefined, render: throwing });
    expect(ns).toHaveLength(1);
    expect(ns[0]?.message).toContain('template error: boom');
  });
});

describe('buildNotifications: fields and ids', () => {
  it('fills every field', () => {
    const exec = makeExecution({ status: 'failed', error: 'e' });
    const [n] = notificationsOf(exec, makeAction({ notify: { on_failure: { channels: ['ops'] } } }), makeAlias());
    expect(n).toEqual({
      id: 'EX1/on_failure/ops',
      name: 'ops',
      trigger: 'on_failure',
      subject: 'ops.restart failed',
      message: 'ops.restart failed: e',
      data: {},
      status: 'failed',
      action: 'ops.restart',
      alias: 'ops.restart',
      user: 'alice',
      executionId: 'EX1',
      origin: exec.origin,
    });
  });

  it('gives the same ids whatever the attempt number: a retried execution notifies once', () => {
    const action = makeAction({ notify: allThree });
    const ids = (attempts: number) => notificationsOf(makeExecution({ status: 'failed', attempts }), action, makeAlias()).map((n) => n.id);
    expect(ids(3)).toEqual(ids(1));
    expect(ids(1)).toEqual(['EX1/on_failure/f', 'EX1/on_complete/c', 'EX1/result/origin']);
  });

  it('accepts the StackStorm `routes` synonym when the loader left it', () => {
    const action = makeAction({ notify: { on_success: { routes: ['r'], channels: ['c'] } } });
    expect(pairs(notificationsOf(makeExecution({ alias: undefined }), action, undefined))).toEqual(['on_success:c', 'on_success:r']);
  });

  it('is pure: the same input gives the same output', () => {
    const input = { execution: makeExecution({ status: 'failed' }), action: makeAction({ notify: allThree }), alias: makeAlias(), render };
    expect(buildNotifications(input)).toEqual(buildNotifications(input));
  });
});
