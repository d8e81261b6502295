/**
 * The HTTP app (`createApp`) with in-memory executions; the API's own state (per-key rate limit,
 * Idempotency-Key hashes) lives in the real Redis on 127.0.0.1:6379, hence an integration test.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { compileAliases } from '../../../src/aliases/index.ts';
import { createApp } from '../../../src/app.ts';
import { toAliasSpecs } from '../../../src/config/index.ts';
import { UnavailableError } from '../../../src/errors.ts';
import { createLogger, silentLogger } from '../../../src/log.ts';
import { Writable } from 'node:stream';
import { auth, buildConfig, KEYS } from '../../unit/api/fixture.ts';
import { createMemoryExecutions, type MemoryExecutions } from '../../unit/api/memory-executions.ts';

const config = buildConfig({ bodyLimit: 2048, commandLength: 200 });
const { matcher } = compileAliases(toAliasSpecs(config));

let executions: MemoryExecutions;
let app: ReturnType<typeof createApp>;

beforeEach(() => {
  executions = createMemoryExecutions();
  app = createApp({ config, matcher, executions, logger: silentLogger });
});

const post = (path: string, body: unknown, headers: Record<string, string> = auth(KEYS.alice)) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const get = (path: string, key: string = KEYS.alice) => app.request(path, { headers: auth(key) });

describe('health', () => {
  it('answers /healthz with 200', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
  });

  it('answers /readyz with 200 when Redis answers and 503 when not', async () => {
    expect((await app.request('/readyz')).status).toBe(200);
    executions.up = false;
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } });
  });
});

describe('errors', () => {
  it('answers an unknown route with a JSON 404', async () => {
    const res = await get('/api/v1/nothing');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses bad JSON with 400', async () => {
    const res = await post('/api/v1/commands', '{"text": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'bad_json' } });
  });

  it.each([
    ['text is missing', {}, /text: is required/],
    ['text is not a string', { text: 5 }, /text: must be a string/],
    ['text is too long', { text: `say ${'x'.repeat(200)}` }, /text: is longer than 200 characters/],
    ['text is blank', { text: '   ' }, /text: is empty/],
    ['user is not a string', { text: 'ping', user: 3 }, /user: must be a string/],
  ])('refuses a body where %s with 422', async (_label, body, message) => {
    const res = await post('/api/v1/commands', body);
    expect(res.status).toBe(422);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('invalid_request');
    expect(json.error.message).toMatch(message);
    expect(executions.records).toHaveLength(0);
  });

  it('refuses a body over server.body_limit with a JSON 413', async () => {
    const res = await post('/api/v1/commands', { text: 'x'.repeat(3000) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('answers an unexpected failure with a bare 500 that leaks nothing', async () => {
    executions.submit = async () => {
      throw new Error(`connect failed with password ${KEYS.bob} at /srv/secret/path.ts:12`);
    };
    const res = await post('/api/v1/commands', { text: 'ping' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(text).not.toContain(KEYS.bob);
    expect(text).not.toContain('/srv');
  });

  it('logs an unexpected failure, with secrets redacted', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'error', secrets: config.secrets, destination });
    executions.submit = async () => {
      throw new Error(`boom ${KEYS.bob}`);
    };
    const logged = createApp({ config, matcher, executions, logger });
    expect(
      (
        await logged.request('/api/v1/commands', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth(KEYS.alice) },
          body: JSON.stringify({ text: 'ping' }),
        })
      ).status,
    ).toBe(500);
    const all = lines.join('');
    expect(all).toContain('request failed');
    expect(all).toContain('boom [redacted]');
    expect(all).not.toContain(KEYS.bob);
  });

  it('answers an unreachable queue with 503', async () => {
    executions.submit = async () => {
      throw new UnavailableError('redis is not reachable');
    };
    const res = await post('/api/v1/commands', { text: 'ping' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } });
  });
});

describe('bearer keys', () => {
  it.each([
    ['no Authorization header', {}],
    ['a wrong key', auth('not-a-key')],
    ['another scheme', { authorization: `Basic ${KEYS.alice}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('refuses %s with a JSON 401 on every API route', async (_label, headers) => {
    for (const res of [
      await app.request('/api/v1/aliases', { headers }),
      await app.request('/api/v1/executions', { headers }),
      await post('/api/v1/commands', { text: 'ping' }, headers),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe('unauthorized');
    }
    expect(executions.records).toHaveLength(0);
  });
});
