/**
 * The execution indexes drop entries older than the retention (their records have expired) every
 * 64th create, without the create waiting for it (real Redis).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { executionKeys } from '../../../src/executions/keys.ts';
import { createRecordStore } from '../../../src/executions/records.ts';
import { cleanupPrefix } from '../harness.ts';
import { waitFor } from './helpers.ts';

const URL = 'redis://127.0.0.1:6379';
let prefix = '';
const redis = new Redis(URL);
afterEach(async () => {
  await cleanupPrefix(URL, prefix);
});
afterAll(() => redis.disconnect());

describe('execution index pruning', () => {
  it('drops index entries older than the retention on the 64th create, and keeps the recent ones', async () => {
    prefix = `prune-${randomUUID().slice(0, 8)}`;
    const keys = executionKeys(prefix);
    const store = createRecordStore(redis, keys, 3600);
    const now = Date.now();
    // two entries from two hours ago (past the one-hour retention), one from a minute ago
    const score = (ms: number) => String(ms * 1000);
    await redis.zadd(keys.index, score(now - 7_200_000), 'old1', score(now - 7_200_000), 'old2', score(now - 60_000), 'recent');
    await redis.zadd(keys.statusIndex('succeeded'), score(now - 7_200_000), 'old1', score(now - 60_000), 'recent');
    await redis.zadd(keys.statusIndex('failed'), score(now - 7_200_000), 'old2');
    for (let i = 0; i < 63; i++)
      expect(await store.create(`id${i}`, { action: 'core.noop', params: {} }, new Date(now))).toEqual({ created: true, id: `id${i}` });
    expect(await redis.zscore(keys.index, 'old1')).not.toBeNull();
    await store.create('id63', { action: 'core.noop', params: {} }, new Date(now));
    await waitFor(async () => ((await redis.zscore(keys.index, 'old1')) === null ? true : undefined), 'the pruning');
    expect(await redis.zrange(keys.statusIndex('succeeded'), '0', '-1')).toEqual(['recent']);
    expect(await redis.zcard(keys.statusIndex('failed'))).toBe(0);
    expect(await redis.zscore(keys.index, 'recent')).not.toBeNull();
    expect(await redis.zcard(keys.index)).toBe(65);
    expect(await redis.zcard(keys.statusIndex('queued'))).toBe(64);
    // the fields arrive whole through the JSON argument
    expect(await redis.hget(keys.record('id5'), 'status')).toBe('queued');
  });

  it('stores any text whole, lone surrogates as U+FFFD', async () => {
    prefix = `prune-${randomUUID().slice(0, 8)}`;
    const keys = executionKeys(prefix);
    const store = createRecordStore(redis, keys, 3600);
    const text = 'say "hi"\n\u0000 ünï 🚀 {"a":[1]} \ud800x';
    await store.create('t1', { action: 'core.echo', params: { message: text }, text, user: 'ålice' }, new Date());
    const rec = await store.get('t1');
    expect(rec?.text).toBe(text.replace('\ud800', '\ufffd'));
    expect(rec?.params).toEqual({ message: text }); // JSON keeps it as an escape
    expect(rec?.user).toBe('ålice');
  });
});

describe('per-user index', () => {
  it('indexes each execution under its user, drops that user’s entries past the retention on each add, and expires with them', async () => {
    prefix = `prune-${randomUUID().slice(0, 8)}`;
    const keys = executionKeys(prefix);
    const store = createRecordStore(redis, keys, 3600);
    const now = Date.now();
    await redis.zadd(keys.userIndex('bob'), String((now - 7_200_000) * 1000), 'gone', String((now - 60_000) * 1000), 'recent');
    await store.create('b1', { action: 'core.noop', params: {}, user: 'bob' }, new Date(now));
    await store.create('a1', { action: 'core.noop', params: {}, user: 'alice' }, new Date(now));
    await store.create('n1', { action: 'core.noop', params: {} }, new Date(now));
    expect(await redis.zrevrange(keys.userIndex('bob'), '0', '-1')).toEqual(['b1', 'recent']);
    expect(await redis.zrange(keys.userIndex('alice'), '0', '-1')).toEqual(['a1']);
    const ttl = await redis.ttl(keys.userIndex('bob'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect((await store.pageOfUser('bob', '+inf', 10)).map((p) => p.id)).toEqual(['b1', 'recent']);
  });
});

describe('record create sent twice', () => {
  it('is one record when the same write arrives again (a reply lost and the command resent), a collision otherwise', async () => {
    prefix = `prune-${randomUUID().slice(0, 8)}`;
    const keys = executionKeys(prefix);
    const store = createRecordStore(redis, keys, 3600);
    const now = new Date();
    const input = { action: 'core.echo', params: { message: 'hi' }, text: 'echo hi' };
    expect(await store.create('same1', input, now)).toEqual({ created: true, id: 'same1' });
    expect(await store.create('same1', input, now)).toEqual({ created: true, id: 'same1' });
    expect(await redis.zcard(keys.index)).toBe(1);
    expect(await store.create('same1', { ...input, params: { message: 'other' } }, now)).toEqual({ collision: true });
    expect(await store.create('same1', input, new Date(now.getTime() + 1))).toEqual({ collision: true });
  });
});
