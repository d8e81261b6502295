/**
 * The email listener's sender checks as configured: `verify` defaults to `[dmarc]`, `verify: []`
 * loads with a warning (it checks no sender), and `unverified` defaults to `confirm`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDiagnostic, loadConfig } from '../../../src/config/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configWithListen(listen: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-email-config-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'channels'));
  writeFileSync(join(dir, 'switchboard.yaml'), 'server: { port: 8080 }\nusers:\n  alice: { roles: [ops], email: alice@example.test }\n');
  writeFileSync(join(dir, 'channels/email.yaml'), `name: email\nkind: email\nfrom: ops@sb.test\nlisten: ${listen}\n`);
  return dir;
}

describe('email listen settings', () => {
  it('verifies DMARC and asks unverified senders to confirm by default, without a warning', async () => {
    const { config, diagnostics } = await loadConfig(configWithListen('{ port: 2525 }'), { env: {} });
    const channel = config?.channels.get('email');
    expect(channel?.kind === 'email' && channel.listen).toMatchObject({ verify: ['dmarc'], unverified: 'confirm' });
    expect(diagnostics.map(formatDiagnostic).filter((d) => d.includes('verify'))).toEqual([]);
  });

  it('warns where `verify: []` is written', async () => {
    const { config, diagnostics } = await loadConfig(configWithListen('{ port: 2525, verify: [] }'), { env: {} });
    expect(config).toBeDefined();
    expect(diagnostics.map(formatDiagnostic)).toContainEqual(
      expect.stringMatching(/^channels\/email\.yaml:4:\d+ +listen\.verify: warning: verify: \[\] checks no sender/),
    );
  });

  it('takes `unverified: refuse` and refuses other values', async () => {
    const ok = await loadConfig(configWithListen('{ port: 2525, unverified: refuse }'), { env: {} });
    const channel = ok.config?.channels.get('email');
    expect(channel?.kind === 'email' && channel.listen?.unverified).toBe('refuse');
    const bad = await loadConfig(configWithListen('{ port: 2525, unverified: maybe }'), { env: {} });
    expect(bad.config).toBeUndefined();
    expect(bad.diagnostics.map(formatDiagnostic).join('\n')).toMatch(/listen\.unverified/);
  });
});
