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

const command = (body: unknown, key: string = KEYS.alice, headers: Record<string, string> = {}) =>
  app.request('/api/v1/commands', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth(key), ...headers },
    body: JSON.stringify(body),
  });

describe('POST /api/v1/commands', () => {
  it('queues the matched action as the key user and answers 202 with the execution', async () => {
    const res = await command({ text: 'say hello world' });
    expect(res.status).toBe(202);
    const { execution } = (await res.json()) as { execution: Record<string, unknown> };
    expect(Object.keys(execution).sort()).toEqual(
      [
        'id',
        'status',
        'alias',
        'action',
        'params',
        'user',
        'origin',
        'created_at',
        'started_at',
        'finished_at',
        'result',
        'error',
        'output',
        'deliveries',
      ].sort(),
    );
    expect(execution).toMatchObject({
      status: 'queued',
      alias: 'test.say',
      action: 'test.echo',
      params: { message: 'hello world' },
      user: 'alice',
      origin: { source: 'api', sender: 'alice-key' },
      started_at: null,
      result: null,
      deliveries: [],
    });
  });

  it('normalises the text as the api ingress does', async () => {
    const res = await command({ text: '@switchboard  Say \u201chi there\u201d ' });
    expect(res.status).toBe(202);
    expect(executions.records[0]?.params).toEqual({ message: 'hi there' });
  });

  it('answers no match with 422 and suggestions', async () => {
    const res = await command({ text: 'restar web' });
    expect(res.status).toBe(422);
    const json = (await res.json()) as { error: { code: string; message: string }; suggestions: string[] };
    expect(json.error.code).toBe('no_match');
    expect(json.suggestions).toContain('restart {{service}}');
  });

  it('answers an ambiguous command with 422 and every candidate', async () => {
    const res = await command({ text: 'deploy web' });
    expect(res.status).toBe(422);
    const json = (await res.json()) as { error: { code: string }; candidates: { alias: string }[] };
    expect(json.error.code).toBe('ambiguous');
    expect(json.candidates.map((c) => c.alias).sort()).toEqual(['test.deploy_app', 'test.deploy_svc']);
    expect(executions.records).toHaveLength(0);
  });

  it('answers a bad parameter with 422 naming it', async () => {
    const res = await command({ text: 'count to lots' });
    expect(res.status).toBe(422);
    const json = (await res.json()) as { error: { code: string; message: string; parameter: string } };
    expect(json.error).toMatchObject({ code: 'bad_parameter', parameter: 'count' });
    expect(json.error.message).toContain('count');
    expect(executions.records).toHaveLength(0);
  });

  it('answers 403 to a user without the alias role and queues nothing', async () => {
    const res = await command({ text: 'restart web' }, KEYS.bob);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden', message: 'you may not run ops.restart' } });
    expect(executions.records).toHaveLength(0);
  });

  it('refuses `user` from a key that may not act for others', async () => {
    const res = await command({ text: 'ping', user: 'bob' }, KEYS.alice);
    expect(res.status).toBe(403);
    expect(executions.records).toHaveLength(0);
  });

  it('accepts `user` equal to the key user', async () => {
    expect((await command({ text: 'ping', user: 'alice' }, KEYS.alice)).status).toBe(202);
  });

  it('runs as `user`, with that user roles, for a key that may act for others', async () => {
    expect((await command({ text: 'restart web', user: 'bob' }, KEYS.bridge)).status).toBe(403);
    const res = await command({ text: 'restart web', user: 'alice' }, KEYS.bridge);
    expect(res.status).toBe(202);
    expect(executions.records[0]).toMatchObject({ user: 'alice', origin: { sender: 'bridge' } });
  });

  it('refuses an unknown `user` and runs nothing', async () => {
    const res = await command({ text: 'ping', user: 'mallory' }, KEYS.bridge);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'unknown_user' } });
    expect(executions.records).toHaveLength(0);
  });

  it('returns the same execution for a repeated Idempotency-Key', async () => {
    const first = await command({ text: 'say once' }, KEYS.alice, { 'idempotency-key': 'k-1' });
    const again = await command({ text: 'say once' }, KEYS.alice, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const a = (await first.json()) as { execution: { id: string } };
    const b = (await again.json()) as { execution: { id: string } };
    expect(b.execution.id).toBe(a.execution.id);
    expect(executions.records).toHaveLength(1);
  });

  it('keeps the Idempotency-Keys of different API keys apart', async () => {
    await command({ text: 'ping' }, KEYS.alice, { 'idempotency-key': 'same' });
    await command({ text: 'ping' }, KEYS.bob, { 'idempotency-key': 'same' });
    expect(executions.records).toHaveLength(2);
  });

  it('masks parameters the action marks secret', async () => {
    const res = await command({ text: 'say hi token=s3cr3t-value' });
    expect(res.status).toBe(202);
    const text = await res.text();
    expect(text).not.toContain('s3cr3t-value');
    expect(JSON.parse(text).execution.params).toEqual({ message: 'hi', token: '[redacted]' });
  });
});

describe('POST /api/v1/commands, as each user sees the aliases', () => {
  it('does not let an alias the user may not run make the command ambiguous', async () => {
    expect((await command({ text: 'purge cache' }, KEYS.alice)).status).toBe(422);
    const res = await command({ text: 'purge cache' }, KEYS.bob);
    expect(res.status).toBe(202);
    expect(executions.records[0]).toMatchObject({ alias: 'test.purge', user: 'bob' });
  });

  it('suggests only what the user may run', async () => {
    const alice = (await (await command({ text: 'restar web' }, KEYS.alice)).json()) as { suggestions: string[] };
    const bob = (await (await command({ text: 'restar web' }, KEYS.bob)).json()) as { suggestions: string[] };
    expect(alice.suggestions).toContain('restart {{service}}');
    expect(bob.suggestions).not.toContain('restart {{service}}');
  });

  it('refuses by name a bad value for an alias the user may not run', async () => {
    const res = await command({ text: 'restart db' }, KEYS.bob);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden', message: 'you may not run ops.restart' } });
  });

  it('never runs a disabled alias', async () => {
    const res = await command({ text: 'switched off' });
    expect(res.status).toBe(422);
    expect(executions.records).toHaveLength(0);
  });
});
