import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainSchema } from '../../../src/config/schema.ts';
import type { Config } from '../../../src/config/types.ts';
import { ownConnection, RedisConfigError, redactUrl, redisSettings } from '../../../src/redis/connection.ts';

const parse = (redis: Record<string, unknown>) => mainSchema.safeParse({ redis });
const messages = (redis: Record<string, unknown>) => {
  const r = parse(redis);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const configOf = (redis: Record<string, unknown>, dir = '.') => ({ dir, main: mainSchema.parse({ redis }) }) as unknown as Config;

describe('redis: config', () => {
  it('keeps the simple forms: nothing, a url, a rediss url with a password', () => {
    expect(parse({}).success).toBe(true);
    expect(redisSettings(configOf({})).label).toBe('redis://127.0.0.1:6379');
    const s = redisSettings(configOf({ url: 'rediss://:hunter2-secret@redis.example:6380' }));
    expect(s).toMatchObject({ mode: 'url', url: 'rediss://:hunter2-secret@redis.example:6380' });
    expect(s.label).not.toContain('hunter2');
  });

  it('refuses two modes at once, sentinels without name, and name without sentinels', () => {
    expect(messages({ url: 'redis://10.0.0.1:6379', cluster: ['a:7000'] })).toEqual([
      'redis: give either url, sentinels (with name) or cluster, not both (got url and cluster)',
    ]);
    expect(messages({ sentinels: [{ host: 's1' }], cluster: ['a:7000'], name: 'm' })).toEqual([
      'redis: give either url, sentinels (with name) or cluster, not both (got sentinels and cluster)',
    ]);
    expect(messages({ sentinels: [{ host: 's1' }] })).toEqual(['redis.name: sentinels need name: the master group name the sentinels monitor']);
    expect(messages({ name: 'm' })).toEqual(['redis.name: name is the Sentinel master group: give sentinels too']);
    expect(messages({ cluster: ['not a node'] })[0]).toContain('expected host:port or redis://host:port');
    expect(messages({ sentinels: [{ host: 's1', port: 26379, role: 'x' }], name: 'm' })[0]).toContain('role');
  });

  it('builds sentinel settings with ACL and TLS files read from the config folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-redis-tls-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA-PEM');
    const s = redisSettings(
      configOf(
        {
          sentinels: [{ host: 's1' }, { host: 's2', port: 26380 }],
          name: 'main',
          sentinel_username: 'sentinel-user',
          sentinel_password: 'sentinel-pw',
          username: 'sb',
          password: 'pw',
          tls: { ca: 'ca.pem', servername: 'redis.internal' },
        },
        dir,
      ),
    );
    expect(s).toMatchObject({
      mode: 'sentinel',
      name: 'main',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      sentinelUsername: 'sentinel-user',
      sentinelPassword: 'sentinel-pw',
      username: 'sb',
      password: 'pw',
      tls: { servername: 'redis.internal', rejectUnauthorized: true },
    });
    expect(String(s.tls?.ca)).toBe('CA-PEM');
    expect(s.label).toBe('sentinel main via s1:26379,s2:26380');
  });

  it('hands the sentinels their own ACL user and password (ioredis sentinelUsername / sentinelPassword)', () => {
    const s = redisSettings(configOf({ sentinels: [{ host: 's1' }], name: 'main', sentinel_username: 'sentinel-user', sentinel_password: 'sentinel-pw' }));
    const redis = ownConnection(s, { lazyConnect: true });
    try {
      expect(redis.options).toMatchObject({ sentinelUsername: 'sentinel-user', sentinelPassword: 'sentinel-pw', name: 'main' });
    } finally {
      redis.disconnect();
    }
    expect(messages({ sentinel_username: 'u' })).toEqual(['redis.sentinel_username: sentinel_username needs sentinels']);
  });

  it('builds cluster settings; a rediss:// node turns TLS on', () => {
    const s = redisSettings(configOf({ cluster: ['rediss://a:7000', 'b:7001'] }));
    expect(s).toMatchObject({
      mode: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
      tls: {},
    });
  });

  it('names the TLS file it cannot read', () => {
    expect(() => redisSettings(configOf({ url: 'rediss://r:6380', tls: { ca: 'missing-ca.pem' } }, '/nonexistent-dir'))).toThrow(RedisConfigError);
    expect(() => redisSettings(configOf({ url: 'rediss://r:6380', tls: { ca: 'missing-ca.pem' } }, '/nonexistent-dir'))).toThrow(
      'redis.tls.ca: cannot read /nonexistent-dir/missing-ca.pem: ENOENT',
    );
  });

  it('redacts a password in a URL', () => {
    expect(redactUrl('redis://user:pw@h:1')).toBe('redis://user:***@h:1');
  });
});
