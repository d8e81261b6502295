/**
 * producerConnection sends the commands of one event-loop turn in one socket write (real Redis;
 * the writes are counted on the socket's own Writable hooks, ioredis is not touched).
 */
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { producerConnection, whenReady } from '../../../src/executions/redis.ts';

const URL = 'redis://127.0.0.1:6379';
let redis: Redis | undefined;
afterEach(async () => {
  await redis?.quit().catch(() => undefined);
  redis = undefined;
});

/** Counts the system-call-level writes (`_write` / `_writev`) of the connection's current socket. */
function countWrites(r: Redis): { writes: number } {
  const socket = r.stream as unknown as Socket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  const counter = { writes: 0 };
  const write = socket._write;
  const writev = socket._writev;
  socket._write = function (this: unknown, ...a: unknown[]) {
    counter.writes++;
    return write.apply(socket, a);
  };
  socket._writev = function (this: unknown, ...a: unknown[]) {
    counter.writes++;
    return writev.apply(socket, a);
  };
  return counter;
}

describe('producerConnection write coalescing', () => {
  it('sends 200 commands issued in one turn in one write, replies in order', async () => {
    redis = producerConnection(URL);
    await whenReady(redis);
    const key = `{coalesce-${randomUUID().slice(0, 8)}}:n`;
    const counter = countWrites(redis);
    const replies = await Promise.all([...Array.from({ length: 100 }, () => redis!.incr(key)), ...Array.from({ length: 100 }, () => redis!.get(key))]);
    expect(replies.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(replies.slice(100))).toEqual(new Set(['100']));
    expect(counter.writes).toBe(1);
    await redis.del(key);
  });

  it('does not hold a command back: one awaited after another goes out in its own write', async () => {
    redis = producerConnection(URL);
    await whenReady(redis);
    const counter = countWrites(redis);
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.echo('x')).toBe('x');
    expect(counter.writes).toBe(2);
  });

  it('keeps coalescing on the new socket after Redis drops the connection', async () => {
    redis = producerConnection(URL);
    await whenReady(redis);
    const id = await redis.client('ID');
    const admin = producerConnection(URL);
    await whenReady(admin);
    await admin.client('KILL', 'ID', String(id));
    await admin.quit();
    await new Promise<void>((resolve) => redis!.once('ready', () => resolve()));
    const counter = countWrites(redis);
    expect(await Promise.all([redis.ping(), redis.ping(), redis.echo('after')])).toEqual(['PONG', 'PONG', 'after']);
    expect(counter.writes).toBe(1);
  });
});
