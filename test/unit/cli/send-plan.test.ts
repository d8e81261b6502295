/** How `switchboard send NAME` picks its way: notify name, channel name, or a listing of both. */
import { describe, expect, it } from 'vitest';
import { notifyNames, planSend } from '../../../src/cli/send.ts';
import type { ChannelConfig, RuleConfig } from '../../../src/config/schema.ts';

const rule = (name: string, channel: string | string[]): RuleConfig =>
  ({ name, channel, to: [{ channel: 'log' }], fallback: [], stop: false }) as unknown as RuleConfig;
const config = {
  rules: [rule('ops', 'ops'), rule('two', ['ops', 'pager']), rule('mixed', ['outbox'])],
  channels: new Map<string, ChannelConfig>([
    ['log', { name: 'log', kind: 'log' } as ChannelConfig],
    ['outbox', { name: 'outbox', kind: 'file', path: 'x' } as ChannelConfig],
  ]),
};

describe('planSend', () => {
  it('a notify name goes through the rules, a channel name straight to the channel', () => {
    expect(planSend(config, 'ops')).toEqual({ via: 'rules' });
    expect(planSend(config, 'pager')).toEqual({ via: 'rules' });
    expect(planSend(config, 'chatops')).toEqual({ via: 'rules' });
    expect(planSend(config, 'log')).toEqual({ via: 'channel' });
  });

  it('a name that is both goes through the rules, unless --target is given', () => {
    expect(planSend(config, 'outbox')).toEqual({ via: 'rules' });
    expect(planSend(config, 'outbox', 'failures')).toEqual({ via: 'channel' });
  });

  it('neither: lists both kinds of names and suggests the closest', () => {
    const plan = planSend(config, 'lgo');
    expect(plan).toEqual({
      via: 'none',
      message:
        '"lgo" is neither a notify name nor a channel: nothing to send (did you mean "log"?)\n  notify names (rules\' channel): ops, pager, outbox\n  channels: log (log), outbox (file)',
    });
    expect(planSend(config, 'zzzzzz')).toMatchObject({ message: expect.not.stringContaining('did you mean') });
    expect(planSend({ rules: [], channels: new Map() }, 'x')).toMatchObject({ message: expect.stringContaining('(none: no rules)') });
  });

  it('notifyNames: every rule channel once, in file order', () => {
    expect(notifyNames(config)).toEqual(['ops', 'pager', 'outbox']);
  });
});
