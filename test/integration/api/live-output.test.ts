/**
 * The live output of a running action through `GET /api/v1/executions/:id`, against real Redis and
 * a real worker: it grows while the action runs, is bounded by `executions.output_limit`, is
 * redacted like `result`, is readable only by who may read the execution, and gives way to the
 * result at the end (and starts afresh when a failed run is retried).
 *
 * The actions wait for files the test creates before printing on, so each snapshot is taken at a
 * known point of the run: nothing depends on how fast the machine is.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionSchema } from '../../../src/config/schema.ts';
import { client, createHarness, KEYS, terminal, type Client, type ExecutionJson, type Harness } from './harness.ts';

interface LiveJson extends ExecutionJson {
  output: { stdout: string; stderr: string; updated_at: string } | null;
}

let h: Harness;
let api: Client;
let dir: string;

/** waits (in the shell) until `$DIR/<name>` exists */
const until = (name: string) => `until [ -e "$0/${name}" ]; do sleep 0.05; done`;
const go = (name: string) => writeFileSync(join(dir, name), '');

function addShellAction(name: string, script: string, extra: Record<string, unknown> = {}) {
  const parsed = actionSchema.parse({ name, runner: 'shell', command: ['sh', '-c', script, dir], ...extra });
  // the harness's config object is the one the API and the worker read: added before the worker starts
  h.config.actions.set(name, { ...parsed, ref: name, file: 'actions/live.yaml' });
}

const submit = async (action: string) => (await h.executions.submit({ action, params: {}, user: 'alice' })).execution.id;
const read = async (id: string, key: string = KEYS.alice) => (await (await api.get(`/api/v1/executions/${id}`, key)).json()) as LiveJson;
const waitFor = (id: string, done: (e: LiveJson) => boolean) => api.waitFor(id, (e) => done(e as LiveJson)) as Promise<LiveJson>;

beforeEach(async () => {
  h = await createHarness();
  api = client(h.app);
  dir = mkdtempSync(join(tmpdir(), 'sb-live-'));
});
afterEach(async () => {
  await h.cleanup();
});

describe('live output of a running action (GET /api/v1/executions/:id)', () => {
  it('grows while the action runs, then the result replaces it', async () => {
    addShellAction('live.lines', `echo "line 1"; echo "warming up" >&2; ${until('go1')}; echo "line 2"; ${until('go2')}; echo "line 3"`);
    await h.startWorker();
    const id = await submit('live.lines');

    const first = await waitFor(id, (e) => e.output?.stdout === 'line 1\n' && e.output.stderr === 'warming up\n');
    expect(first.status).toBe('running');
    expect(Date.parse(first.output!.updated_at)).not.toBeNaN();

    go('go1');
    const second = await waitFor(id, (e) => e.output?.stdout === 'line 1\nline 2\n');
    expect(second.status).toBe('running');
    expect(second.output!.stdout.length).toBeGreaterThan(first.output!.stdout.length);
    expect(second.output!.stdout.startsWith(first.output!.stdout)).toBe(true);

    go('go2');
    const done = await waitFor(id, terminal);
    expect(done.status).toBe('succeeded');
    expect(done.output).toBeNull();
    expect(done.result).toEqual({ stdout: 'line 1\nline 2\nline 3\n', stderr: 'warming up\n', return_code: 0 });
  });

  it('is null for a running action that has printed nothing, and for a queued one', async () => {
    addShellAction('live.quiet', until('go'));
    const id = await submit('live.quiet');
    expect((await read(id)).output).toBeNull();
    await h.startWorker();
    const running = await waitFor(id, (e) => e.status === 'running');
    expect(running.output).toBeNull();
    go('go');
    expect((await waitFor(id, terminal)).output).toBeNull();
  });

  it('keeps at most executions.output_limit bytes per stream, saying how many it dropped', async () => {
    h.config.main.executions.output_limit = 64;
    addShellAction('live.chatty', `i=0; while [ $i -lt 50 ]; do echo "0123456789"; i=$((i+1)); done; ${until('go')}`);
    await h.startWorker();
    const id = await submit('live.chatty');
    // 50 lines of 11 bytes: 64 kept, 486 dropped
    const live = await waitFor(id, (e) => e.output?.stdout.includes('[truncated 486 bytes]') === true);
    expect(live.status).toBe('running');
    // 64 = five whole lines and nine bytes of the sixth
    expect(live.output!.stdout).toBe(`${'0123456789\n'.repeat(5)}012345678\n…[truncated 486 bytes]`);
    go('go');
    const done = await waitFor(id, terminal);
    expect(done.output).toBeNull();
    expect((done.result as { stdout: string }).stdout).toBe(live.output!.stdout);
  });

  it('redacts config secrets like result, and answers 404 to who may not read the execution', async () => {
    addShellAction('live.leaky', `echo "token ${KEYS.bob} printed"; ${until('go')}`);
    await h.startWorker();
    const id = await submit('live.leaky');
    const live = await waitFor(id, (e) => (e.output?.stdout.length ?? 0) > 0);
    expect(live.output!.stdout).toBe('token [redacted] printed\n');
    expect(JSON.stringify(live)).not.toContain(KEYS.bob);
    // bob may read only his own executions: alice's running one does not exist for him
    expect((await api.get(`/api/v1/executions/${id}`, KEYS.bob)).status).toBe(404);
    go('go');
    await waitFor(id, terminal);
  });

  it('starts afresh when a failed run is retried', async () => {
    addShellAction(
      'live.retry',
      `if [ -e "$0/ran" ]; then echo "second run"; ${until('go')}; else touch "$0/ran"; echo "first run"; ${until('fail')}; exit 1; fi`,
      { retries: 1 },
    );
    await h.startWorker();
    const id = await submit('live.retry');
    expect((await waitFor(id, (e) => e.output?.stdout === 'first run\n')).status).toBe('running');
    go('fail');
    const second = await waitFor(id, (e) => e.output?.stdout.includes('second run') === true);
    expect(second.status).toBe('running');
    expect(second.output!.stdout).toBe('second run\n');
    expect(existsSync(join(dir, 'ran'))).toBe(true);
    go('go');
    const done = await waitFor(id, terminal);
    expect(done.status).toBe('succeeded');
    expect(done.output).toBeNull();
  });
});
