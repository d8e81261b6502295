import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookPayload } from '../../../src/providers/webhook/sink.ts';
import { webhookSink } from '../../../src/providers/webhook/sink.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../../src/providers/webhook/fake.ts';
import { sampleMessage, testDeps } from './helpers.ts';

describe('webhookSink', () => {
  let hook: WebhookReceiver;
  const signal = () => new AbortController().signal;
  beforeEach(async () => {
    hook = await startWebhookReceiver();
  });
  afterEach(() => hook.close());

  it('posts the message as JSON with a signature the receiver can verify', async () => {
    const sink = webhookSink.create(
      webhookSink.settings.parse({ name: 'hook', kind: 'webhook', url: `${hook.url}/in`, secret: 'hook-secret-1', headers: { 'X-Team': 'ops' } }),
      testDeps(),
    );
    const m = sampleMessage();
    await sink.send(m, signal());
    const req = hook.requests[0]!;
    expect(req.path).toBe('/in');
    expect(req.headers['x-team']).toBe('ops');
    expect(req.headers['x-switchboard-delivery']).toBe(m.id);
    expect(hook.verify(req, 'hook-secret-1')).toBe(true);
    expect(hook.verify(req, 'another-secret')).toBe(false);
    const payload = req.parsed as unknown as WebhookPayload;
    expect(payload).toMatchObject({ id: m.id, subject: m.subject, text: m.text, execution: m.execution });
  });

  it('sends no signature headers without a secret', async () => {
    const sink = webhookSink.create(webhookSink.settings.parse({ name: 'hook', kind: 'webhook', url: hook.url }), testDeps());
    await sink.send(sampleMessage(), signal());
    expect(hook.requests[0]?.headers['x-switchboard-signature']).toBeUndefined();
  });
});
