/**
 * The Trust keys of switchboard.yaml: `users.*.password_hash`, `server.session_secret`,
 * `server.metrics_token`, `server.trusted_proxies`: bad values reported at their file:line:col,
 * secret ones collected for redaction.
 */
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/auth/password-hash.ts';
import { formatDiagnostic, inspectConfig } from '../../../src/config/index.ts';
import { writeConfig } from './temp-config.ts';

describe('trust keys in switchboard.yaml', () => {
  it('reports an unreadable password_hash, a short session_secret and a bad proxy entry where they are written', async () => {
    const dir = await writeConfig({
      'switchboard.yaml': [
        'server:',
        '  session_secret: "too-short"',
        '  trusted_proxies: [10.0.0.0/8, proxy.internal]',
        'users:',
        '  alice: { roles: [ops], password_hash: "hunter2" }',
        '',
      ].join('\n'),
    });
    const { diagnostics } = await inspectConfig(dir);
    const lines = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    expect(lines).toContain('switchboard.yaml:2:19  server.session_secret: must be at least 32 characters (e.g. `openssl rand -base64 32`)');
    expect(lines).toContain('switchboard.yaml:3:33  server.trusted_proxies.1: expected an IP address or a CIDR block, e.g. 10.0.0.0/8');
    expect(lines).toContainEqual(
      expect.stringMatching(/^switchboard\.yaml:5:41 {2}users\.alice\.password_hash: is not a password hash: make one with `switchboard hash-password`/),
    );
  });

  it('accepts a hash from hash-password, and treats the hash, the session secret and the metrics token as secrets', async () => {
    const hash = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
    const dir = await writeConfig({
      'switchboard.yaml': [
        'server:',
        '  session_secret: "a-session-secret-that-is-long-enough-0001"',
        '  metrics_token: "metrics-token-0001"',
        '  trusted_proxies: [127.0.0.1, "::1", 10.0.0.0/8]',
        'users:',
        `  alice: { roles: [ops], password_hash: "${hash}" }`,
        '',
      ].join('\n'),
    });
    const { config, diagnostics } = await inspectConfig(dir);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(config.main.users.alice?.password_hash).toBe(hash);
    expect(config.main.server.trusted_proxies).toEqual(['127.0.0.1', '::1', '10.0.0.0/8']);
    expect(config.secrets).toEqual(expect.arrayContaining([hash, 'a-session-secret-that-is-long-enough-0001', 'metrics-token-0001']));
  });
});
