/**
 * API hygiene against the real Redis (docs/contracts.md sections 4 and 6): Stripe's Idempotency-Key rule,
 * the per-API-key rate limit, and `data` of /api/v1/notify bounded in depth and size.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileAliases } from '../../../src/aliases/index.ts';
import { createApp } from '../../../src/app.ts';
import { toAliasSpecs } from '../../../src/config/index.ts';
import { mainSchema } from '../../../src/config/schema.ts';
import { createDeliveryService } from '../../../src/deliveries/service.ts';
import type { DeliveryService } from '../../../src/deliveries/types.ts';
import { silentLogger } from '../../../src/log.ts';
import { auth, createHarness, KEYS, type Harness } from './harness.ts';

let h: Harness;
let deliveries: DeliveryService;
let app: ReturnType<typeof createApp>;

/** An app over the harness's config and Redis, with deliveries (for notify), `perKey` as the rate limit, the default body limit. */
function appWith(perKey: number): ReturnType<typeof createApp> {
  h.config.main.limits.per_key_per_minute = perKey;
  h.config.main.server.body_limit = 1_048_576;
  const { matcher } = compileAliases(toAliasSpecs(h.config));
  return createApp({ config: h.config, matcher, executions: h.executions, deliveries, logger: silentLogger });
}

beforeEach(async () => {
  h = await createHarness();
  deliveries = createDeliveryService({ config: h.config, logger: silentLogger });
  app = appWith(120);
});
afterEach(async () => {
  await deliveries.close();
  await h.cleanup();
});

const post = (path: string, body: unknown, key: string = KEYS.alice, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth(key), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const idem = (key: string) => ({ 'idempotency-key': key });
const json = async (res: Response) =>
  (await res.json()) as { execution?: { id: string }; created?: boolean; id?: string; error?: { code: string; message: string } };

describe('Idempotency-Key on POST /api/v1/commands', () => {
  it('answers the same body with the same execution, and a different body with 422 idempotency_key_reused', async () => {
    const first = await post('/api/v1/commands', { text: 'say once' }, KEYS.alice, idem('k-1'));
    const again = await post('/api/v1/commands', { text: 'say once' }, KEYS.alice, idem('k-1'));
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const a = await json(first);
    const b = await json(again);
    expect(b.execution?.id).toBe(a.execution?.id);
    expect(b.created).toBe(false);

    const other = await post('/api/v1/commands', { text: 'say twice' }, KEYS.alice, idem('k-1'));
    expect(other.status).toBe(422);
    expect((await json(other)).error).toEqual({
      code: 'idempotency_key_reused',
      message: 'this Idempotency-Key was used with a different request body; use a new key for a new request',
    });
    const { items } = await h.executions.list();
    expect(items.map((e) => e.id)).toEqual([a.execution?.id]);
  });

  it('takes the same JSON written with other key order and spacing as the same body', async () => {
    const first = await post('/api/v1/commands', '{"text":"say hi","user":"alice"}', KEYS.alice, idem('k-2'));
    const again = await post('/api/v1/commands', '{ "user": "alice",\n  "text": "say hi" }', KEYS.alice, idem('k-2'));
    expect(again.status).toBe(202);
    expect((await json(again)).execution?.id).toBe((await json(first)).execution?.id);
  });

  it('frees a key whose request created nothing, so a corrected request may use it', async () => {
    const refused = await post('/api/v1/commands', { text: 'restar web' }, KEYS.alice, idem('k-3'));
    expect(refused.status).toBe(422);
    expect((await json(refused)).error?.code).toBe('no_match');
    const corrected = await post('/api/v1/commands', { text: 'restart web' }, KEYS.alice, idem('k-3'));
    expect(corrected.status).toBe(202);
  });

  it('scopes keys per API key: another key may use the same Idempotency-Key for its own body', async () => {
    const alice = await post('/api/v1/commands', { text: 'say from alice' }, KEYS.alice, idem('shared'));
    const bob = await post('/api/v1/commands', { text: 'say from bob' }, KEYS.bob, idem('shared'));
    expect(bob.status).toBe(202);
    expect((await json(bob)).execution?.id).not.toBe((await json(alice)).execution?.id);
  });
});

describe('Idempotency-Key on POST /api/v1/notify', () => {
  it('answers the same body with the same notification, and a different body with 422', async () => {
    const body = { channels: ['ops'], message: 'deploy done', data: { version: '1.2.3', tags: ['a', 'b'] } };
    const first = await post('/api/v1/notify', body, KEYS.alice, idem('n-1'));
    const again = await post('/api/v1/notify', body, KEYS.alice, idem('n-1'));
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect((await json(again)).id).toBe((await json(first)).id);
    const other = await post('/api/v1/notify', { ...body, message: 'deploy failed' }, KEYS.alice, idem('n-1'));
    expect(other.status).toBe(422);
    expect((await json(other)).error?.code).toBe('idempotency_key_reused');
  });
});

describe('per-key rate limit (limits.per_key_per_minute)', () => {
  it('answers 429 with Retry-After and a JSON error over the limit, per key, and runs nothing', async () => {
    app = appWith(3);
    for (let i = 0; i < 3; i++) expect((await post('/api/v1/commands', { text: `say ${i}` })).status).toBe(202);
    const over = await post('/api/v1/commands', { text: 'say 3' });
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 120).toBe(true);
    expect((await json(over)).error).toEqual({
      code: 'rate_limited',
      message: `too many requests for this API key: at most 3 a minute; try again in ${retryAfter}s`,
    });
    expect((await h.executions.list()).items).toHaveLength(3);
    // notify counts against the same key's budget
    expect((await post('/api/v1/notify', { channels: ['ops'], message: 'x' })).status).toBe(429);
    // another key has its own budget; reads are not counted
    expect((await post('/api/v1/commands', { text: 'say from bob' }, KEYS.bob)).status).toBe(202);
    expect((await app.request('/api/v1/executions', { headers: auth(KEYS.alice) })).status).toBe(200);
  });

  it('defaults to 120 a minute', () => {
    expect(mainSchema.parse({}).limits.per_key_per_minute).toBe(120);
  });
});

describe('data of POST /api/v1/notify', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('refuses 400,000 levels of nesting with 422, and the process keeps answering', async () => {
    const res = await post('/api/v1/notify', `{"channels":["ops"],"message":"m","data":{"x":${nested(400_000)}}}`);
    expect(res.status).toBe(422);
    expect((await json(res)).error).toEqual({ code: 'invalid_request', message: 'body: nested deeper than 64 levels' });
    expect((await post('/api/v1/notify', { channels: ['ops'], message: 'still here' })).status).toBe(202);
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('accepts data 32 levels deep and refuses 33, naming the field', async () => {
    const ok = await post('/api/v1/notify', `{"channels":["ops"],"message":"m","data":{"x":${nested(31)}}}`);
    expect(ok.status).toBe(202);
    const deep = await post('/api/v1/notify', `{"channels":["ops"],"message":"m","data":{"x":${nested(32)}}}`);
    expect(deep.status).toBe(422);
    expect((await json(deep)).error?.message).toBe('data: is nested deeper than 32 levels');
  });

  it('refuses data larger than 64 KB serialized', async () => {
    const res = await post('/api/v1/notify', { channels: ['ops'], message: 'm', data: { blob: 'x'.repeat(70_000) } });
    expect(res.status).toBe(422);
    expect((await json(res)).error?.message).toBe('data: is 70011 bytes serialized; at most 65536 are allowed');
  });
});
