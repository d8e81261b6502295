import { describe, expect, it } from 'vitest';
import { routeNotification, toOutboundMessage } from '../../../src/routing/index.ts';
import type { Notification } from '../../../src/notify/index.ts';
import type { Origin } from '../../../src/executions/types.ts';
import { makeChannels, makeRules } from '../notify/helpers.ts';

const channels = makeChannels([
  { name: 'log', kind: 'log' },
  { name: 'outbox', kind: 'file' },
  { name: 'slack-ops', kind: 'slack', token: 'xoxb-1', default_target: '#ops' },
  { name: 'slack-other', kind: 'slack', token: 'xoxb-2' },
  { name: 'github-ops', kind: 'github', token: 'ghp-1', repo: 'acme/ops' },
  { name: 'email-ops', kind: 'email', from: 'sb@example.com' },
  { name: 'twilio', kind: 'sms', account_sid: 'AC1', auth_token: 't', from: '+15550000000' },
]);

function notification(over: Partial<Notification> = {}): Notification {
  return {
    id: 'EX1/on_failure/ops',
    name: 'ops',
    trigger: 'on_failure',
    subject: 'ops.restart failed',
    message: 'ops.restart failed: exit 1',
    data: { severity: 'critical' },
    status: 'failed',
    action: 'ops.restart',
    alias: 'ops.restart',
    user: 'alice',
    executionId: 'EX1',
    ...over,
  };
}

const targets = (plan: ReturnType<typeof routeNotification>) => plan.deliveries.map((d) => `${d.channel}>${d.target ?? '-'}@${d.rule}`);

