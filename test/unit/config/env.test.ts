import { describe, expect, it } from 'vitest';
import { expandEnv, formatDiagnostic, loadConfig } from '../../../src/config/index.ts';
import { writeConfig } from './temp-config.ts';

describe('expandEnv', () => {
  it.each([
    ['plain text', {}, 'plain text'],
    ['${A}', { A: 'x' }, 'x'],
    ['a-${A}-b', { A: 'x' }, 'a-x-b'],
    ['${A:-dflt}', {}, 'dflt'],
    ['${A:-dflt}', { A: '' }, 'dflt'],
    ['${A:-dflt}', { A: 'set' }, 'set'],
    ['${A:-redis://h:1/0}', {}, 'redis://h:1/0'],
    ['${A:-}', {}, ''],
    ['${A}', { A: '' }, ''],
    ['cost $$5 ${A}', { A: 'x' }, 'cost $5 x'],
    ['$HOME and ${ not a ref', {}, '$HOME and ${ not a ref'],
  ])('expands %j with %j to %j', (text, env, expected) => {
    expect(expandEnv(text, env)).toMatchObject({ ok: true, value: expected });
  });

  it('names every missing variable', () => {
    expect(expandEnv('${A}:${B}:${C:-c}', {})).toEqual({ ok: false, missing: ['A', 'B'] });
  });
});

describe('loadConfig env expansion', () => {
  const main = [
    'server:',
    '  port: ${PORT:-8081}',
    '  public_url: ${PUBLIC_URL}',
    'redis: { url: "redis://${REDIS_HOST:-127.0.0.1}:6379", start_local: "${START_LOCAL:-false}" }',
    'users:',
    '  alice:',
    '    roles: [ops, "${EXTRA_ROLE:-viewer}"]',
    '    phone: "${ALICE_PHONE}"',
    'ingress:',
    '  bot_names:',
    '    - sb',
    '    - ${BOT_NAME}',
    'roles: { ops: { permissions: [notify] }, viewer: { permissions: [] } }',
    '',
  ].join('\n');

  it('expands defaults and set variables, nested in lists, and types whole-value numbers and booleans', async () => {
    const dir = await writeConfig({ 'switchboard.yaml': main });
    const env = { PUBLIC_URL: 'https://sb.example.com', ALICE_PHONE: '+15551230001', BOT_NAME: 'bot' };
    const { config, diagnostics } = await loadConfig(dir, { env });
    expect(diagnostics).toEqual([]);
    expect(config?.main.server.port).toBe(8081);
    expect(config?.main.server.public_url).toBe('https://sb.example.com');
    expect(config?.main.redis).toMatchObject({ url: 'redis://127.0.0.1:6379', start_local: false });
    expect(config?.main.users.alice).toMatchObject({ roles: ['ops', 'viewer'], phone: '+15551230001' });
    expect(config?.main.ingress.bot_names).toEqual(['sb', 'bot']);
  });

  it('keeps a ${VAR} a string where the schema wants a string, even when it looks like a number', async () => {
    const dir = await writeConfig({ 'switchboard.yaml': 'users:\n  bob: { phone: "${PHONE}" }\n' });
    const { config } = await loadConfig(dir, { env: { PHONE: '15551230002' } });
    expect(config?.main.users.bob?.phone).toBe('15551230002');
  });

  it('reports each missing variable at its own position, lists included', async () => {
    const dir = await writeConfig({ 'switchboard.yaml': main });
    const { config, diagnostics } = await loadConfig(dir, { env: {} });
    expect(config).toBeUndefined();
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'switchboard.yaml:3:15  server.public_url: environment variable PUBLIC_URL is not set (write ${PUBLIC_URL:-default} for a default)',
      'switchboard.yaml:8:12  users.alice.phone: environment variable ALICE_PHONE is not set (write ${ALICE_PHONE:-default} for a default)',
      'switchboard.yaml:12:7  ingress.bot_names.1: environment variable BOT_NAME is not set (write ${BOT_NAME:-default} for a default)',
    ]);
  });

  it('reads only the env it is given', async () => {
    const dir = await writeConfig({ 'switchboard.yaml': 'server: { port: 8080 }\n', 'channels/log.yaml': 'name: ${CHANNEL_NAME:-log}\nkind: log\n' });
    const { config } = await loadConfig(dir, { env: { CHANNEL_NAME: 'audit' } });
    expect([...(config?.channels.keys() ?? [])]).toEqual(['audit']);
  });
});

describe('loadConfig YAML features', () => {
  it('resolves anchors and << merge keys, expanding variables inside anchored values', async () => {
    const main = [
      'users:',
      '  base: &user { roles: [ops], email: "${OPS_USER:-ops}@example.com" }',
      '  alice: { <<: *user, phone: "+15551230001" }',
      '  bob: *user',
      'roles: { ops: { permissions: [notify] } }',
      '',
    ].join('\n');
    const { config, diagnostics } = await loadConfig(await writeConfig({ 'switchboard.yaml': main }), { env: {} });
    expect(diagnostics).toEqual([]);
    expect(config?.main.users.alice).toEqual({ roles: ['ops'], email: 'ops@example.com', phone: '+15551230001' });
    expect(config?.main.users.bob).toEqual({ roles: ['ops'], email: 'ops@example.com' });
  });
});
