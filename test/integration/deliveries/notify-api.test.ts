import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRETS, startWorld, waitFor, type World } from './harness.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('POST /api/v1/notify', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
    await w.startDeliveryWorker();
  });
  afterEach(() => w.close());

  const post = (body: unknown, extra: Record<string, string> = {}) =>
    w.app.request('/api/v1/notify', {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRETS.SB_CI_KEY}`, 'content-type': 'application/json', ...extra },
      body: JSON.stringify(body),
    });

  it('answers 202 with the queued deliveries and the unrouted names, then delivers', async () => {
    const res = await post({ channels: ['slack', 'nobody'], message: 'deploy done', data: { version: '1.2.3' } });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; deliveries: { id: string; channel: string; target?: string; rule: string }[]; unrouted: string[] };
    expect(body.id).toEqual(expect.any(String));
    expect(body.deliveries).toEqual([
      { id: expect.stringMatching(/^d-[0-9a-f]{32}$/), channel: 'slack-ops', target: '#incidents', rule: 'failures reach ops' },
    ]);
    expect(body.unrouted).toEqual(['nobody']);
    await waitFor(() => w.slack.messages.length === 1, 'the Slack message');
  });

  it('sends a request repeated with the same Idempotency-Key once', async () => {
    const first = await post({ channels: ['hooks'], message: 'once' }, { 'idempotency-key': 'req-1' });
    const again = await post({ channels: ['hooks'], message: 'once' }, { 'idempotency-key': 'req-1' });
    expect(first.status).toBe(202);
    expect(((await again.json()) as { deliveries: unknown[] }).deliveries).toEqual(((await first.json()) as { deliveries: unknown[] }).deliveries);
    await waitFor(() => w.hook.delivered() === 1, 'the delivery');
    await sleep(1000);
    expect(w.hook.requests).toHaveLength(1);
  });

  it('refuses a body without channels with 422 and a request without a key with 401', async () => {
    const bad = await post({ message: 'x' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('channels');
    const anon = await w.app.request('/api/v1/notify', { method: 'POST', body: '{}' });
    expect(anon.status).toBe(401);
  });

  it('answers an ingress directly in the conversation the command came from (replyToOrigin)', async () => {
    const origin = { source: 'slack' as const, sender: 'U0ALICE', reply: { channel: '#ops', thread_ts: '1503435956.000001' }, message_id: 'ev-1' };
    await w.deliveries.replyToOrigin(origin, 'No alias matches. Did you mean: run <code>?');
    await w.deliveries.replyToOrigin(origin, 'No alias matches. Did you mean: run <code>?');
    await waitFor(() => w.slack.messages.length === 1, 'the reply');
    await sleep(1000);
    expect(w.slack.messages).toHaveLength(1);
    expect(w.slack.messages[0]).toMatchObject({ channel: '#ops', thread_ts: '1503435956.000001' });
  });
});
