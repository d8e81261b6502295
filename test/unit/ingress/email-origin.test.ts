import { describe, expect, it } from 'vitest';
import type { ChannelConfig } from '../../../src/config/schema.ts';
import { emailIdempotencyKey, emailOrigin } from '../../../src/providers/email/inbound.ts';
import { routeOrigin } from '../../../src/routing/index.ts';

const cmd = { sender: 'alice@example.test', text: 'restart web', subject: 'web is down', messageId: '<m2@x>', references: ['<m0@x>', '<m1@x>'] };

describe('emailOrigin', () => {
  it('carries what a reply in the same thread needs', () => {
    expect(emailOrigin(cmd, 'email-in', 'verified')).toEqual({
      source: 'email',
      sender: 'alice@example.test',
      message_id: '<m2@x>',
      proof: 'verified',
      reply: { to: 'alice@example.test', subject: 'web is down', channel: 'email-in', message_id: '<m2@x>', references: '<m0@x> <m1@x>' },
    });
  });

  it('keeps the proof, and answers the normalised address (never `mailto:` or a display name)', () => {
    expect(emailOrigin({ ...cmd, sender: 'mailto:Alice@Example.test' }, 'email-in', 'unverified')).toMatchObject({
      sender: 'alice@example.test',
      proof: 'unverified',
      reply: { to: 'alice@example.test' },
    });
  });

  it('uses the command as subject when the mail had none, and no thread without a Message-ID', () => {
    const { messageId: _none, ...bare } = cmd;
    expect(emailOrigin({ ...bare, subject: '' }, 'email-in', 'verified').reply).toEqual({
      to: 'alice@example.test',
      subject: 'restart web',
      channel: 'email-in',
    });
  });
});

describe('emailIdempotencyKey', () => {
  it('is the Message-ID, else a digest', () => {
    expect(emailIdempotencyKey(cmd, 'raw')).toBe('email:<m2@x>');
    const { messageId: _none, ...bare } = cmd;
    expect(emailIdempotencyKey(bare, 'raw')).toMatch(/^email:sha256:[0-9a-f]{64}$/);
  });
});

describe('routeOrigin for email', () => {
  const channels = new Map<string, ChannelConfig>(
    (['email-a', 'email-b'] as const).map((name) => [name, { name, kind: 'email', from: `${name}@sb.test` } as ChannelConfig]),
  );
  const n = (channel: string) => ({
    id: 'e1/result/origin',
    name: 'origin',
    trigger: 'result' as const,
    subject: 's',
    message: 'm',
    data: {},
    origin: emailOrigin(cmd, channel, 'verified'),
  });

  it('answers from the channel the command arrived on', () => {
    expect(routeOrigin(n('email-b'), channels).delivery).toMatchObject({ channel: 'email-b', target: 'alice@example.test', replyTo: { message_id: '<m2@x>' } });
  });

  it('falls back to the first email channel when that one is gone', () => {
    expect(routeOrigin(n('removed'), channels).delivery?.channel).toBe('email-a');
  });
});
