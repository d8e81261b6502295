import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../../../src/providers/webhook/signature.ts';

describe('signWebhook', () => {
  it('is sha256= and the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', 'k3y-secret').update('1700000000.{"a":1}').digest('hex');
    expect(signWebhook('k3y-secret', '1700000000', '{"a":1}')).toBe(`sha256=${expected}`);
  });
});

describe('verifyWebhookSignature', () => {
  const sig = signWebhook('k3y-secret', '1700000000', 'body');
  const ok = { secret: 'k3y-secret', timestamp: '1700000000', signature: sig, body: 'body', nowSeconds: 1700000010 };
  it('accepts a valid, fresh signature', () => expect(verifyWebhookSignature(ok)).toBe(true));
  it('rejects another body, secret or a stale timestamp', () => {
    expect(verifyWebhookSignature({ ...ok, body: 'body2' })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, secret: 'other-secret' })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, nowSeconds: 1700000000 + 301 })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, signature: 'sha256=00' })).toBe(false);
  });
});
