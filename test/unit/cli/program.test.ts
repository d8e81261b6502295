/**
 * The command line itself (src/cli/program.ts): per-command help with examples, --version,
 * "did you mean" for commands and options, options checked per command, `help COMMAND`, and the
 * exit codes of usage errors. In process, through runCli with captured output.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../../src/cli/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => out.push(s), err: (s) => err.push(s), stdin: Readable.from([stdin]) };
  const code = await runCli(args, io);
  return { code, out: out.join(''), err: err.join('') };
}

const commands = ['serve', 'validate', 'match', 'send', 'routes', 'schemas', 'hash-password', 'slack-manifest'];

/** Options each command's help must list (its own), and one it must not (another command's). */
const own: Record<string, { has: string[]; not: string }> = {
  serve: { has: ['--config', '--role'], not: '--json' },
  validate: { has: ['--config'], not: '--role' },
  match: { has: ['--config', '--format', '--source', '--json'], not: '--status' },
  send: { has: ['--config', '--target'], not: '--format' },
  routes: { has: ['--status', '--action', '--alias', '--user', '--data', '--param', '--trigger', '--json'], not: '--role' },
  schemas: { has: ['--out'], not: '--config' },
  'hash-password': { has: ['--help'], not: '--config' },
  'slack-manifest': { has: ['--config', '--url', '--channel', '--json'], not: '--status' },
};

describe('switchboard COMMAND --help', () => {
  it.each(commands)('%s: its own usage, options and examples, exit 0', async (command) => {
    const r = await cli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(new RegExp(`^Usage: switchboard ${command} `));
    expect(r.out).toContain('Examples:');
    expect(r.out).toContain(`$ switchboard ${command}`);
    const { has, not } = own[command] as { has: string[]; not: string };
    for (const option of has) expect(r.out).toContain(option);
    expect(r.out).not.toContain(not);
  });

  it('differs from one command to the next (not one global usage)', async () => {
    const pages = await Promise.all(commands.map(async (c) => (await cli([c, '-h'])).out));
    expect(new Set(pages).size).toBe(commands.length);
  });

  it('help COMMAND prints the same page as COMMAND --help', async () => {
    for (const command of ['match', 'send', 'slack-manifest']) {
      const a = await cli(['help', command]);
      const b = await cli([command, '--help']);
      expect(a.code).toBe(0);
      expect(a.out).toBe(b.out);
    }
  });

  it('the overview (help, --help) lists every command and examples; no command at all is a usage error on stderr', async () => {
    for (const args of [['help'], ['--help']]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      for (const c of commands) expect(r.out).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
      expect(r.out).toContain('switchboard help COMMAND');
    }
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.out).toBe('');
    expect(none.err).toContain('Usage: switchboard [options] [command]');
  });
});

describe('switchboard --version', () => {
  it('prints the version of package.json', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await cli([flag]);
      expect(r.code).toBe(0);
      expect(r.out.trim()).toBe(pkg.version);
    }
  });
});

describe('usage errors', () => {
  it('suggests the command for a typo, also after help and before --help', async () => {
    for (const args of [['mtach', 'ping'], ['help', 'mtach'], ['mtach', '--help'], ['slack-manifets']]) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/unknown command '(mtach|slack-manifets)'/);
      expect(r.err).toMatch(/Did you mean (match|slack-manifest)\?/);
    }
  });

  it('suggests the option for a typo, among the options of that command', async () => {
    const r = await cli(['match', '--config', root, '--jsno', 'ping']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option '--jsno'");
    expect(r.err).toContain('Did you mean --json?');
    const routes = await cli(['routes', '--stauts', 'failed', '--action', 'ops.restart']);
    expect(routes.code).toBe(2);
    expect(routes.err).toContain('Did you mean --status?');
  });

  it('refuses an option of another command, naming the commands that take it', async () => {
    const r = await cli(['validate', '--config', root, '--json']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("'validate' takes no option '--json'");
    expect(r.err).toMatch(/an option of match, routes, slack-manifest/);
    const role = await cli(['match', '--role', 'worker', 'ping']);
    expect(role.code).toBe(2);
    expect(role.err).toContain("'match' takes no option '--role' (an option of serve)");
  });

  it('names a missing argument or required option, and too many arguments', async () => {
    const send = await cli(['send', '--config', root, 'log']);
    expect(send.code).toBe(2);
    expect(send.err).toContain("missing required argument 'message'");
    const routes = await cli(['routes', '--config', root, '--action', 'ops.restart']);
    expect(routes.code).toBe(2);
    expect(routes.err).toContain('routes needs --status and --action');
    const extra = await cli(['validate', '--config', root, 'extra']);
    expect(extra.code).toBe(2);
    expect(extra.err).toContain('too many arguments');
  });

  it('keeps the checks and messages of the values it always had', async () => {
    const role = await cli(['serve', '--config', root, '--role', 'boss']);
    expect(role.code).toBe(2);
    expect(role.err).toContain('--role must be all, gateway or worker, not "boss"');
    const data = await cli(['routes', '--config', root, '--status', 'failed', '--action', 'ops.restart', '--data', 'oops']);
    expect(data.code).toBe(2);
    expect(data.err).toContain('expected key=value, got "oops"');
  });
});

describe('existing forms', () => {
  it('validate --config DIR and -c DIR', async () => {
    for (const flag of ['--config', '-c']) {
      const r = await cli(['validate', flag, root]);
      expect(r.code).toBe(0);
      expect(r.out).toContain('config OK');
    }
  });

  it('takes --config from $SWITCHBOARD_CONFIG when not given', async () => {
    const before = process.env.SWITCHBOARD_CONFIG;
    process.env.SWITCHBOARD_CONFIG = root;
    try {
      const r = await cli(['match', '--json', 'ping']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).alias).toBe('core.ping');
    } finally {
      if (before === undefined) delete process.env.SWITCHBOARD_CONFIG;
      else process.env.SWITCHBOARD_CONFIG = before;
    }
  });

  it('match takes options after the command words, and repeated --data / --param reach routes', async () => {
    const m = await cli(['match', 'restart', 'web', 'on', 'prod', '--config', root, '--json']);
    expect(m.code).toBe(0);
    expect(JSON.parse(m.out).params).toEqual({ service: 'web', env: 'prod' });
    const r = await cli([
      'routes',
      '--config',
      root,
      '--status',
      'failed',
      '--action',
      'ops.restart',
      '--param',
      'service=api',
      '--param',
      'env=prod',
      '--data',
      'a=1',
      '--data',
      'b.c=2',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out);
    expect(body.execution.params).toMatchObject({ service: 'api', env: 'prod' });
    expect(body.notifications[0].notification.data).toMatchObject({ a: '1', b: { c: '2' } });
  });
});
