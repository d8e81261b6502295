import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { action, listenLocal, waitFor, waitForStatus } from './helpers.ts';
import { harness, type Harness } from './setup.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
let h: Harness;
let base: string;
let close: () => Promise<void>;
const received: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  ({ base, close } = await listenLocal((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url?.startsWith('/fail')) return res.writeHead(503, { 'content-type': 'text/plain' }).end('down');
      if (req.url?.startsWith('/hang')) return; // never answers
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, path: req.url }));
    });
  }));
});
afterAll(() => close());
afterEach(async () => h?.close());

describe('http runner', () => {
  it('sends rendered method, url, headers and JSON body; 2xx succeeds with parsed body', async () => {
    h = harness([
      action('t.hook', {
        runner: 'http',
        method: 'post',
        url: `${base}/svc/{{ service }}?by={{ user }}`,
        headers: { 'x-run': '{{ execution.id }}' },
        body: { service: '{{ service }}', n: 3 },
      }),
    ]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.hook', params: { service: 'web {{x}}' }, user: 'alice' });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.result).toMatchObject({ status_code: 200, body: { ok: true } });
    const req = received.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/svc/web%20%7B%7Bx%7D%7D?by=alice');
    expect(req.headers['x-run']).toBe(execution.id);
    expect(JSON.parse(req.body)).toEqual({ service: 'web {{x}}', n: 3 });
  });

  it('fails on a non-2xx status', async () => {
    h = harness([action('t.down', { runner: 'http', url: `${base}/fail` })]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.down', params: {} });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.error).toContain('503');
    expect(done.result).toMatchObject({ status_code: 503, body: 'down' });
  });

  it('ends timeout when the server does not answer', async () => {
    h = harness([action('t.hang', { runner: 'http', url: `${base}/hang`, timeout: 0.5 })]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.hang', params: {} });
    expect((await waitForStatus(h.service, execution.id, ['succeeded', 'failed', 'timeout'])).status).toBe('timeout');
  });
});

describe('module runner', () => {
  it('calls the named export with params and context', async () => {
    h = harness([action('t.add', { runner: 'module', module: 'actions.ts', export: 'add' })], { dir: FIXTURES });
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.add', params: { a: 2, b: 5 } });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    expect(done.result).toEqual({ sum: 7, id: execution.id });
  });

  it('fails with the thrown message', async () => {
    h = harness([action('t.boom', { runner: 'module', module: 'actions.ts', export: 'explode' })], { dir: FIXTURES });
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.boom', params: {} });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    expect(done).toMatchObject({ status: 'failed', error: 'kaboom' });
  });

  it('ends timeout even when the module ignores its signal', async () => {
    h = harness([action('t.stubborn', { runner: 'module', module: 'actions.ts', export: 'stubborn', timeout: 0.5 })], { dir: FIXTURES });
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.stubborn', params: {} });
    expect((await waitForStatus(h.service, execution.id, ['succeeded', 'failed', 'timeout'])).status).toBe('timeout');
  });
});

describe('retries', () => {
  it('runs a failing action retries+1 times with backoff, then ends failed', async () => {
    h = harness([action('t.flaky', { runner: 'shell', retries: 2, command: ['sh', '-c', 'echo no >&2; exit 1'] })]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.flaky', params: {} });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed'], 30_000);
    expect(done).toMatchObject({ status: 'failed', attempts: 3 });
    await waitFor(() => h.terminal.length === 1, 'one terminal hook');
  });
});

describe('builtin runner', () => {
  it('answers ping, echo, noop, status and help', async () => {
    h = harness([]);
    await h.startWorker({ builtins: { help: async (user, filter, page) => ({ user, filter, page }) } });
    const run = async (action: string, params: Record<string, unknown>) => {
      const { execution } = await h.service.submit({ action, params, user: 'alice' });
      return waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    };
    expect((await run('core.ping', {})).result).toBe('pong');
    expect((await run('core.echo', { a: [1, 2] })).result).toEqual({ a: [1, 2] });
    const noop = await run('core.noop', {});
    expect(noop.status).toBe('succeeded');
    expect((await run('core.status', { id: noop.id })).result).toMatchObject({
      id: noop.id,
      status: 'succeeded',
      text: `${noop.id} core.noop: succeeded (alice)`,
    });
    expect((await run('core.help', { filter: 'dep' })).result).toEqual({ user: 'alice', filter: 'dep', page: 1 });
    expect((await run('core.status', { id: 'zzzzzzzz' })).status).toBe('failed');
  });

  it('cancels another execution with core.cancel', async () => {
    h = harness([action('t.sleep', { runner: 'shell', command: ['sleep', '300'] })], { executions: { concurrency: 2 } });
    await h.startWorker();
    const target = (await h.service.submit({ action: 't.sleep', params: {}, user: 'alice' })).execution;
    await waitForStatus(h.service, target.id, ['running']);
    // someone else's: answered like an unknown id, and it keeps running
    const bobs = (await h.service.submit({ action: 'core.cancel', params: { id: target.id }, user: 'bob' })).execution;
    expect(await waitForStatus(h.service, bobs.id, ['succeeded', 'failed'])).toMatchObject({ status: 'failed', error: `no execution ${target.id}` });
    expect((await h.service.get(target.id))?.status).toBe('running');
    const { execution } = await h.service.submit({ action: 'core.cancel', params: { id: target.id }, user: 'alice' });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    expect(done.result).toMatchObject({ id: target.id, status: 'canceled' });
  });
});
