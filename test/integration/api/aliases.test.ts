import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, createHarness, KEYS, type Client, type Harness } from './harness.ts';

let h: Harness;
let api: Client;

beforeEach(async () => {
  h = await createHarness();
  api = client(h.app);
});
afterEach(async () => {
  await h.cleanup();
});

describe('GET /api/v1/aliases (real Redis)', () => {
  const ids = async (key: string) => ((await (await api.get('/api/v1/aliases', key)).json()) as { items: { id: string }[] }).items.map((a) => a.id);

  it('lists, per user, only the aliases that user may run', async () => {
    const alice = await ids(KEYS.alice);
    const bob = await ids(KEYS.bob);
    expect(alice).toContain('ops.restart');
    expect(bob).not.toContain('ops.restart');
    expect(bob).toEqual(alice.filter((id) => !id.startsWith('ops.')));
  });
});

describe('POST /api/v1/aliases/match (real Redis)', () => {
  it('returns the matched alias and parsed params, and queues nothing', async () => {
    const res = await api.post('/api/v1/aliases/match', { text: 'restart web' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ matched: true, alias: 'ops.restart', params: { service: 'web' } });
    const list = (await (await api.get('/api/v1/executions')).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });

  it('gives the reason and suggestions when nothing matches', async () => {
    const json = (await (await api.post('/api/v1/aliases/match', { text: 'restart' })).json()) as {
      matched: boolean;
      reason: string;
      suggestions: string[];
    };
    expect(json).toMatchObject({ matched: false, reason: 'no_match' });
    expect(json.suggestions).toContain('restart {{service}}');
  });

  it('refuses an enum value the action does not allow, naming the parameter', async () => {
    expect(await (await api.post('/api/v1/aliases/match', { text: 'restart db' })).json()).toMatchObject({
      matched: false,
      reason: 'invalid',
      parameter: 'service',
    });
  });
});