describe('routeNotification: rules', () => {
  const rules = makeRules([
    {
      name: 'crit',
      channel: ['ops', 'pager'],
      when: { status: ['failed', 'timeout'], action: 'ops.*', 'data.severity': 'critical' },
      to: [{ channel: 'slack-ops', target: '#incidents' }],
    },
    { name: 'all', channel: 'ops', to: [{ channel: 'log' }, { channel: 'slack-ops' }] },
    { name: 'failures', channel: 'ops', when: { status: 'failed' }, to: [{ channel: 'outbox', target: 'failures' }] },
    { name: 'db only', channel: 'ops', when: { action: 'db.*' }, to: [{ channel: 'outbox', target: 'db' }] },
    { name: 'other name', channel: 'bugs', to: [{ channel: 'github-ops' }] },
  ]);

  it.each<[string, Partial<Notification>, string[], string[]]>([
    [
      'every matching rule fires, in file order (fan-out)',
      {},
      ['crit', 'all', 'failures'],
      ['slack-ops>#incidents@crit', 'log>-@all', 'slack-ops>#ops@all', 'outbox>failures@failures'],
    ],
    ['conditions filter rules', { data: { severity: 'low' } }, ['all', 'failures'], ['log>-@all', 'slack-ops>#ops@all', 'outbox>failures@failures']],
    ['a glob on action', { action: 'db.backup', status: 'succeeded' }, ['all', 'db only'], ['log>-@all', 'slack-ops>#ops@all', 'outbox>db@db only']],
    ['only rules naming the channel', { name: 'bugs' }, ['other name'], ['github-ops>-@other name']],
    ['a rule with several channel names', { name: 'pager' }, ['crit'], ['slack-ops>#incidents@crit']],
  ])('%s', (_, over, matched, expected) => {
    const plan = routeNotification(notification(over), rules, channels);
    expect(plan.matched.map((m) => m.rule)).toEqual(matched);
    expect(targets(plan)).toEqual(expected);
    expect(plan.unrouted).toBe(false);
  });

  it('stops after a matching rule with stop: true', () => {
    const withStop = makeRules([
      { name: 'skip', channel: 'ops', when: { status: 'succeeded' }, stop: true, to: [{ channel: 'outbox' }] },
      { name: 'first', channel: 'ops', stop: true, to: [{ channel: 'log' }] },
      { name: 'never', channel: 'ops', to: [{ channel: 'outbox' }] },
    ]);
    const plan = routeNotification(notification(), withStop, channels);
    expect(plan.matched).toEqual([{ rule: 'first', index: 1, stop: true }]);
    expect(targets(plan)).toEqual(['log>-@first']);
  });

  it('sends identical (channel, target) deliveries once, target absent = default_target', () => {
    const dup = makeRules([
      { name: 'a', channel: 'ops', to: [{ channel: 'slack-ops' }, { channel: 'slack-ops', target: '#ops' }] },
      {
        name: 'b',
        channel: 'ops',
        to: [
          { channel: 'slack-ops', target: '#ops', labels: ['x'] },
          { channel: 'slack-ops', target: '#dev' },
        ],
      },
    ]);
    const plan = routeNotification(notification(), dup, channels);
    expect(targets(plan)).toEqual(['slack-ops>#ops@a', 'slack-ops>#dev@b']);
    expect(plan.deliveries[0]?.options).toEqual({});
    expect(plan.notes).toHaveLength(2);
  });

  it('carries the rule fallback and the extra keys of the `to` entry', () => {
    const r = makeRules([
      {
        name: 'gh',
        channel: 'ops',
        to: [{ channel: 'github-ops', labels: ['incident'] }, { channel: 'slack-ops' }],
        fallback: [
          { channel: 'email-ops', target: 'oncall@example.com' },
          { channel: 'email-ops', target: 'oncall@example.com' },
          { channel: 'outbox', labels: ['high'] },
        ],
      },
    ]);
    const plan = routeNotification(notification(), r, channels);
    const [gh, slack] = plan.deliveries;
    expect(gh).toMatchObject({ channel: 'github-ops', kind: 'github', rule: 'gh', options: { labels: ['incident'] } });
    expect(gh?.target).toBeUndefined();
    expect(gh?.fallback.map((f) => `${f.channel}>${f.target ?? '-'}`)).toEqual(['email-ops>oncall@example.com', 'outbox>-']);
    expect(gh?.fallback[1]).toMatchObject({ kind: 'file', rule: 'gh', options: { labels: ['high'] } });
    expect(slack?.fallback.map((f) => f.id)).toEqual(gh?.fallback.map((f) => f.id));
    expect(gh?.fallback[0]?.id).not.toBe(gh?.id);
  });

  it('adds the fallbacks of a duplicate to the delivery that was kept', () => {
    const r = makeRules([
      { name: 'a', channel: 'ops', to: [{ channel: 'log' }] },
      { name: 'b', channel: 'ops', to: [{ channel: 'log' }], fallback: [{ channel: 'outbox' }] },
    ]);
    const plan = routeNotification(notification(), r, channels);
    expect(plan.deliveries).toHaveLength(1);
    expect(plan.deliveries[0]?.fallback.map((f) => f.channel)).toEqual(['outbox']);
  });

  it.each<[string, Record<string, unknown>[]]>([
    ['no rule names it', [{ name: 'x', channel: 'other', to: [{ channel: 'log' }] }]],
    ['conditions exclude it', [{ name: 'x', channel: 'ops', when: { status: 'succeeded' }, to: [{ channel: 'log' }] }]],
    ['no rules at all', []],
  ])('reports an unrouted notification when %s', (_, raws) => {
    const plan = routeNotification(notification(), makeRules(raws), channels);
    expect(plan).toMatchObject({ unrouted: true, deliveries: [], matched: [] });
    expect(plan.notes.join()).toContain('no rule matches');
  });
});

