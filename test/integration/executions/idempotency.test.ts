import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from './setup.ts';
import { waitForStatus } from './helpers.ts';

let h: Harness;
afterEach(async () => h?.close());

describe('ExecutionService.submit idempotency', () => {
  it('returns the same execution for the same key', async () => {
    h = harness([]);
    const first = await h.service.submit({ action: 'core.echo', params: { a: 1 }, idempotencyKey: 'SM123' });
    const second = await h.service.submit({ action: 'core.echo', params: { a: 2 }, idempotencyKey: 'SM123' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.execution.id).toBe(first.execution.id);
    expect(second.execution.params).toEqual({ a: 1 });
    expect((await h.service.list()).items).toHaveLength(1);
  });

  it('creates exactly one execution under 50 concurrent submits of one key', async () => {
    h = harness([]);
    await h.startWorker();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => h.service.submit({ action: 'core.echo', params: { i }, idempotencyKey: 'race-key' })),
    );
    const ids = new Set(results.map((r) => r.execution.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const id = [...ids][0]!;
    await waitForStatus(h.service, id, ['succeeded']);
    expect((await h.service.list()).items).toHaveLength(1);
  });

  it('creates separate executions for different keys and for no key', async () => {
    h = harness([]);
    const a = await h.service.submit({ action: 'core.noop', params: {}, idempotencyKey: 'k1' });
    const b = await h.service.submit({ action: 'core.noop', params: {}, idempotencyKey: 'k2' });
    const c = await h.service.submit({ action: 'core.noop', params: {} });
    const d = await h.service.submit({ action: 'core.noop', params: {} });
    expect(new Set([a, b, c, d].map((r) => r.execution.id)).size).toBe(4);
  });

  it('gives ids of 8 unambiguous characters', async () => {
    h = harness([]);
    const { execution } = await h.service.submit({ action: 'core.noop', params: {} });
    expect(execution.id).toMatch(/^[2-9a-hjkmnp-z]{8}$/);
  });
});
