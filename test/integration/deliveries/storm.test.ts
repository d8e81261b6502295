/**
 * Storms never starve commands (issue 15 item 4): answers to commands have their own queue and
 * worker capacity, the bulk queue is served fairly per source, and bulk notifications are refused
 * (429 backlog_full, Retry-After) before the bulk queue grows without bound.
 */
import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileAliases } from '../../../src/aliases/index.ts';
import { createApp } from '../../../src/app.ts';
import { toAliasSpecs } from '../../../src/config/index.ts';
import type { Config } from '../../../src/config/types.ts';
import { createCommandGate } from '../../../src/deliveries/command-gate.ts';
import { listDeadLetters, retryDeadLetter } from '../../../src/deliveries/dead-letters.ts';
import { DELIVERY_QUEUE, deliveryKeys, REPLY_QUEUE } from '../../../src/deliveries/keys.ts';
import { createLedger } from '../../../src/deliveries/ledger.ts';
import { createDeliveryService } from '../../../src/deliveries/service.ts';
import type { DeliveryService } from '../../../src/deliveries/types.ts';
import { startDeliveryWorker } from '../../../src/deliveries/worker.ts';
import { createMetrics } from '../../../src/metrics.ts';
import { readHealth } from '../../../src/web/queue-health.ts';
import { lazyQueues } from '../../../src/web/queues.ts';
import { SECRETS, startWorld, waitFor, type World } from './harness.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** `n` notifications to the `hooks` channel (one bulk delivery each), `batch` at a time */
async function flood(deliveries: DeliveryService, n: number, source: string, batch = 200): Promise<void> {
  for (let i = 0; i < n; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, (_, k) => deliveries.notify({ channels: ['hooks'], message: `${source} ${i + k}`, source })),
    );
  }
}

