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

  it('gives the --json shape of DESIGN.md with defaults applied', async () => {
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

  it('reads one command per line from stdin and writes one result per line', async () => {
    const r = await cli(['match', '--config', root, '--json'], 'ping\n\ndisk /var\nnonsense words here\n');
    expect(r.code).toBe(1);
    expect(r.out).toHaveLength(3);
    expect(r.out.map((l) => JSON.parse(l).matched)).toEqual([true, true, false]);
  });

  it('matches against the one --format given', async () => {
    const r = await cli(['match', '--config', root, '--json', '--format', 'google {{query}} and return {{count=5}} results', 'google stackstorm and return 7 results']);
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
