import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, createHarness, KEYS, terminal, type Client, type Harness } from './harness.ts';

let h: Harness;
let api: Client;

beforeEach(async () => {
  h = await createHarness({ bodyLimit: 2048 });
  api = client(h.app);
});
afterEach(async () => {
  await h.cleanup();
});

const listAll = async () => ((await (await api.get('/api/v1/executions?limit=200')).json()) as { items: { id: string }[] }).items;

describe('POST /api/v1/commands (real Redis and worker)', () => {
  it('runs a command to success and shows its stdout', async () => {
    await h.startWorker();
    const res = await api.command({ text: 'say hello world' });
    expect(res.status).toBe(202);
    const { execution } = (await res.json()) as { execution: { id: string; status: string } };
    expect(execution.status).toBe('queued');
    const done = await api.waitFor(execution.id, terminal);
    expect(done.status).toBe('succeeded');
    expect(done).toMatchObject({ alias: 'test.say', action: 'test.echo', user: 'alice', params: { message: 'hello world' } });
    expect(done.result).toMatchObject({ stdout: 'hello world\n', return_code: 0 });
    expect(done.started_at).not.toBeNull();
    expect(done.finished_at).not.toBeNull();
  });

  it('records a failing command as failed with exit code and stderr', async () => {
    await h.startWorker();
    const { execution } = (await (await api.command({ text: 'fail now' })).json()) as { execution: { id: string } };
    const done = await api.waitFor(execution.id, terminal);
    expect(done.status).toBe('failed');
    expect(done.result).toMatchObject({ return_code: 3 });
    expect((done.result as { stderr: string }).stderr).toContain('boom');
    expect(done.error).toBeTruthy();
  });

  it('casts parameters with the action schema before queueing', async () => {
    await h.startWorker();
    const { execution } = (await (await api.command({ text: 'count to 3' })).json()) as { execution: { id: string } };
    const done = await api.waitFor(execution.id, terminal);
    expect(done.params).toEqual({ count: 3 });
    expect(done.result).toMatchObject({ stdout: 'counted 3\n' });
  });

  it('turns a repeated Idempotency-Key into the same execution and one record', async () => {
    const headers = { 'idempotency-key': 'retry-me-1' };
    const a = await api.command({ text: 'say once' }, KEYS.alice, headers);
    const b = await api.command({ text: 'say once' }, KEYS.alice, headers);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    const idA = ((await a.json()) as { execution: { id: string } }).execution.id;
    const idB = ((await b.json()) as { execution: { id: string } }).execution.id;
    expect(idB).toBe(idA);
    expect((await listAll()).map((e) => e.id)).toEqual([idA]);
  });

  it('answers no match with 422 and suggestions', async () => {
    const res = await api.command({ text: 'restar web' });
    expect(res.status).toBe(422);
    const json = (await res.json()) as { error: { code: string }; suggestions: string[] };
    expect(json.error.code).toBe('no_match');
    expect(json.suggestions).toContain('restart {{service}}');
    expect(await listAll()).toEqual([]);
  });

  it('answers a bad parameter with 422 naming it', async () => {
    const res = await api.command({ text: 'count to many' });
    expect(res.status).toBe(422);
    const json = (await res.json()) as { error: { code: string; message: string; parameter: string } };
    expect(json.error.parameter).toBe('count');
    expect(json.error.message).toMatch(/count/);
    expect(json.error.message).toMatch(/integer/);
    expect(await listAll()).toEqual([]);
  });

  it('answers 403 to a user without the alias role, and queues nothing', async () => {
    const res = await api.command({ text: 'restart web' }, KEYS.bob);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(await listAll()).toEqual([]);
  });

  it('answers 401 without a key or with a wrong one, and queues nothing', async () => {
    const none = await h.app.request('/api/v1/commands', { method: 'POST', body: JSON.stringify({ text: 'ping' }) });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const wrong = await api.command({ text: 'ping' }, `${KEYS.alice}x`);
    expect(wrong.status).toBe(401);
    expect(await listAll()).toEqual([]);
  });

  it('answers 413 to a body over server.body_limit', async () => {
    const res = await api.command({ text: 'say '.padEnd(5000, 'x') });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(await listAll()).toEqual([]);
  });
});

describe('health (real Redis)', () => {
  it('is live and ready', async () => {
    expect((await h.app.request('/healthz')).status).toBe(200);
    expect((await h.app.request('/readyz')).status).toBe(200);
  });
});
