/**
 * The HTTP app (`createApp`) with in-memory executions; the API's own state (per-key rate limit,
 * Idempotency-Key hashes) lives in the real Redis on 127.0.0.1:6379, hence an integration test.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { compileAliases } from '../../../src/aliases/index.ts';
import { createApp } from '../../../src/app.ts';
import { toAliasSpecs } from '../../../src/config/index.ts';
import { silentLogger } from '../../../src/log.ts';
import { auth, buildConfig, KEYS } from '../../unit/api/fixture.ts';
import { createMemoryExecutions, type MemoryExecutions } from '../../unit/api/memory-executions.ts';

const config = buildConfig();
const { matcher } = compileAliases(toAliasSpecs(config));

let executions: MemoryExecutions;
let app: ReturnType<typeof createApp>;

beforeEach(() => {
  executions = createMemoryExecutions();
  app = createApp({ config, matcher, executions, logger: silentLogger });
});

const get = (path: string) => app.request(path, { headers: auth(KEYS.alice) });
const post = (path: string) => app.request(path, { method: 'POST', headers: auth(KEYS.alice) });

describe('GET /api/v1/executions/:id', () => {
  it('returns the record in the contract shape', async () => {
    const { execution } = await executions.submit({ alias: 'core.ping', action: 'core.ping', params: {}, user: 'alice' });
    const res = await get(`/api/v1/executions/${execution.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: execution.id, status: 'queued', origin: null, error: null });
  });

  it('redacts config secrets wherever they appear in the record', async () => {
    const { execution } = await executions.submit({ action: 'core.echo', params: { message: KEYS.bob } });
    execution.result = { stdout: `token is ${KEYS.bob}\n` };
    execution.error = `failed near ${KEYS.bob}`;
    const text = await (await get(`/api/v1/executions/${execution.id}`)).text();
    expect(text).not.toContain(KEYS.bob);
    expect(JSON.parse(text)).toMatchObject({ params: { message: '[redacted]' }, result: { stdout: 'token is [redacted]\n' } });
  });

  it('answers an unknown id with a JSON 404', async () => {
    expect((await get(`/api/v1/executions/${'x'.repeat(500)}`)).status).toBe(404);
    const res = await get('/api/v1/executions/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('GET /api/v1/executions', () => {
  it('pages newest first with next_cursor', async () => {
    for (let i = 0; i < 5; i++) await executions.submit({ action: 'core.noop', params: { i } });
    const first = (await (await get('/api/v1/executions?limit=2')).json()) as { items: { params: { i: number } }[]; next_cursor: string };
    expect(first.items.map((x) => x.params.i)).toEqual([4, 3]);
    const second = (await (await get(`/api/v1/executions?limit=2&cursor=${first.next_cursor}`)).json()) as typeof first;
    expect(second.items.map((x) => x.params.i)).toEqual([2, 1]);
    const third = (await (await get(`/api/v1/executions?limit=2&cursor=${second.next_cursor}`)).json()) as {
      items: unknown[];
      next_cursor: string | null;
    };
    expect(third.items).toHaveLength(1);
    expect(third.next_cursor).toBeNull();
  });

  it('filters by status', async () => {
    const { execution } = await executions.submit({ action: 'core.noop', params: {} });
    await executions.submit({ action: 'core.noop', params: {} });
    await executions.cancel(execution.id);
    const json = (await (await get('/api/v1/executions?status=canceled')).json()) as { items: { id: string }[] };
    expect(json.items.map((x) => x.id)).toEqual([execution.id]);
  });

  it.each(['status=done', 'limit=0', 'limit=201', 'limit=abc'])('refuses the query %s with 400', async (q) => {
    const res = await get(`/api/v1/executions?${q}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });
});

describe('POST /api/v1/executions/:id/cancel', () => {
  it('cancels a queued execution', async () => {
    const { execution } = await executions.submit({ action: 'core.noop', params: {} });
    const res = await post(`/api/v1/executions/${execution.id}/cancel`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ execution: { id: execution.id, status: 'canceled' } });
  });

  it('answers an unknown id with 404', async () => {
    expect((await post('/api/v1/executions/nope/cancel')).status).toBe(404);
  });
});
