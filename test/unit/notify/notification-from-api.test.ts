import { describe, expect, it } from 'vitest';
import { notificationFromApi } from '../../../src/notify/index.ts';

describe('notificationFromApi', () => {
  it('gives one notification per channel name, chatops read as origin', () => {
    const ns = notificationFromApi({ channels: ['ops', 'chatops', 'ops'], message: 'deploy done\nall green', data: { v: 1 } }, 'req-1');
    expect(ns.map((n) => n.id)).toEqual(['req-1/api/ops', 'req-1/api/origin']);
    expect(ns[0]).toEqual({ id: 'req-1/api/ops', name: 'ops', trigger: 'api', subject: 'deploy done', message: 'deploy done\nall green', data: { v: 1 } });
  });

  it('never renders what the caller sent', () => {
    const [n] = notificationFromApi({ channels: ['ops'], message: '{{ 7*7 }}', data: { x: '{{ user }}' } }, 'r');
    expect(n?.message).toBe('{{ 7*7 }}');
    expect(n?.data).toEqual({ x: '{{ user }}' });
  });

  it('shortens a long first line for the subject', () => {
    const [n] = notificationFromApi({ channels: ['ops'], message: 'x'.repeat(300) }, 'r');
    expect(n?.subject).toHaveLength(120);
  });

  it('gives the same ids for the same request id', () => {
    const body = { channels: ['a', 'b'], message: 'm' };
    expect(notificationFromApi(body, 'k').map((n) => n.id)).toEqual(notificationFromApi(body, 'k').map((n) => n.id));
  });
});
