import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../src/auth/password-hash.ts';
import { runCli, type CliIo } from '../../../src/cli/index.ts';

function io(input: string): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (s) => stdout.push(s), err: (s) => stderr.push(s), stdin: Readable.from([Buffer.from(input)]), stdout, stderr };
}

describe('switchboard hash-password', () => {
  it('prints a scrypt password_hash of the password piped in, without its trailing newline', async () => {
    const cli = io('correct horse battery\n');
    expect(await runCli(['hash-password'], cli)).toBe(0);
    expect(cli.stdout).toHaveLength(1);
    const hash = cli.stdout[0]!;
    expect(hash).toMatch(/^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery\n', hash)).toBe(false);
    expect(cli.stderr).toEqual([]);
  });

  it('keeps inner and leading spaces, and drops a CRLF ending', async () => {
    const cli = io(' two  words \r\n');
    expect(await runCli(['hash-password'], cli)).toBe(0);
    expect(await verifyPassword(' two  words ', cli.stdout[0]!)).toBe(true);
  });

  it('refuses an empty password with exit 2 and prints nothing on stdout', async () => {
    for (const input of ['', '\n']) {
      const cli = io(input);
      expect(await runCli(['hash-password'], cli)).toBe(2);
      expect(cli.stdout).toEqual([]);
      expect(cli.stderr.join('\n')).toMatch(/no password given/);
    }
  });

  it('is listed in the usage', async () => {
    const cli = io('');
    await runCli(['help'], cli);
    expect(cli.stdout.join('\n')).toContain('switchboard hash-password');
  });
});
