import { describe, expect, it } from 'vitest';
import type { Origin } from '../../../src/executions/types.ts';
import { buildOriginReply } from '../../../src/notify/index.ts';

const origin: Origin = {
  source: 'email',
  sender: 'ann@example.com',
  message_id: '<m1@example.com>',
  reply: { to: 'ann@example.com', channel: 'mail' },
} as Origin;

describe('buildOriginReply', () => {
  it('is one result notification on the origin channel name, its id from the message answered', () => {
    const a = buildOriginReply({ origin, text: 'not allowed', fallbackId: 'x' });
    const b = buildOriginReply({ origin, text: 'not allowed', fallbackId: 'y' });
    expect(a).toMatchObject({ name: 'origin', trigger: 'result', subject: 'Switchboard', message: 'not allowed', data: {}, origin });
    // a provider's retry of the same message answers under the same id, whatever the fallback
    expect(a.id).toBe(b.id);
  });

  it('prefers the reply id, then the message id, then the fallback', () => {
    const byId = buildOriginReply({ origin, text: 't', id: 'r1', fallbackId: 'x' });
    const byMessage = buildOriginReply({ origin, text: 't', fallbackId: 'x' });
    const noMessage = { ...origin, message_id: undefined } as Origin;
    const byFallback = buildOriginReply({ origin: noMessage, text: 't', fallbackId: 'x' });
    const otherFallback = buildOriginReply({ origin: noMessage, text: 't', fallbackId: 'z' });
    expect(new Set([byId.id, byMessage.id, byFallback.id]).size).toBe(3);
    expect(byFallback.id).not.toBe(otherFallback.id);
    expect(buildOriginReply({ origin, text: 't', subject: 'Re: deploy', fallbackId: 'x' }).subject).toBe('Re: deploy');
  });
});
