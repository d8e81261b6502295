import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, createHarness, terminal, type Client, type Harness } from './harness.ts';

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
  items: { id: string; status: string; params: Record<string, unknown> }[];
  next_cursor: string | null;
}

const queue = async (text: string) => ((await (await api.command({ text })).json()) as { execution: { id: string } }).execution.id;

describe('GET /api/v1/executions (real Redis)', () => {
  it('pages newest first through next_cursor', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push(await queue(`say number ${i}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = (await (await api.get(`/api/v1/executions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json()) as Page;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((x) => x.id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...ids].reverse());
    expect(pages).toBe(3);
  });

  it('filters by status', async () => {
    const a = await queue('say a');
    const b = await queue('say b');
    expect((await api.post(`/api/v1/executions/${a}/cancel`)).status).toBe(200);
    const canceled = (await (await api.get('/api/v1/executions?status=canceled')).json()) as Page;
    expect(canceled.items.map((x) => x.id)).toEqual([a]);
    const queued = (await (await api.get('/api/v1/executions?status=queued')).json()) as Page;
    expect(queued.items.map((x) => x.id)).toEqual([b]);
  });

  it('answers an unknown id with 404', async () => {
    const res = await api.get('/api/v1/executions/zzzzzzzz');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('POST /api/v1/executions/:id/cancel (real Redis)', () => {
  it('cancels a queued execution', async () => {
    const id = await queue('nap 30');
    const res = await api.post(`/api/v1/executions/${id}/cancel`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ execution: { id, status: 'canceled' } });
    expect((await api.waitFor(id, terminal)).status).toBe('canceled');
  });

  it('cancels a running execution', async () => {
    await h.startWorker();
    const id = await queue('nap 30');
    await api.waitFor(id, (e) => e.status === 'running');
    expect((await api.post(`/api/v1/executions/${id}/cancel`)).status).toBe(200);
    const done = await api.waitFor(id, terminal);
    expect(done.status).toBe('canceled');
  });

  it('answers an unknown id with 404', async () => {
    expect((await api.post('/api/v1/executions/zzzzzzzz/cancel')).status).toBe(404);
  });
});