describe('storms never starve commands', () => {
  let w: World;
  let bulk: Queue;
  let replies: Queue;
  beforeEach(async () => {
    w = await startWorld();
    const prefix = deliveryKeys(w.config.main.redis.prefix).prefix;
    bulk = new Queue(DELIVERY_QUEUE, { connection: { url: REDIS_URL }, prefix });
    replies = new Queue(REPLY_QUEUE, { connection: { url: REDIS_URL }, prefix });
    // connected before the floods' concurrent calls (each would otherwise wait for `ready` on its own)
    await w.deliveries.pressure();
  });
  afterEach(async () => {
    await bulk.close();
    await replies.close();
    await w.close();
  });

  it('answers a command while thousands of bulk deliveries hold every bulk worker slot on a sink that never answers', async () => {
    // every webhook request hangs: the bulk worker's slots all wait on the sink
    for (let i = 0; i < 5000; i++) w.hook.plan.push({ status: 200, hang: true });
    await flood(w.deliveries, 3000, 'storm');
    await w.startExecutionWorker();
    await w.startDeliveryWorker();
    // the bulk worker took its slots (default concurrency 20) and they hang
    await waitFor(() => w.hook.requests.length >= 20, 'the bulk worker busy on the hanging sink');

    const out = await w.command('acked 0');
    if (out.kind !== 'queued') throw new Error(`not queued: ${out.kind}`);
    await waitFor(() => w.twilio.messages.some((m) => m.body.startsWith(`On it: ${out.execution.id}`)), 'the ack SMS', 20_000);
    await waitFor(() => w.twilio.messages.some((m) => m.body.includes('running')), 'the result SMS', 20_000);

    // answered by the replies queue, not by the bulk ahead of it: no bulk delivery went out, and the
    // bulk queue still holds (nearly) all of the storm
    expect(w.hook.delivered()).toBe(0);
    const left = await bulk.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
    expect(Object.values(left).reduce((a, b) => a + b, 0)).toBeGreaterThan(2900);
    // the result SMS has arrived; its job is completed a moment later (after the ledger records it)
    await waitFor(async () => ((await replies.getJobCounts('completed')).completed ?? 0) >= 2, 'both replies completed', 20_000);
    expect(await bulk.getJob((await replies.getJobs(['completed'], 0, 0))[0]!.id!)).toBeUndefined();
  });

  it('starts no bulk send while command work is in flight in the process (command gate), answers still going out', async () => {
    await flood(w.deliveries, 50, 'storm');
    const gate = createCommandGate();
    // a command being handled here (an ingress request, an execution): bulk sends wait for its end
    const exit = gate.enter();
    const worker = await startDeliveryWorker({ config: w.config, logger: w.logger, gate, gateWaitMs: 60_000, sendTimeoutMs: 5000, shutdownGraceSeconds: 1 });
    try {
      await w.deliveries.replyToOrigin({ source: 'sms', sender: '+15551230001', message_id: 'SM-gate-1' }, 'answer while gated');
      await waitFor(() => w.twilio.messages.some((m) => m.body.includes('answer while gated')), 'the answer', 20_000);
      // the answer was counted while it was delivered, and is no longer once its ledger entry is written
      await waitFor(() => gate.busy() === 1, "the answer's delivery ended");
      expect(w.hook.delivered()).toBe(0);
      exit();
      await waitFor(() => w.hook.delivered() >= 50, 'the bulk once the command ended', 30_000);
      expect(w.hook.delivered()).toBe(50);
    } finally {
      exit();
      await worker.close();
    }
  });

  it("sends an execution's outcome notifications while command work holds the gate, the other bulk still waiting", async () => {
    await flood(w.deliveries, 20, 'storm');
    const gate = createCommandGate();
    // the next commands' executions in flight in this (worker) process
    const exit = gate.enter();
    const worker = await startDeliveryWorker({ config: w.config, logger: w.logger, gate, gateWaitMs: 60_000, sendTimeoutMs: 5000, shutdownGraceSeconds: 1 });
    try {
      const now = new Date().toISOString();
      await w.deliveries.notifyExecution({
        id: 'gateout1',
        status: 'failed',
        action: 'ops.run',
        params: { code: 1 },
        created_at: now,
        started_at: now,
        finished_at: now,
        attempts: 1,
        deliveries: [],
        error: 'exit 1',
      });
      // on_failure: Slack and the bug tracker, both bulk deliveries, neither held by the gate
      await waitFor(() => w.slack.messages.length === 1, 'the on_failure message on Slack', 20_000);
      expect(w.slack.messages[0]!.text ?? JSON.stringify(w.slack.messages[0]!.blocks)).toContain('ops.run failed');
      expect(w.hook.delivered()).toBe(0);
      exit();
      await waitFor(() => w.hook.delivered() >= 20, 'the bulk once the command ended', 30_000);
    } finally {
      exit();
      await worker.close();
    }
  });

  it('serves the bulk queue fairly per source: a quiet source waits behind one job of a flood, not all of it', async () => {
    await flood(w.deliveries, 200, 'loud');
    await flood(w.deliveries, 5, 'quiet');
    // one send at a time: the order of arrival is the order the queue hands out
    const worker = await startDeliveryWorker({ config: w.config, logger: w.logger, concurrency: 1, sendTimeoutMs: 5000, shutdownGraceSeconds: 1 });
    try {
      await waitFor(() => w.hook.delivered() >= 205, 'every delivery', 30_000);
    } finally {
      await worker.close();
    }
    const texts = w.hook.requests.map((r) => String((r.parsed as { text?: string } | undefined)?.text));
    const quiet = texts.flatMap((t, i) => (t.startsWith('quiet') ? [i] : []));
    expect(quiet).toHaveLength(5);
    // round robin: loud 0, quiet 0, loud 1, quiet 1, ... (FIFO would put them at 200..204)
    expect(Math.max(...quiet)).toBeLessThanOrEqual(10);
    // and every one of the 205 exactly once
    expect(new Set(texts).size).toBe(205);
  });
});

