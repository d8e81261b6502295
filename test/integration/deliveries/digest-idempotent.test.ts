/**
 * The digest job against real Redis: a re-run (a stalled job, a crash after the list was taken) queues
 * the same digest once; a hold that arrives after its period's digest went is sent at once, not lost.
 */
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processDigest } from '../../../src/deliveries/digest.ts';
import { createHolds, holdKeys, type DigestJobData, type Holds } from '../../../src/deliveries/hold.ts';
import type { DeliveryJobData } from '../../../src/deliveries/job.ts';
import { deliveryKeys, DELIVERY_QUEUE } from '../../../src/deliveries/keys.ts';
import { createLedger } from '../../../src/deliveries/ledger.ts';
import { createLogger } from '../../../src/log.ts';
import type { HeldDelivery } from '../../../src/routing/index.ts';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../executions/helpers.ts';

const until = Date.parse('2026-12-07T06:00:00Z');
const held: HeldDelivery = { until: new Date(until).toISOString(), hours: '22:00-07:00', tz: 'Europe/Berlin' };
const night = new Date(until - 3_600_000);

function job(n: number): DeliveryJobData {
  return {
    message: {
      id: `d-${String(n).padStart(32, '0')}`,
      channel: 'sms',
      target: '+15551230001',
      subject: `alert ${n}`,
      text: `alert ${n} fired`,
      data: {},
      user: 'alice',
    },
    kind: 'sms',
    rule: 'page oncall',
    trigger: 'api',
    fallback: [],
  };
}

describe('processDigest', () => {
  let prefix: string;
  let redis: Redis;
  let holds: Holds;
  let deliveries: Queue<DeliveryJobData>;
  const digestJob = { data: { user: 'alice', until, hours: '22:00-07:00 Europe/Berlin' } } as Job<DigestJobData>;
  const deps = () => ({
    connection: redis,
    redisPrefix: prefix,
    deliveries,
    ledger: createLedger(redis, deliveryKeys(prefix)),
    logger: createLogger({ level: 'silent' }),
  });

  beforeEach(async () => {
    prefix = uniquePrefix();
    redis = new Redis(REDIS_URL);
    holds = createHolds({ redis, redisPrefix: prefix, ledger: createLedger(redis, deliveryKeys(prefix)) });
    deliveries = new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection: redis, prefix: deliveryKeys(prefix).prefix });
  });
  afterEach(async () => {
    await holds.close();
    await deliveries.close();
    redis.disconnect();
    await cleanupPrefix(prefix);
  });

  it('queues one digest for the period, whatever the number of runs; a repeated hold is a no-op', async () => {
    expect(
      await holds.hold(
        [
          { job: job(1), held },
          { job: job(2), held },
          { job: job(1), held },
        ],
        night,
      ),
    ).toEqual([]);
    expect(await redis.hlen(holdKeys(prefix).list('alice', until))).toBe(2);
    expect(await processDigest(digestJob, deps())).toBe(1);
    expect(await processDigest(digestJob, deps())).toBe(0);
    const queued = await deliveries.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(queued).toHaveLength(1);
    expect(queued[0]!.data.message.subject).toBe('While you were away: 2 notifications');
  });

  it('after a crash once the list was taken, the re-run queues the same digest (nothing lost, nothing twice)', async () => {
    await holds.hold([{ job: job(1), held }], night);
    // the first run dies adding the digest (its queue's connection is gone)
    const broken = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    broken.on('error', () => undefined);
    const deadQueue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection: broken, prefix: deliveryKeys(prefix).prefix });
    deadQueue.on('error', () => undefined);
    await expect(processDigest(digestJob, { ...deps(), deliveries: deadQueue })).rejects.toThrow();
    await deadQueue.close().catch(() => undefined);
    broken.disconnect();
    expect(await redis.exists(holdKeys(prefix).taken('alice', until))).toBe(1);
    expect(await processDigest(digestJob, deps())).toBe(1);
    expect(await processDigest(digestJob, deps())).toBe(0);
    expect(await deliveries.getJobs(['waiting', 'delayed', 'prioritized'])).toHaveLength(1);
  });

  it('hands back a hold whose period’s digest already went, to be sent now', async () => {
    await holds.hold([{ job: job(1), held }], night);
    await processDigest(digestJob, deps());
    const late = await holds.hold([{ job: job(3), held }], night);
    expect(late.map((j) => j.message.id)).toEqual([job(3).message.id]);
  });
});
