import { describe, expect, it } from 'vitest';
import { channelSchema, type ChannelConfig, type RuleConfig } from '../../../src/config/schema.ts';
import { deliveryJobOptions, deliveryJobs, fallbackJobData } from '../../../src/deliveries/job.ts';
import { notificationFromApi } from '../../../src/notify/index.ts';
import { routeNotification } from '../../../src/routing/index.ts';

const channels = new Map<string, ChannelConfig>(
  [
    { name: 'slack-ops', kind: 'slack', token: 'xoxb-1', default_target: '#ops' },
    { name: 'hooks', kind: 'webhook', url: 'http://127.0.0.1:1/hook' },
  ].map((c) => [c.name, channelSchema.parse(c)]),
);
const rules = [{ name: 'r', channel: ['slack'], to: [{ channel: 'slack-ops' }], fallback: [{ channel: 'hooks' }], stop: false }] as unknown as RuleConfig[];

describe('deliveryJobs', () => {
  const [n] = notificationFromApi({ channels: ['slack'], message: 'hello' }, 'req-1');
  const jobs = deliveryJobs(n!, routeNotification(n!, rules, channels));

  it('gives one job per planned delivery, its deterministic id a valid BullMQ job id', () => {
    expect(jobs).toHaveLength(1);
    const id = jobs[0]!.message.id;
    expect(id).toMatch(/^d-[0-9a-f]{32}$/);
    expect(id).not.toContain(':');
    expect(deliveryJobs(n!, routeNotification(n!, rules, channels))[0]!.message.id).toBe(id);
    expect(deliveryJobOptions(id)).toMatchObject({ jobId: id, backoff: { type: 'delivery' } });
  });

  it('carries the rendered fallback deliveries with their own ids', () => {
    const fb = jobs[0]!.fallback;
    expect(fb).toHaveLength(1);
    expect(fb[0]!.message.id).toMatch(/^f-[0-9a-f]{32}$/);
    expect(fb[0]!.message.text).toBe('hello');
  });

  it('tells a fallback delivery which delivery failed and why', () => {
    const data = fallbackJobData(jobs[0]!, jobs[0]!.fallback[0]!, 'slack: channel_not_found');
    expect(data.fallback).toEqual([]);
    expect(data.fallbackFor).toEqual({ id: jobs[0]!.message.id, channel: 'slack-ops', error: 'slack: channel_not_found' });
    expect(data.message.data).toEqual({ fallback_for: { channel: 'slack-ops', error: 'slack: channel_not_found' } });
  });
});
