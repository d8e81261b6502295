import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_URL, waitForStatus } from './helpers.ts';
import { harness, type Harness } from './setup.ts';

let h: Harness;
afterEach(async () => h?.close());

describe('ExecutionService.list', () => {
  it('lists newest first, page by page with a cursor', async () => {
    h = harness([]);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await h.service.submit({ action: 'core.noop', params: { i } })).execution.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await h.service.list({ limit: 3, cursor });
      seen.push(...page.items.map((e) => e.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by status', async () => {
    h = harness([]);
    const a = (await h.service.submit({ action: 'core.noop', params: {} })).execution.id;
    const b = (await h.service.submit({ action: 'core.noop', params: {} })).execution.id;
    await h.service.cancel(a);
    await h.startWorker();
    await waitForStatus(h.service, b, ['succeeded']);
    const c = (await h.service.submit({ action: 'core.noop', params: {} })).execution.id;
    await waitForStatus(h.service, c, ['succeeded']);
    expect((await h.service.list({ status: 'canceled' })).items.map((e) => e.id)).toEqual([a]);
    expect((await h.service.list({ status: 'succeeded' })).items.map((e) => e.id)).toEqual([c, b]);
    expect((await h.service.list({ status: 'queued' })).items).toEqual([]);
    const page = await h.service.list({ status: 'succeeded', limit: 1 });
    expect(page.items.map((e) => e.id)).toEqual([c]);
    expect((await h.service.list({ status: 'succeeded', limit: 1, cursor: page.next_cursor })).items.map((e) => e.id)).toEqual([b]);
  });

  it('sets the retention TTL on records and idempotency keys', async () => {
    h = harness([], { executions: { retention_days: 2 } });
    const { execution } = await h.service.submit({ action: 'core.noop', params: {}, idempotencyKey: 'ttl-key' });
    const redis = new Redis(REDIS_URL);
    try {
      const ttl = await redis.ttl(`{${h.prefix}}:exec:${execution.id}`);
      expect(ttl).toBeGreaterThan(2 * 86_400 - 60);
      expect(ttl).toBeLessThanOrEqual(2 * 86_400);
      expect(await redis.ttl(`{${h.prefix}}:exec-idem:ttl-key`)).toBeGreaterThan(2 * 86_400 - 60);
    } finally {
      redis.disconnect();
    }
  });

  it('returns undefined for an unknown id and answers ping', async () => {
    h = harness([]);
    expect(await h.service.get('zzzzzzzz')).toBeUndefined();
    expect(await h.service.ping()).toBe(true);
  });
});
