import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failedExecution, startWorld, waitFor, type World } from './harness.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('delivery retries', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
    await w.startDeliveryWorker();
  });
  afterEach(() => w.close());

  it('delivers exactly once to a sink that answers 500 twice, then 200', async () => {
    w.hook.plan.push({ status: 500, body: 'boom' }, { status: 500, body: 'boom' });
    const res = await w.deliveries.notify({ channels: ['hooks'], message: 'deploy done' });
    expect(res.deliveries).toHaveLength(1);
    await waitFor(() => w.hook.delivered() === 1, 'the delivery');
    await sleep(1500);
    expect(w.hook.requests).toHaveLength(3);
    expect(w.hook.delivered()).toBe(1);
    expect(w.hook.requests.map((r) => r.answeredWith)).toEqual([500, 500, 200]);
  });

  it('retries a 429 with Retry-After: 2 no sooner than 2 s after it', async () => {
    w.hook.plan.push({ status: 429, headers: { 'retry-after': '2' }, body: 'slow down' });
    await w.deliveries.notify({ channels: ['hooks'], message: 'rate limited' });
    await waitFor(() => w.hook.delivered() === 1, 'the retried delivery');
    const [first, second] = w.hook.times as [number, number];
    expect(w.hook.times).toHaveLength(2);
    expect(second - first).toBeGreaterThanOrEqual(2000);
  });

  it('does not retry a permanent error and hands the message to the fallback channel', async () => {
    w.slack.platformErrorNext('channel_not_found');
    const exec = failedExecution('perm0001');
    await w.deliveries.notifyExecution(exec);
    await waitFor(() => w.hook.delivered() === 1, 'the fallback delivery');
    await sleep(1500);
    expect(w.slack.requests.filter((r) => r.path.endsWith('chat.postMessage'))).toHaveLength(1);
    expect(w.slack.messages).toHaveLength(0);
    const body = w.hook.requests[0]!.parsed as { target: string; text: string; data: { fallback_for: { channel: string; error: string } } };
    expect(body.target).toBe('fallback');
    expect(body.text).toContain('ops.run failed');
    expect(body.data.fallback_for.channel).toBe('slack-ops');
    expect(body.data.fallback_for.error).toContain('channel_not_found');
  });

  it('creates one GitHub issue and one comment when the same notifications fire twice', async () => {
    const a = failedExecution('dupa0001');
    const b = failedExecution('dupb0001');
    await w.deliveries.notifyExecution(a);
    await w.deliveries.notifyExecution(a);
    await waitFor(() => w.github.issues.length === 1, 'the issue');
    await w.deliveries.notifyExecution(b);
    await w.deliveries.notifyExecution(a);
    await w.deliveries.notifyExecution(b);
    await waitFor(() => w.github.issues[0]?.comments.length === 1 && w.slack.messages.length === 2, 'the comment');
    await sleep(1500);
    expect(w.github.issues).toHaveLength(1);
    expect(w.github.issues[0]!.comments).toHaveLength(1);
    expect(w.slack.messages).toHaveLength(2);
  });

  it('cuts an SMS over its segment budget at a word and ends it with the execution id', async () => {
    const long = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
    const exec = failedExecution('smsx0001', { status: 'succeeded', error: undefined, result: { stdout: long, stderr: '', return_code: 0 } });
    await w.deliveries.notifyExecution({ ...exec, alias: 'acked' });
    await waitFor(() => w.twilio.messages.length === 1, 'the SMS');
    const body = w.twilio.messages[0]!.body;
    expect(body.length).toBeLessThanOrEqual(160);
    expect(body).toContain('smsx0001');
    const words = body
      .replace(/smsx0001.*$/s, '')
      .trim()
      .split(/\s+/)
      .filter((x) => /^word/.test(x));
    for (const word of words.map((x) => x.replace(/[^a-z0-9]/g, ''))) expect(long.split(' ')).toContain(word);
  });
});
