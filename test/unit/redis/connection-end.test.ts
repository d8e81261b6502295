/**
 * src/redis/connection.ts: a connection disconnected while it waits to connect again ends (ioredis
 * alone leaves it `reconnecting` for ever, its queued commands pending: what hung BullMQ's
 * Worker.close() and the gateway's stop), for one Redis, its duplicates and a Cluster.
 */
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ownConnection, workerConnection } from '../../../src/redis/connection.ts';

/** a port nothing listens on: every connect is refused at once */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const next = (r: Redis, event: string) => new Promise<void>((resolve) => r.once(event, () => resolve()));
const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms).unref())]);

/** disconnects `r` while it waits to reconnect; resolves with what its queued command came to */
async function disconnectWhileReconnecting(r: Redis): Promise<string> {
  r.on('error', () => {});
  await next(r, 'reconnecting');
  expect(r.status).toBe('reconnecting');
  const queued = r.get('k').then(
    () => 'answered',
    (e: Error) => e.message,
  );
  const ended = next(r, 'end');
  r.disconnect();
  await within(ended, 5000, 'end');
  expect(r.status).toBe('end');
  return within(queued, 5000, 'the queued command');
}

describe('a connection disconnected while it waits to reconnect', () => {
  it('ends, and its queued commands fail with "Connection is closed."', async () => {
    const r = workerConnection(`redis://127.0.0.1:${await deadPort()}`);
    expect(await disconnectWhileReconnecting(r)).toBe('Connection is closed.');
  });

  it('does so for its duplicates too (BullMQ makes its blocking connection so)', async () => {
    const r = workerConnection(`redis://127.0.0.1:${await deadPort()}`);
    r.on('error', () => {});
    const dup = r.duplicate();
    try {
      expect(await disconnectWhileReconnecting(dup)).toBe('Connection is closed.');
    } finally {
      r.disconnect();
    }
  });

  it('does so for a Cluster client', async () => {
    const r = ownConnection({ mode: 'cluster', label: 'cluster', nodes: [{ host: '127.0.0.1', port: await deadPort() }] }, { maxRetriesPerRequest: null });
    expect(await disconnectWhileReconnecting(r)).toMatch(/None of startup nodes is available|Connection is closed/);
  });

  it('connects again after a disconnect(true) (a reconnect asked for is left to ioredis)', async () => {
    const r = workerConnection(`redis://127.0.0.1:${await deadPort()}`);
    r.on('error', () => {});
    try {
      await next(r, 'reconnecting');
      r.disconnect(true);
      await within(next(r, 'reconnecting'), 5000, 'another reconnect');
      expect(r.status).not.toBe('end');
    } finally {
      r.disconnect();
    }
  });
});
