import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../../src/cli/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const broken = fileURLToPath(new URL('../../fixtures/alias-unknown-action', import.meta.url));

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => out.push(s), err: (s) => err.push(s), stdin: Readable.from([stdin]) };
  const code = await runCli(args, io);
  return { code, out, err };
}

describe('switchboard match', () => {
  it('prints the alias, format and cast parameters and exits 0 on a match', async () => {
    const r = await cli(['match', '--config', root, 'Restart web on prod']);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toContain('matched ops.restart -> ops.restart');
    expect(r.out.join('\n')).toContain('service = "web"');
    expect(r.out.join('\n')).toContain('env = "prod"');
  });

  it('gives the --json shape of docs/contracts.md section 5 with defaults applied', async () => {
    const r = await cli(['match', '--config', root, '--json', 'deploy api 1.4.2']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0]!)).toEqual({
      matched: true,
      alias: 'ops.deploy',
      action: 'ops.deploy',
      format: 'deploy {{app}} {{version}}',
      params: { app: 'api', version: '1.4.2', env: 'staging' },
    });
  });

  it('answers no match with suggestions and exits 1', async () => {
    const r = await cli(['match', '--config', root, '--json', 'restrat web']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out[0]!);
    expect(j).toMatchObject({ matched: false, reason: 'no_match' });
    expect(j.suggestions.length).toBeGreaterThan(0);
    expect(j.suggestions[0]).toMatch(/^restart/);
  });

  it('names the parameter and the expected values for a bad value', async () => {
    const r = await cli(['match', '--config', root, '--json', 'restart db on prod']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out[0]!);
    expect(j.reason).toBe('invalid');
    expect(j.error).toContain('service');
    expect(j.error).toContain('web, api, worker');
  });

  it('reads one command per line from stdin and writes one result per line, blank lines included', async () => {
    const r = await cli(['match', '--config', root, '--json'], 'ping\n\ndisk /var\n   \nnonsense words here\n');
    expect(r.code).toBe(1);
    expect(r.out).toHaveLength(5);
    const results = r.out.map((l) => JSON.parse(l));
    expect(results.map((j) => j.matched)).toEqual([true, false, true, false, false]);
    expect(results.map((j) => j.reason)).toEqual([undefined, 'empty', undefined, 'empty', 'no_match']);
    expect(results[1]).toEqual({ matched: false, reason: 'empty', error: 'no command on this line', suggestions: [], candidates: [] });
  });

  it('in batch mode without --json answers each input line with exactly one line', async () => {
    const input = 'restart web on prod\n\nrestrat web\ndeploy api 1.4.2\r\n\n';
    const r = await cli(['match', '--config', root], input);
    const lines = r.out.join('\n').split('\n');
    expect(lines).toEqual([
      'matched ops.restart -> ops.restart  service="web" env="prod"',
      '(no command)',
      expect.stringMatching(/^no match for "restrat web" {2}\(did you mean: restart/),
      'matched ops.deploy -> ops.deploy  app="api" version="1.4.2" env="staging"',
      '(no command)',
    ]);
    expect(r.code).toBe(1);
  });

  it('blank lines do not change the exit code of a batch where every command matched', async () => {
    const r = await cli(['match', '--config', root, '--json'], '\nping\n\n');
    expect(r.out).toHaveLength(3);
    expect(r.code).toBe(0);
  });

  it('answers an empty COMMAND with "no command" and exit 1', async () => {
    const r = await cli(['match', '--config', root, '--json', '  ']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out[0]!).reason).toBe('empty');
  });

  it('matches against the one --format given', async () => {
    const r = await cli([
      'match',
      '--config',
      root,
      '--json',
      '--format',
      'google {{query}} and return {{count=5}} results',
      'google stackstorm and return 7 results',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0]!).params).toEqual({ query: 'stackstorm', count: '7' });
  });

  it('applies the --source normalisation (bot address, curly quotes)', async () => {
    const r = await cli(['match', '--config', root, '--json', '--source', 'slack', '@switchboard: restart web on prod']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0]!).params).toEqual({ service: 'web', env: 'prod' });
  });

  it('uses only the first paragraph of an email body', async () => {
    const r = await cli(['match', '--config', root, '--json', '--source', 'email', 'disk /var\n\nThanks,\n-- \nAlice']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0]!).params).toEqual({ path: '/var' });
  });

  it('exits 2 and prints file:line:col on a config error', async () => {
    const r = await cli(['match', '--config', broken, 'ping']);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/^aliases\/[^:]+\.yaml:\d+:\d+ {2}action_ref: /m);
  });

  it('rejects an unknown --source', async () => {
    const r = await cli(['match', '--config', root, '--source', 'fax', 'ping']);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toContain('--source must be api, sms, email or slack');
  });
});
