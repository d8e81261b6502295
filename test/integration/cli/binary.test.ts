/**
 * The real `switchboard` binary (bin/switchboard.js, a child process): per-command help, --version,
 * suggestions, per-command options, `help COMMAND`, `send` by a channel's own name and the listing
 * of names, `match` batch mode over stdin with blank lines. Exit codes as documented.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

function sb(args: string[], stdin = ''): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/switchboard.js'), ...args], {
      cwd: root,
      // SWITCHBOARD_CODE=src|dist picks the code bin/switchboard.js runs (else: dist/ when current)
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SWITCHBOARD_CODE: process.env.SWITCHBOARD_CODE ?? '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(stdin);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'sb-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const files: Record<string, string> = {
  'switchboard.yaml': 'server:\n  port: 0\n',
  'channels/log.yaml': 'name: log\nkind: log\n',
  'channels/team-log.yaml': 'name: team-log\nkind: log\ndefault_target: team\n',
  'rules/rules.yaml': 'rules:\n  - name: ops to the log\n    channel: ops\n    to: [{ channel: log, target: ops-room }]\n',
};
for (const [rel, text] of Object.entries(files)) {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

describe('bin/switchboard.js', () => {
  it('--version prints the package version; COMMAND --help and help COMMAND print that command', async () => {
    const [version, help, helpCmd] = await Promise.all([sb(['--version']), sb(['match', '--help']), sb(['help', 'send'])]);
    expect(version).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: switchboard match \[options\] \[command\.\.\.\]/);
    expect(help.out).toContain('--source <source>');
    expect(help.out).toContain("$ switchboard match 'restart web on prod'");
    expect(helpCmd.code).toBe(0);
    expect(helpCmd.out).toMatch(/^Usage: switchboard send \[options\] <name> <message\.\.\.>/);
    expect(helpCmd.out).toContain('--target <target>');
  });

  it('suggests a mistyped command and option, and refuses an option of another command, exit 2', async () => {
    const [command, option, other] = await Promise.all([
      sb(['mtach', 'ping']),
      sb(['match', '--config', root, '--jsno', 'ping']),
      sb(['validate', '--config', root, '--role', 'worker']),
    ]);
    expect(command.code).toBe(2);
    expect(command.err).toBe("error: unknown command 'mtach'\n(Did you mean match?)\n");
    expect(option.code).toBe(2);
    expect(option.err).toBe("error: unknown option '--jsno'\n(Did you mean --json?)\n");
    expect(other.code).toBe(2);
    expect(other.err).toContain("'validate' takes no option '--role' (an option of serve)");
    expect(other.out).toBe('');
  });

  it('send: a channel by its own name, a notify name through the rules, and the listing for neither', async () => {
    const [channel, target, notify, unknown] = await Promise.all([
      sb(['send', '--config', dir, 'team-log', 'hello', 'team']),
      sb(['send', '--config', dir, '--target', 'elsewhere', 'log', 'hi']),
      sb(['send', '--config', dir, 'ops', 'deploy', 'done']),
      sb(['send', '--config', dir, 'lgo', 'hi']),
    ]);
    expect(channel.code).toBe(0);
    expect(channel.out).toMatch(/"target":"team".*"text":"hello team"/);
    expect(channel.out).toContain('sent     team-log team');
    expect(channel.out).toContain('straight to the channel');
    expect(target.code).toBe(0);
    expect(target.out).toContain('sent     log elsewhere');
    expect(notify.code).toBe(0);
    expect(notify.out).toContain('sent     log ops-room');
    expect(notify.out).toContain('rule "ops to the log"');
    expect(unknown.code).toBe(1);
    expect(unknown.out).toBe('');
    expect(unknown.err).toBe(
      '"lgo" is neither a notify name nor a channel: nothing to send (did you mean "log"?)\n' +
        "  notify names (rules' channel): ops\n" +
        '  channels: log (log), team-log (log)\n',
    );
  });

  it('match reads stdin and answers every line, blank lines included', async () => {
    const input = 'ping\n\nrestart web on prod\n \nnonsense words here\n';
    const [json, text] = await Promise.all([sb(['match', '--config', root, '--json'], input), sb(['match', '--config', root], input)]);
    expect(json.code).toBe(1);
    const lines = json.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.reason ?? 'matched')).toEqual(['matched', 'empty', 'matched', 'empty', 'no_match']);
    expect(text.out.trimEnd().split('\n')).toHaveLength(5);
    expect(text.out.split('\n')[1]).toBe('(no command)');
  });
});
