import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/types.ts';
import { mainSchema } from '../../../src/config/schema.ts';
import { restartNeeded } from '../../../src/runtime/restart-needed.ts';

const config = (main: Record<string, unknown> = {}, channels: [string, Record<string, unknown>][] = []): Config =>
  ({ dir: '.', main: mainSchema.parse(main), actions: new Map(), aliases: [], channels: new Map(channels), rules: [], secrets: [] }) as unknown as Config;

describe('restartNeeded', () => {
  it('finds nothing when only aliases, rules or users change', () => {
    expect(restartNeeded(config(), config({ users: { a: { roles: [] } } }))).toEqual([]);
  });

  it('names redis and server changes', () => {
    expect(restartNeeded(config(), config({ redis: { url: 'redis://10.0.0.1:6379' }, server: { port: 9090 } }))).toEqual([
      'restart needed: redis.url changed',
      'restart needed: server.port changed',
    ]);
  });

  it('names each redis connection field that changed, never its value', () => {
    const sentinel = { url: undefined, sentinels: [{ host: 's1', port: 26379 }], name: 'main', password: 'old-secret-1' };
    const next = { ...sentinel, sentinels: [{ host: 's2', port: 26379 }], password: 'new-secret-2' };
    const reasons = restartNeeded(config({ redis: sentinel }), config({ redis: next }));
    expect(reasons).toEqual(['restart needed: redis.sentinels changed', 'restart needed: redis.password changed']);
    expect(reasons.join(' ')).not.toContain('secret');
    expect(restartNeeded(config({ redis: { cluster: ['a:7000'] } }), config({ redis: { cluster: ['a:7000'], tls: true } }))).toEqual([
      'restart needed: redis.tls changed',
    ]);
  });

  it('names a listener whose port changed', () => {
    const a = config({}, [['mail', { kind: 'email', listen: { port: 2525 } }]]);
    const b = config({}, [['mail', { kind: 'email', listen: { port: 2526 } }]]);
    expect(restartNeeded(a, b)).toEqual(['restart needed: channel mail: its listener (listen / app_token) changed']);
  });
});
