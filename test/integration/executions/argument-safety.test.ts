/**
 * Argument safety in the runners (issue 12 item 4): values rendered into an http action's url are
 * percent-encoded (a local HTTP server records what was asked), and the shell runner refuses an
 * argv element that a value turned into an option, even when the matcher was bypassed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { action, listenLocal, waitForStatus } from './helpers.ts';
import { harness, type Harness } from './setup.ts';

let h: Harness;
let base: string;
let close: () => Promise<void>;
const asked: string[] = [];

beforeAll(async () => {
  ({ base, close } = await listenLocal((req, res) => {
    asked.push(req.url!);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
  }));
});
afterAll(() => close());
afterEach(async () => h?.close());

describe('http runner url', () => {
  it('percent-encodes each value: `../` stays in its segment, `?` and `#` inject nothing', async () => {
    h = harness([action('t.status', { runner: 'http', url: `${base}/status/{{ path }}?by={{ who }}` })]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.status', params: { path: '../../admin/secret?x=#top', who: 'a&b=c' }, user: 'alice' });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(asked.at(-1)).toBe('/status/..%2F..%2Fadmin%2Fsecret%3Fx%3D%23top?by=a%26b%3Dc');
  });

  it('lets a value through as written with `| safe`, and does not encode `| urlencode` twice', async () => {
    h = harness([action('t.raw', { runner: 'http', url: `${base}/{{ tail | safe }}?q={{ q | urlencode }}` })]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.raw', params: { tail: 'a/b', q: 'x y' } });
    expect((await waitForStatus(h.service, execution.id, ['succeeded', 'failed'])).status).toBe('succeeded');
    expect(asked.at(-1)).toBe('/a/b?q=x%20y');
  });
});

describe('shell runner argv', () => {
  it('refuses a value that would become an option (`ls --version`), naming the parameter, and runs nothing', async () => {
    h = harness([action('t.ls', { runner: 'shell', command: ['ls', '{{ dir }}'], parameters: { dir: { type: 'string' } } })]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.ls', params: { dir: '--version' } });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^bad value for dir: expected a value not starting with "-"/);
    expect(JSON.stringify(done.result ?? {})).not.toContain('coreutils');
  });

  it('runs it when the parameter says allow_dash: true', async () => {
    h = harness([action('t.ls', { runner: 'shell', command: ['ls', '{{ dir }}', '/'], parameters: { dir: { type: 'string', allow_dash: true } } })]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.ls', params: { dir: '-d' } });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect((done.result as { stdout: string }).stdout.trim()).toBe('/');
  });
});
