import { describe, expect, it } from 'vitest';
import { replyAddress } from '../../../src/providers/reply.ts';

describe('replyAddress', () => {
  it('types a stored Slack reply by its medium, records of any age alike', () => {
    const stored = { source: 'slack' as const, sender: 'U0ALICE', reply: { channel: 'C0OPS', thread_ts: '1.2', channel_name: 'slack-ops' } };
    expect(replyAddress(stored)).toEqual({ medium: 'slack', channel: 'C0OPS', thread_ts: '1.2', channel_name: 'slack-ops' });
  });

  it('answers an SMS at the sender when the stored reply names no `to`, and keeps the WhatsApp marker', () => {
    expect(replyAddress({ source: 'sms', sender: '+15551230001', reply: { channel: 'sms' } })).toEqual({ medium: 'sms', to: '+15551230001', channel: 'sms' });
    expect(replyAddress({ source: 'sms', sender: 'whatsapp:+1555', reply: { to: 'whatsapp:+1555', medium: 'whatsapp' } })).toMatchObject({
      medium: 'sms',
      via: 'whatsapp',
    });
  });

  it('keeps the email threading fields and leaves other media their own fields', () => {
    expect(replyAddress({ source: 'email', sender: 'a@x.example', reply: { to: 'a@x.example', message_id: '<m@x>', subject: 'web' } })).toEqual({
      medium: 'email',
      to: 'a@x.example',
      message_id: '<m@x>',
      subject: 'web',
    });
    expect(replyAddress({ source: 'api', sender: 'key', reply: { st2_route: 'chatops' } })).toEqual({ medium: 'api', fields: { st2_route: 'chatops' } });
    expect(replyAddress({ source: 'api', sender: 'key' })).toBeUndefined();
  });
});
