/**
 * Each person reads, lists and cancels only their own executions through the API (docs/contracts.md
 * section 6), driven as different people against the real Redis: alice (ops: read_all, cancel_all,
 * notify), bob (viewer: nothing) and rita (auditor: read_all only).
 */
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

interface Page {
  items: { id: string; user: string | null; status: string; origin: unknown }[];
  next_cursor: string | null;
}

const queue = async (text: string, key: string) => {
  const res = await api.command({ text }, key);
  expect(res.status).toBe(202);
  return ((await res.json()) as { execution: { id: string } }).execution.id;
};
const listAll = async (key: string, query = '') => {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const sep = query ? '&' : '';
    const path = `/api/v1/executions?${query}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await api.get(path, key);
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    ids.push(...page.items.map((x) => x.id));
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return ids;
};

describe('reading another person’s execution', () => {
  it('is a 404 exactly like an unknown id for bob, and a 200 for alice and rita', async () => {
    const mine = await queue('nap 30', KEYS.alice);
    const asBob = await api.get(`/api/v1/executions/${mine}`, KEYS.bob);
    const unknown = await api.get('/api/v1/executions/zzzzzzzz', KEYS.bob);
    expect(asBob.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await asBob.json()).toEqual(await unknown.json());
    expect((await api.get(`/api/v1/executions/${mine}`, KEYS.alice)).status).toBe(200);
    expect((await api.get(`/api/v1/executions/${mine}`, KEYS.rita)).status).toBe(200);
  });

  it('lets bob read his own, origin included', async () => {
    const his = await queue('say hello', KEYS.bob);
    const res = await api.get(`/api/v1/executions/${his}`, KEYS.bob);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: his, user: 'bob', origin: { source: 'api', sender: 'bob-key' } });
  });
});

describe('origin', () => {
  it('is shown to its owner and to read_all, null to a canceller without read_all, never with a response_url', async () => {
    // a Slack command of bob's: its origin has his user id and the response_url capability
    const { execution } = await h.executions.submit({
      action: 'core.noop',
      params: {},
      user: 'bob',
      origin: { source: 'slack', sender: 'U0BOB', reply: { channel: 'C0OPS', response_url: 'https://hooks.slack.test/commands/T0/123/SECRETish' } },
    });
    for (const key of [KEYS.bob, KEYS.rita, KEYS.alice]) {
      const text = await (await api.get(`/api/v1/executions/${execution.id}`, key)).text();
      expect(JSON.parse(text)).toMatchObject({ origin: { source: 'slack', sender: 'U0BOB', reply: { channel: 'C0OPS' } } });
      expect(text).not.toContain('response_url');
      expect(text).not.toContain('hooks.slack.test');
    }
  });

  it('is null for a reader who is neither owner nor read_all (cancel_all only)', async () => {
    h.config.main.roles.ops = { permissions: ['executions.cancel_all'] };
    const his = await queue('say hello', KEYS.bob);
    const res = await api.get(`/api/v1/executions/${his}`, KEYS.alice);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: his, user: 'bob', origin: null });
  });
});

describe('listing', () => {
  it('shows bob only his own executions, across pages and with a status filter; alice and rita see all', async () => {
    const alices: string[] = [];
    const bobs: string[] = [];
    // interleaved, so bob's pages must skip alice's
    for (let i = 0; i < 3; i++) {
      alices.push(await queue(`say a${i}`, KEYS.alice));
      alices.push(await queue(`say b${i}`, KEYS.alice));
      bobs.push(await queue(`say c${i}`, KEYS.bob));
    }
    expect((await api.post(`/api/v1/executions/${bobs[0]}/cancel`, undefined, KEYS.bob)).status).toBe(200);

    expect(await listAll(KEYS.bob, 'limit=2')).toEqual([...bobs].reverse());
    expect(await listAll(KEYS.bob, 'status=canceled&limit=1')).toEqual([bobs[0]]);
    expect(await listAll(KEYS.bob, 'status=queued&limit=1')).toEqual([bobs[2], bobs[1]]);
    const everyone = [...alices, ...bobs].sort();
    expect((await listAll(KEYS.alice, 'limit=4')).sort()).toEqual(everyone);
    expect((await listAll(KEYS.rita, 'limit=50')).sort()).toEqual(everyone);
    // svc (no permissions) has run nothing: an empty list, not everyone's
    expect(await listAll(KEYS.bridge)).toEqual([]);
  });

  it('shows alice (read_all) the origin of others’ executions in her list', async () => {
    await queue('say mine', KEYS.bob);
    const page = (await (await api.get('/api/v1/executions', KEYS.alice)).json()) as Page;
    expect(page.items[0]).toMatchObject({ user: 'bob', origin: { sender: 'bob-key' } });
  });
});

describe('cancel', () => {
  it('is a 404 for bob on alice’s execution, which keeps running', async () => {
    const mine = await queue('nap 30', KEYS.alice);
    const res = await api.post(`/api/v1/executions/${mine}/cancel`, undefined, KEYS.bob);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await h.executions.get(mine))?.status).toBe('queued');
  });

  it('is a 403 for rita (read_all, not cancel_all) on bob’s execution', async () => {
    const his = await queue('nap 30', KEYS.bob);
    const res = await api.post(`/api/v1/executions/${his}/cancel`, undefined, KEYS.rita);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('executions.cancel_all') } });
    expect((await h.executions.get(his))?.status).toBe('queued');
  });

  it('works for the owner and for cancel_all', async () => {
    const his = await queue('nap 30', KEYS.bob);
    const other = await queue('nap 30', KEYS.bob);
    const own = await api.post(`/api/v1/executions/${his}/cancel`, undefined, KEYS.bob);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ execution: { id: his, status: 'canceled' } });
    const byOps = await api.post(`/api/v1/executions/${other}/cancel`, undefined, KEYS.alice);
    expect(byOps.status).toBe(200);
    expect(await byOps.json()).toMatchObject({ execution: { id: other, status: 'canceled' } });
  });
});

describe('POST /api/v1/notify', () => {
  it('needs the permission notify: 403 for bob before anything is read or routed', async () => {
    const body = { channels: ['ops'], message: '<!channel> prod is down', data: { severity: 'critical' } };
    const asBob = await api.post('/api/v1/notify', body, KEYS.bob);
    expect(asBob.status).toBe(403);
    expect(await asBob.json()).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('notify') } });
    // alice passes the gate; this harness has no delivery service, which is the next answer
    expect((await api.post('/api/v1/notify', body, KEYS.alice)).status).toBe(503);
  });
});