describe('backpressure on bulk notifications', () => {
  const MAX = 20;
  let w: World;
  let config: Config;
  let deliveries: DeliveryService;
  let bulk: Queue;
  beforeEach(async () => {
    w = await startWorld();
    config = { ...w.config, main: { ...w.config.main, deliveries: { ...w.config.main.deliveries, max_backlog: MAX } } };
    deliveries = createDeliveryService({ config, logger: w.logger });
    bulk = new Queue(DELIVERY_QUEUE, { connection: { url: REDIS_URL }, prefix: deliveryKeys(config.main.redis.prefix).prefix });
  });
  afterEach(async () => {
    await bulk.close();
    await deliveries.close();
    await w.close();
  });

  it('answers notify 429 backlog_full with Retry-After once max_backlog waits, while commands still queue and are answered', async () => {
    const { matcher } = compileAliases(toAliasSpecs(config));
    const app = createApp({ config, matcher, executions: w.executions, deliveries, logger: w.logger });
    const auth = { authorization: `Bearer ${SECRETS.SB_CI_KEY}`, 'content-type': 'application/json' };
    const notify = (message: string, extra: Record<string, string> = {}) =>
      app.request('/api/v1/notify', { method: 'POST', headers: { ...auth, ...extra }, body: JSON.stringify({ channels: ['hooks'], message }) });

    // nothing drains the bulk queue (paused for every worker); answers have their own queue
    await bulk.pause();
    for (let i = 0; i < MAX; i++) expect((await notify(`n ${i}`)).status).toBe(202);
    // past the ~250 ms the count is reused for
    await new Promise((r) => setTimeout(r, 300));
    const refused = await notify('one too many', { 'idempotency-key': 'late-1' });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({
      error: { code: 'backlog_full', message: expect.stringContaining('max_backlog') },
      waiting: MAX,
      retry_after: retryAfter,
    });
    expect(await deliveries.pressure()).toMatchObject({ ok: false, waiting: MAX });

    // a command over the API queues; one from SMS queues and gets its ack and result back
    await w.startExecutionWorker();
    const worker = await startDeliveryWorker({ config, logger: w.logger, sendTimeoutMs: 5000, shutdownGraceSeconds: 1 });
    try {
      const cmd = await app.request('/api/v1/commands', { method: 'POST', headers: auth, body: JSON.stringify({ text: 'acked 0' }) });
      expect(cmd.status).toBe(202);
      const sms = await w.command('acked 0', 'sms-1');
      if (sms.kind !== 'queued') throw new Error(`not queued: ${sms.kind}`);
      await waitFor(() => w.twilio.messages.some((m) => m.body.startsWith(`On it: ${sms.execution.id}`)), 'the ack SMS', 20_000);
      await waitFor(() => w.twilio.messages.some((m) => m.body.includes('running')), 'the result SMS', 20_000);
      expect(w.hook.delivered()).toBe(0);

      // the refused request left its Idempotency-Key free: accepted once the queue drained
      await bulk.resume();
      await waitFor(() => w.hook.delivered() >= MAX, 'the backlog drained', 20_000);
      await waitFor(async () => (await deliveries.pressure()).ok, 'room again', 5000);
      expect((await notify('one too many', { 'idempotency-key': 'late-1' })).status).toBe(202);
    } finally {
      await worker.close();
    }
  });

  it('shows both delivery queues on the queues page counts and in the metrics, prioritized bulk jobs as waiting', async () => {
    await bulk.pause();
    for (let i = 0; i < 3; i++) await deliveries.notify({ channels: ['hooks'], message: `n ${i}`, source: 'ci' });
    const handles = lazyQueues({ config, logger: w.logger })();
    const health = await readHealth(config, handles);
    expect(health.queues.map((q) => q.name)).toEqual(['executions', 'deliveries', 'replies']);
    expect(health.queues[1]!.counts.prioritized).toBe(3);

    const metrics = createMetrics({ defaultMetrics: false });
    metrics.watchQueue('deliveries', handles.deliveries);
    metrics.watchQueue('replies', handles.replies);
    const { body } = await metrics.scrape();
    expect(body).toContain('switchboard_queue_jobs{queue="deliveries",state="waiting"} 3');
    expect(body).toContain('switchboard_queue_jobs{queue="replies",state="waiting"} 0');
  });

  it('lists and retries a dead answer to a command from the replies queue beside the bulk ones', async () => {
    const worker = await startDeliveryWorker({ config, logger: w.logger, sendTimeoutMs: 5000, shutdownGraceSeconds: 1 });
    try {
      w.twilio.errorNext(21211, 400);
      const origin = { source: 'sms' as const, sender: '+15551230001', message_id: 'SM-dead-1' };
      await deliveries.replyToOrigin(origin, 'No alias matches.');
      const handles = lazyQueues({ config, logger: w.logger })();
      const page = await waitFor(async () => {
        const p = await listDeadLetters([handles.deliveries, handles.replies], 'dead', 0, 50, config.secrets);
        return p.items.length > 0 ? p : undefined;
      }, 'the dead reply');
      expect(page.items).toEqual([expect.objectContaining({ channel: 'twilio', rule: '(origin)', state: 'dead' })]);
      const ledger = createLedger(handles.redis, deliveryKeys(config.main.redis.prefix));
      await retryDeadLetter([handles.deliveries, handles.replies], ledger, page.items[0]!.id, config.secrets);
      await waitFor(() => w.twilio.messages.some((m) => m.body.includes('No alias matches')), 'the retried reply');
    } finally {
      await worker.close();
    }
  });
});
