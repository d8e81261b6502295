/**
 * `GET /api/v1/executions` filters (user, alias, source, q, from/to, with status and paging) within
 * what the caller may see, the bounded scan of a sparse filter, and `POST /api/v1/executions/:id/rerun`
 * (same alias and parameters, as the caller, through their own `allow`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIST_SCAN_MAX } from '../../../src/executions/types.ts';
import { client, createHarness, KEYS, type Client, type Harness } from './harness.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let h: Harness;
let api: Client;

beforeEach(async () => {
  h = await createHarness();
  api = client(h.app);
});
afterEach(async () => {
  await h.cleanup();
});

interface Page {
  items: { id: string; user: string | null; alias: string | null; params: Record<string, unknown> }[];
  next_cursor: string | null;
}

const run = async (text: string, key: string = KEYS.alice) => {
  const res = await api.command({ text }, key);
  expect(res.status).toBe(202);
  return ((await res.json()) as { execution: { id: string } }).execution.id;
};
const list = async (query: string, key: string = KEYS.alice) => {
  const res = await api.get(`/api/v1/executions?${query}`, key);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
};

describe('GET /api/v1/executions filters (real Redis)', () => {
  it('filters by user, alias, source, text and time, and pages a filtered listing', async () => {
    const a1 = await run('say apples');
    const b1 = await run('say bananas', KEYS.bob);
    // a different millisecond on either side of a2, whose creation time bounds the time filter below
    await sleep(5);
    const a2 = await run('nap 30');
    await sleep(5);
    const b2 = await run('say apple pie', KEYS.bob);
    const a3 = await run('say APPLE juice');

    expect((await list('user=bob')).items.map((e) => e.id)).toEqual([b2, b1]);
    expect((await list('alias=test.sleep')).items.map((e) => e.id)).toEqual([a2]);
    expect((await list('source=api')).items).toHaveLength(5);
    expect((await list('source=sms')).items).toEqual([]);
    expect((await list('q=apple')).items.map((e) => e.id)).toEqual([a3, b2, a1]);
    expect((await list('q=apple&user=alice')).items.map((e) => e.id)).toEqual([a3, a1]);

    // paging through a filtered listing: every match once, newest first
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(`q=apple&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual([a3, b2, a1]);

    const created = (await (await api.get(`/api/v1/executions/${a2}`)).json()) as { created_at: string };
    const at = Date.parse(created.created_at);
    expect((await list(`from=${new Date(at).toISOString()}&to=${new Date(at).toISOString()}`)).items.map((e) => e.id)).toEqual([a2]);
    expect((await list(`to=${new Date(at - 1).toISOString()}`)).items.map((e) => e.id)).toEqual([b1, a1]);
    expect((await list('from=2999-01-01')).items).toEqual([]);
  });

  it('never shows another person’s executions to someone without executions.read_all', async () => {
    await run('say apples');
    const mine = await run('say apples', KEYS.bob);
    expect((await list('q=apples', KEYS.bob)).items.map((e) => e.id)).toEqual([mine]);
    expect((await list('user=alice', KEYS.bob)).items).toEqual([]);
    expect((await list('user=bob', KEYS.bob)).items.map((e) => e.id)).toEqual([mine]);
  });

  it('answers a bad filter with which parameter and value', async () => {
    const res = await api.get('/api/v1/executions?from=yesterday');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'from: is not a time: "yesterday" (ISO 8601, e.g. 2026-05-01 or 2026-05-01T12:00:00Z)',
    );
    const src = await api.get('/api/v1/executions?source=fax');
    expect(src.status).toBe(400);
    expect(((await src.json()) as { error: { message: string } }).error.message).toMatch(/^source: /);
  });

  it(`reads at most ${LIST_SCAN_MAX} records per request and hands back a cursor to go on`, async () => {
    const needle = await run('say needle');
    for (let i = 0; i < LIST_SCAN_MAX + 10; i++)
      await h.executions.submit({ action: 'test.echo', alias: 'test.say', params: { message: `hay ${i}` }, user: 'alice', text: `say hay ${i}` });
    const first = await h.executions.list({ text: 'needle' });
    expect(first.items).toEqual([]);
    expect(first.scanned).toBe(LIST_SCAN_MAX);
    expect(first.next_cursor).toBeDefined();
    const second = await list(`q=needle&cursor=${encodeURIComponent(first.next_cursor!)}`);
    expect(second.items.map((e) => e.id)).toEqual([needle]);
    expect(second.next_cursor).toBeNull();
  });
});

describe('POST /api/v1/executions/:id/rerun (real Redis)', () => {
  it('queues a new execution with the same alias and parameters, as the caller', async () => {
    const original = await run('say hello again', KEYS.bob);
    const res = await api.post(`/api/v1/executions/${original}/rerun`, undefined, KEYS.alice);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { execution: { id: string; alias: string; action: string; params: unknown; user: string }; rerun_of: string };
    expect(body.rerun_of).toBe(original);
    expect(body.execution.id).not.toBe(original);
    expect(body.execution).toMatchObject({ alias: 'test.say', action: 'test.echo', params: { message: 'hello again' }, user: 'alice' });
  });

  it('is refused by the alias’s allow, and is not found for an execution one may not read', async () => {
    const restart = await run('restart web');
    // rita may read alice's execution but is not in ops, which the alias allows
    const refused = await api.post(`/api/v1/executions/${restart}/rerun`, undefined, KEYS.rita);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'forbidden', message: 'you may not run ops.restart' } });
    // bob may not even read it
    const hidden = await api.post(`/api/v1/executions/${restart}/rerun`, undefined, KEYS.bob);
    expect(hidden.status).toBe(404);
    expect((await list('alias=ops.restart')).items).toHaveLength(1);
  });
});