describe('routeNotification: the built-in origin', () => {
  const origin = (o: Origin) => notification({ id: 'EX1/result/origin', name: 'origin', trigger: 'result', origin: o });

  it.each<[string, Origin, string | undefined, Record<string, string> | undefined]>([
    ['sms replies to the sender on the first sms channel', { source: 'sms', sender: '+15551230001' }, 'twilio>+15551230001@(origin)', undefined],
    [
      'email replies in thread',
      { source: 'email', sender: 'alice@example.com', reply: { message_id: '<m1@x>', subject: 'restart web' } },
      'email-ops>alice@example.com@(origin)',
      { message_id: '<m1@x>', subject: 'restart web' },
    ],
    [
      'slack replies in the conversation on the first slack channel',
      { source: 'slack', sender: 'U0ALICE', reply: { channel: 'C1', thread_ts: '1.2' } },
      'slack-ops>C1@(origin)',
      { channel: 'C1', thread_ts: '1.2' },
    ],
    ['slack without a conversation: DM the sender', { source: 'slack', sender: 'U0ALICE' }, 'slack-ops>U0ALICE@(origin)', undefined],
    ['api: nothing is sent', { source: 'api', sender: 'ci' }, undefined, undefined],
    ['cli: nothing is sent', { source: 'cli', sender: 'alice' }, undefined, undefined],
  ])('%s', (_, o, expected, replyTo) => {
    const plan = routeNotification(origin(o), [], channels);
    expect(targets(plan)).toEqual(expected ? [expected] : []);
    expect(plan.deliveries[0]?.replyTo).toEqual(replyTo);
    expect(plan.unrouted).toBe(false);
    if (!expected) expect(plan.notes.join()).toContain(`origin is ${o.source}`);
  });

  it('treats chatops as origin', () => {
    const plan = routeNotification({ ...origin({ source: 'sms', sender: '+1' }), name: 'chatops' }, [], channels);
    expect(targets(plan)).toEqual(['twilio>+1@(origin)']);
  });

  it('is unrouted when no channel answers the medium', () => {
    const plan = routeNotification(origin({ source: 'sms', sender: '+1' }), [], makeChannels([{ name: 'log', kind: 'log' }]));
    expect(plan.unrouted).toBe(true);
    expect(plan.notes).toEqual(['origin: no channel of kind sms to reply to a sms origin']);
  });

  it('is unrouted without an origin (an API notification to origin)', () => {
    const plan = routeNotification(notification({ name: 'origin', origin: undefined }), [], channels);
    expect(plan.unrouted).toBe(true);
  });

  it('also fires rules that name origin or chatops, after the built-in reply', () => {
    const r = makeRules([
      { name: 'copy', channel: 'chatops', to: [{ channel: 'log' }] },
      { name: 'same', channel: 'origin', to: [{ channel: 'twilio', target: '+15551230001' }] },
    ]);
    const plan = routeNotification(origin({ source: 'sms', sender: '+15551230001' }), r, channels);
    expect(targets(plan)).toEqual(['twilio>+15551230001@(origin)', 'log>-@copy']);
    expect(plan.notes.join()).toContain('already planned by the origin reply');
  });
});

describe('toOutboundMessage', () => {
  it('maps a notification and a delivery to what a sink receives', () => {
    const n = notification({ origin: { source: 'slack', sender: 'U1', reply: { channel: 'C1', thread_ts: '1.2' } }, name: 'origin' });
    const plan = routeNotification(n, makeRules([{ name: 'gh', channel: 'origin', to: [{ channel: 'github-ops', labels: ['x'] }] }]), channels);
    const [reply, gh] = plan.deliveries;
    expect(toOutboundMessage(n, reply!)).toEqual({
      id: reply!.id,
      channel: 'slack-ops',
      target: 'C1',
      subject: 'ops.restart failed',
      text: 'ops.restart failed: exit 1',
      data: { severity: 'critical' },
      execution: { id: 'EX1', status: 'failed', action: 'ops.restart', alias: 'ops.restart', user: 'alice' },
      replyTo: { channel: 'C1', thread_ts: '1.2' },
    });
    expect(toOutboundMessage(n, gh!)).toMatchObject({ channel: 'github-ops', options: { labels: ['x'] } });
    expect(toOutboundMessage(n, gh!).target).toBeUndefined();
  });

  it('leaves execution out for an API notification', () => {
    const n: Notification = { id: 'r/api/ops', name: 'ops', trigger: 'api', subject: 's', message: 'm', data: {} };
    const plan = routeNotification(n, makeRules([{ name: 'a', channel: 'ops', to: [{ channel: 'log' }] }]), channels);
    expect(toOutboundMessage(n, plan.deliveries[0]!)).toEqual({ id: plan.deliveries[0]!.id, channel: 'log', subject: 's', text: 'm', data: {} });
  });
});

describe('routeNotification: fallback to itself', () => {
  it('drops a fallback identical to the delivery it backs up', () => {
    const r = makeRules([{ name: 'a', channel: 'ops', to: [{ channel: 'log' }, { channel: 'outbox' }], fallback: [{ channel: 'outbox' }] }]);
    const [log, outbox] = routeNotification(notification(), r, channels).deliveries;
    expect(log?.fallback.map((f) => f.channel)).toEqual(['outbox']);
    expect(outbox?.fallback).toEqual([]);
  });
});
