import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { loadConfig, loadConfigOrThrow, toAliasSpecs } from '../../../src/config/index.ts';

const fixture = (name: string) => join(import.meta.dirname, '../../fixtures', name);

describe('loadConfigOrThrow', () => {
  it('returns the config of a valid folder', async () => {
    const config = await loadConfigOrThrow(fixture('valid'), { env: {} });
    expect(config.dir).toBe(fixture('valid'));
    expect(config.main.server.port).toBe(8080);
    expect(config.main.redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('throws a ConfigError holding every diagnostic', async () => {
    const error = await loadConfigOrThrow(fixture('rule-unknown-channel'), { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('config_invalid');
    expect((error as ConfigError).diagnostics).toHaveLength(1);
    expect((error as ConfigError).message).toContain('rules/default.yaml:6:20  rules.0.to.1.channel: undefined channel "slack-ops"');
  });
});

describe('loadConfig', () => {
  it('always provides the built-in core actions', async () => {
    const { config } = await loadConfig(fixture('valid'), { env: {} });
    const core = [...(config?.actions.values() ?? [])].filter((a) => a.ref.startsWith('core.'));
    expect(core.map((a) => [a.ref, a.runner, a.builtin])).toEqual([
      ['core.help', 'builtin', 'help'],
      ['core.status', 'builtin', 'status'],
      ['core.cancel', 'builtin', 'cancel'],
      ['core.ping', 'builtin', 'ping'],
      ['core.echo', 'builtin', 'echo'],
      ['core.noop', 'builtin', 'noop'],
    ]);
  });

  it('resolves action refs and remembers their files', async () => {
    const { config } = await loadConfig(fixture('valid'), { env: {} });
    expect(config?.actions.get('ops.restart')?.file).toBe('actions/restart.yaml');
    expect(config?.actions.get('ops.status')?.runner).toBe('http');
  });

  it('prefixes the PACK folder to an action ref when there is no pack field', async () => {
    const { config } = await loadConfig(fixture('stackstorm-action-without-runner'), { env: {} });
    expect([...(config?.actions.keys() ?? [])]).toContain('ops.local');
  });

  it('normalises on-success spellings and routes to on_success and channels', async () => {
    const { config } = await loadConfig(fixture('valid'), { env: {} });
    const notify = config?.actions.get('ops.restart')?.notify;
    expect(notify?.on_success).toEqual({ message: '{{ action }} done', channels: ['origin'] });
    expect(notify?.on_failure?.channels).toEqual(['slack']);
  });

  it('gives aliases their PACK.name id, from the pack field or else the folder', async () => {
    const { config } = await loadConfig(fixture('valid'), { env: {} });
    expect(config?.aliases.map((a) => [a.id, a.file])).toEqual([
      ['ops.restart', 'aliases/ops/restart.yaml'],
      ['status', 'aliases/status.yaml'],
    ]);
  });

  it("leaves StackStorm action metadata unexpanded: its ${VAR}s are the shell's", async () => {
    const { config } = await loadConfig(fixture('stackstorm-action-without-runner'), { env: { HOME: '/root' } });
    expect(config?.actions.get('ops.local')?.parameters.cmd?.default).toBe('cd ${HOME} && ls');
  });
});

describe('toAliasSpecs', () => {
  it('joins each alias with its action parameters', async () => {
    const config = await loadConfigOrThrow(fixture('valid'), { env: {} });
    const [restart] = toAliasSpecs(config);
    expect(restart).toEqual({
      id: 'ops.restart',
      action: 'ops.restart',
      enabled: true,
      formats: ['restart {{service}}'],
      immutableParameters: {},
      parameters: { service: { type: 'string', required: true, enum: ['web', 'api'] } },
      // a shell action: typed values may not start with `-` (allow_dash)
      argv: true,
      description: 'Restart a service',
    });
  });
});
