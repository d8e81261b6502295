import { describe, expect, it } from 'vitest';
import { sourceOf } from '../../../src/deliveries/fairness.ts';
import { queueOf, type DeliveryJobData } from '../../../src/deliveries/job.ts';
import type { NotifyTrigger } from '../../../src/notify/types.ts';

const job = (trigger: NotifyTrigger, over: Partial<DeliveryJobData> = {}): DeliveryJobData => ({
  message: { id: 'd-1', channel: 'hooks', subject: 's', text: 't', data: {} },
  kind: 'webhook',
  rule: 'r',
  trigger,
  fallback: [],
  ...over,
});

describe('queueOf', () => {
  it('sends answers to commands to the replies queue, everything else to the bulk queue', () => {
    for (const t of ['ack', 'result', 'progress'] as const) expect(queueOf(job(t))).toBe('replies');
    for (const t of ['on_success', 'on_failure', 'on_complete', 'api', 'alert', 'digest'] as const) expect(queueOf(job(t))).toBe('deliveries');
  });

  it('counts anything sent back to the origin as an answer, whatever its trigger', () => {
    expect(queueOf(job('on_success', { rule: '(origin)' }))).toBe('replies');
  });
});

describe('sourceOf', () => {
  it('names the alert channel, the API key, the action or the digest recipient', () => {
    const alert = { id: 'a1', code: '4821', fingerprint: 'f', status: 'firing' as const, channel: 'am-prod' };
    expect(sourceOf(job('alert', { message: { ...job('alert').message, alert } }))).toBe('alert:am-prod');
    expect(sourceOf(job('api'), 'ci-bot')).toBe('api:ci-bot');
    expect(sourceOf(job('api'), 'other')).not.toBe(sourceOf(job('api'), 'ci-bot'));
    const execution = { id: 'e1', status: 'failed', action: 'ops.restart' };
    expect(sourceOf(job('on_failure', { message: { ...job('on_failure').message, execution } }))).toBe('action:ops.restart');
    expect(sourceOf(job('digest', { message: { ...job('digest').message, target: '+1555' } }))).toBe('digest:hooks:+1555');
  });
});
