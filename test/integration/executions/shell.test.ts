import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { action, pidAlive, readPid, tempDir, waitFor, waitForStatus } from './helpers.ts';
import { harness, type Harness } from './setup.ts';

const PRINT_ARGV = fileURLToPath(new URL('./fixtures/print-argv.mjs', import.meta.url));
let h: Harness;
afterEach(async () => h?.close());

describe('shell runner', () => {
  it('ends succeeded with stdout', async () => {
    h = harness([action('t.hello', { runner: 'shell', command: ['echo', 'hello {{ who }}'] })]);
    await h.startWorker();
    const { execution, created } = await h.service.submit({ action: 't.hello', params: { who: 'world' } });
    expect(created).toBe(true);
    expect(execution.status).toBe('queued');
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.result).toEqual({ stdout: 'hello world\n', stderr: '', return_code: 0 });
    expect(done.attempts).toBe(1);
    expect(done.started_at).toBeTruthy();
    expect(done.finished_at).toBeTruthy();
    await waitFor(() => h.terminal.length === 1, 'onTerminal');
    expect(h.terminal[0]!.id).toBe(execution.id);
  });

  it('ends failed with the exit code and stderr', async () => {
    h = harness([action('t.fail', { runner: 'shell', command: ['sh', '-c', 'echo oops >&2; exit 3'] })]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.fail', params: {} });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.result).toMatchObject({ return_code: 3, stderr: 'oops\n' });
    expect(done.error).toContain('exit code 3');
    expect(done.error).toContain('oops');
  });

  it.each(['web; rm -rf /', '$(id)', '`id`', 'a b "c" \'d\'', '{{ 7*7 }}', '--help'])('passes the value %j as one literal argument', async (value) => {
    // allow_dash: the value `--help` is meant to reach the program as written (without it, the
    // runner refuses it as an option: test/integration/executions/argument-safety.test.ts)
    h = harness([
      action('t.args', {
        runner: 'shell',
        command: ['node', PRINT_ARGV, '{{ service }}'],
        parameters: { service: { type: 'string', allow_dash: true } },
      }),
    ]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.args', params: { service: value } });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(JSON.parse((done.result as { stdout: string }).stdout)).toEqual([value]);
  });

  it('ends timeout and leaves no process of its group behind', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'child.pid');
    h = harness([
      action('t.slow', {
        runner: 'shell',
        timeout: 1,
        command: ['sh', '-c', 'trap "" TERM; sleep 300 & echo $! > "$1"; echo $$ > "$1.sh"; wait', 'sh', pidFile],
      }),
    ]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.slow', params: {} });
    const child = await readPid(pidFile);
    const sh = await readPid(`${pidFile}.sh`);
    const done = await waitForStatus(h.service, execution.id, ['timeout', 'failed', 'succeeded']);
    expect(done.status).toBe('timeout');
    expect(done.error).toContain('timed out');
    await waitFor(() => !pidAlive(child) && !pidAlive(sh), 'the process group to be gone');
  });

  it('passes only allowed and configured environment, in cwd', async () => {
    const dir = tempDir();
    h = harness([
      action('t.env', {
        runner: 'shell',
        cwd: dir,
        env: { GREETING: 'hi {{ who }}' },
        env_allow: ['PATH'],
        command: ['node', '-e', 'console.log(JSON.stringify({ env: process.env, cwd: process.cwd() }))'],
      }),
    ]);
    await h.startWorker({ env: { PATH: process.env.PATH, SECRET_TOKEN: 'x' } });
    const { execution } = await h.service.submit({ action: 't.env', params: { who: 'bob' } });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    const out = JSON.parse((done.result as { stdout: string }).stdout);
    expect(out.cwd).toBe(dir);
    expect(out.env.GREETING).toBe('hi bob');
    expect(out.env.SECRET_TOKEN).toBeUndefined();
  });

  it('keeps output up to output_limit and marks the truncation', async () => {
    h = harness([action('t.big', { runner: 'shell', command: ['node', '-e', 'process.stdout.write("x".repeat(5000))'] })], {
      executions: { output_limit: 100 },
    });
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.big', params: {} });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    const stdout = (done.result as { stdout: string }).stdout;
    expect(stdout.startsWith('x'.repeat(100))).toBe(true);
    expect(stdout).toContain('[truncated 4900 bytes]');
  });

  it('ends failed when the program does not exist', async () => {
    h = harness([action('t.none', { runner: 'shell', command: ['/no/such/program'] })]);
    await h.startWorker();
    const { execution } = await h.service.submit({ action: 't.none', params: {} });
    const done = await waitForStatus(h.service, execution.id, ['succeeded', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.error).toContain('cannot run');
  });
});
