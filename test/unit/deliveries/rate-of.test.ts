import { describe, expect, it } from 'vitest';
import { channelSchema } from '../../../src/config/schema.ts';
import { rateOf } from '../../../src/deliveries/rate-limit.ts';

const channel = (c: Record<string, unknown>) => channelSchema.parse(c);

describe('rateOf', () => {
  it('paces Slack at one message per second per conversation by default', () => {
    expect(rateOf(channel({ name: 's', kind: 'slack', token: 'xoxb-1' }))).toEqual({ max: 1, perSeconds: 1, perTarget: true });
  });

  it('paces SMS at one message per second per sender by default', () => {
    expect(rateOf(channel({ name: 't', kind: 'sms', account_sid: 'AC1', auth_token: 'tok', from: '+15550001111' }))).toEqual({
      max: 1,
      perSeconds: 1,
      perTarget: false,
    });
  });

  it('takes the channel rate_limit over the default, keeping the per-target scope', () => {
    expect(rateOf(channel({ name: 's', kind: 'slack', token: 'xoxb-1', rate_limit: { max: 5, per_seconds: 2 } }))).toEqual({
      max: 5,
      perSeconds: 2,
      perTarget: true,
    });
  });

  it('leaves a channel without a default or a setting unlimited', () => {
    expect(rateOf(channel({ name: 'l', kind: 'log' }))).toBeUndefined();
  });
});
