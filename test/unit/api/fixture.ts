/**
 * A Config built in code for the API tests (unit and integration): three users, three API keys,
 * shell actions that succeed, fail, take an integer or sleep, and aliases for each.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { builtinActions } from '../../../src/config/builtins.ts';
import { actionSchema, aliasSchema, mainSchema } from '../../../src/config/schema.ts';
import type { ActionConfig, AliasConfig, Config } from '../../../src/config/types.ts';

export const KEYS = {
  alice: 'alice-api-key-000000000001',
  bob: 'bob-api-key-00000000000002',
  bridge: 'bridge-api-key-0000000003',
  rita: 'rita-api-key-0000000000004',
} as const;

export const auth = (key: string) => ({ authorization: `Bearer ${key}` });

function action(raw: Record<string, unknown>): ActionConfig {
  const parsed = actionSchema.parse(raw);
  return { ...parsed, ref: parsed.name, file: 'actions/test.yaml' };
}

function alias(id: string, raw: Record<string, unknown>): AliasConfig {
  const [pack, name] = id.split('.') as [string, string];
  return { ...aliasSchema.parse({ name, pack, ...raw }), id, file: `aliases/${pack}/${name}.yaml` };
}

export interface FixtureOptions {
  prefix?: string;
  bodyLimit?: number;
  commandLength?: number;
}

/** A fresh config with a unique Redis prefix (`sbtest-<uuid>`) unless one is given. */
export function buildConfig(options: FixtureOptions = {}): Config {
  const main = mainSchema.parse({
    server: { port: 0, body_limit: options.bodyLimit ?? 4096 },
    redis: { url: 'redis://127.0.0.1:6379', prefix: options.prefix ?? `sbtest-${randomUUID().slice(0, 12)}`, start_local: false },
    users: {
      alice: { roles: ['ops'] },
      bob: { roles: ['viewer'] },
      svc: { roles: [] },
      rita: { roles: ['auditor'] },
    },
    // alice reads, lists and cancels everyone's executions and notifies; bob only his own
    // rita reads everyone's (origin included) but cancels only her own
    roles: {
      ops: { permissions: ['executions.read_all', 'executions.cancel_all', 'notify'] },
      viewer: { permissions: [] },
      auditor: { permissions: ['executions.read_all'] },
    },
    api_keys: [
      { name: 'alice-key', key: KEYS.alice, user: 'alice' },
      { name: 'bob-key', key: KEYS.bob, user: 'bob' },
      { name: 'bridge', key: KEYS.bridge, user: 'svc', act_as_others: true },
      { name: 'rita-key', key: KEYS.rita, user: 'rita' },
    ],
    executions: { concurrency: 2, stalled_interval: 5, shutdown_grace: 5 },
    limits: { command_length: options.commandLength ?? 200 },
    logging: { level: 'silent' },
  });
  const actions = builtinActions();
  for (const a of [
    action({
      name: 'test.echo',
      runner: 'shell',
      command: ['echo', '{{ message }}'],
      parameters: { message: { type: 'string', required: true }, token: { type: 'string', secret: true } },
    }),
    action({ name: 'test.fail', runner: 'shell', command: ['sh', '-c', 'echo boom >&2; exit 3'] }),
    action({
      name: 'test.count',
      runner: 'shell',
      command: ['echo', 'counted {{ count }}'],
      parameters: { count: { type: 'integer', required: true, minimum: 1 } },
    }),
    action({
      name: 'test.sleep',
      runner: 'shell',
      command: ['sleep', '{{ seconds }}'],
      parameters: { seconds: { type: 'integer', default: 30 } },
    }),
    action({
      name: 'ops.restart',
      runner: 'shell',
      command: ['echo', 'restarting {{ service }}'],
      parameters: { service: { type: 'string', required: true, enum: ['web', 'api'] } },
    }),
  ]) {
    actions.set(a.ref, a);
  }
  const aliases = [
    alias('test.say', { action_ref: 'test.echo', description: 'Echo a message', formats: ['say {{message}}'] }),
    alias('test.fail', { action_ref: 'test.fail', formats: ['fail now'] }),
    alias('test.count', { action_ref: 'test.count', formats: [{ display: 'count to <n>', representation: ['count to {{count}}'] }] }),
    alias('test.sleep', { action_ref: 'test.sleep', formats: ['nap {{seconds=30}}'] }),
    alias('ops.restart', { action_ref: 'ops.restart', description: 'Restart a service', formats: ['restart {{service}}'], allow: ['ops'] }),
    alias('test.deploy_app', { action_ref: 'core.echo', formats: ['deploy {{message}}'] }),
    alias('test.deploy_svc', { action_ref: 'core.noop', formats: ['deploy {{service}}'] }),
    alias('core.ping', { action_ref: 'core.ping', formats: ['ping'] }),
    // ambiguous for ops (alice), not for anyone else: bob may only run test.purge
    alias('ops.purge', { action_ref: 'core.echo', formats: ['purge {{message}}'], allow: ['ops'] }),
    alias('test.purge', { action_ref: 'core.noop', formats: ['purge {{thing}}'] }),
    alias('test.off', { action_ref: 'core.noop', formats: ['switched off'], enabled: false }),
  ];
  return {
    dir: tmpdir(),
    main,
    actions,
    aliases,
    channels: new Map(),
    rules: [],
    secrets: [KEYS.alice, KEYS.bob, KEYS.bridge, KEYS.rita],
  };
}
