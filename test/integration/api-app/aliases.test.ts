/**
 * The HTTP app (`createApp`) with in-memory executions; the API's own state (per-key rate limit,
 * Idempotency-Key hashes) lives in the real Redis on 127.0.0.1:6379, hence an integration test.
 */
import { describe, expect, it } from 'vitest';
import { compileAliases } from '../../../src/aliases/index.ts';
import { createApp } from '../../../src/app.ts';
import { toAliasSpecs } from '../../../src/config/index.ts';
import { silentLogger } from '../../../src/log.ts';
import { auth, buildConfig, KEYS } from '../../unit/api/fixture.ts';
import { createMemoryExecutions } from '../../unit/api/memory-executions.ts';

const config = buildConfig();
const { matcher } = compileAliases(toAliasSpecs(config));
const executions = createMemoryExecutions();
const app = createApp({ config, matcher, executions, logger: silentLogger });

const match = (text: unknown, key: string = KEYS.alice) =>
  app.request('/api/v1/aliases/match', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth(key) },
    body: JSON.stringify({ text }),
  });

describe('GET /api/v1/aliases', () => {
  const list = async (key: string) =>
    (
      (await (await app.request('/api/v1/aliases', { headers: auth(key) })).json()) as {
        items: { id: string; action: string; description: string | null; formats: string[] }[];
      }
    ).items;

  it('lists only what the caller may run', async () => {
    expect((await list(KEYS.alice)).map((a) => a.id)).toContain('ops.restart');
    expect((await list(KEYS.bob)).map((a) => a.id)).not.toContain('ops.restart');
    expect((await list(KEYS.bob)).map((a) => a.id)).toContain('test.say');
  });

  it('gives id, action, description and display formats', async () => {
    const items = await list(KEYS.alice);
    expect(items.find((a) => a.id === 'ops.restart')).toEqual({
      id: 'ops.restart',
      action: 'ops.restart',
      description: 'Restart a service',
      formats: ['restart {{service}}'],
    });
    expect(items.find((a) => a.id === 'test.count')?.formats).toEqual(['count to <n>']);
  });
});

describe('POST /api/v1/aliases/match', () => {
  it('returns the alias and cast parameters without queueing anything', async () => {
    const res = await match('count to 7');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      matched: true,
      alias: 'test.count',
      action: 'test.count',
      format: 'count to {{count}}',
      params: { count: 7 },
    });
    expect(executions.records).toHaveLength(0);
  });

  it('refuses, by name, a match the caller may not run', async () => {
    expect(await (await match('restart web', KEYS.bob)).json()).toMatchObject({
      matched: false,
      reason: 'forbidden',
      alias: 'ops.restart',
    });
  });

  it('gives the reason and suggestions for no match', async () => {
    const json = (await (await match('restart')).json()) as { matched: boolean; reason: string; suggestions: string[] };
    expect(json).toMatchObject({ matched: false, reason: 'no_match' });
    expect(json.suggestions.length).toBeGreaterThan(0);
  });

  it('gives the candidates of an ambiguity', async () => {
    const json = (await (await match('deploy web')).json()) as { reason: string; candidates: unknown[] };
    expect(json.reason).toBe('ambiguous');
    expect(json.candidates).toHaveLength(2);
  });

  it('names the bad parameter', async () => {
    expect(await (await match('count to lots')).json()).toMatchObject({ matched: false, reason: 'invalid', parameter: 'count' });
  });

  it('refuses a missing text with 422', async () => {
    expect((await match(undefined)).status).toBe(422);
  });
});
