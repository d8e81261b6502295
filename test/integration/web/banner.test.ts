/**
 * The dashboard's config-reload banner, driven through `createApp` with a stand-in for the
 * hot-reload runtime (`AppDeps.runtime`): shown while the last reload failed, escaped and redacted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAliases } from '../../../src/aliases/index.ts';
import { createApp } from '../../../src/app.ts';
import { toAliasSpecs } from '../../../src/config/index.ts';
import { createExecutionService } from '../../../src/executions/service.ts';
import type { ExecutionService } from '../../../src/executions/types.ts';
import { silentLogger } from '../../../src/log.ts';
import type { ReloadStatus } from '../../../src/runtime/status.ts';
import { cleanupPrefix } from '../harness.ts';
import { buildConfig, KEYS } from '../../unit/api/fixture.ts';

describe('config reload banner', () => {
  const config = buildConfig();
  let executions: ExecutionService;
  let status: ReloadStatus = { ok: true, loadedAt: '2026-11-25T17:00:00.000Z' };
  let app: ReturnType<typeof createApp>;
  let cookie = '';

  beforeAll(async () => {
    executions = createExecutionService({ config, logger: silentLogger });
    const { matcher } = compileAliases(toAliasSpecs(config));
    app = createApp({ config, matcher, executions, logger: silentLogger, runtime: { status: () => status } });
    const res = await app.request('http://localhost/login', {
      method: 'POST',
      headers: { origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: KEYS.alice }).toString(),
    });
    cookie = /^(sb_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
    expect(cookie).not.toBe('');
  });
  afterAll(async () => {
    await executions.close();
    await cleanupPrefix(config.main.redis.url, config.main.redis.prefix);
  });

  const page = async () => (await app.request('http://localhost/rules', { headers: { cookie } })).text();

  it('shows no banner while reloads succeed', async () => {
    expect(await page()).not.toContain('class="banner"');
  });

  it('shows the failure, escaped and with secrets redacted, while the old config keeps serving', async () => {
    status = {
      ok: false,
      loadedAt: '2026-11-25T17:00:00.000Z',
      attemptedAt: '2026-11-25T17:05:00.000Z',
      error: [`aliases/x.yaml:3:1  formats.0: <b>bad</b> near ${KEYS.bob}`],
    };
    const html = await page();
    expect(html).toContain('class="banner"');
    expect(html).toContain('Config reload failed at 2026-11-25T17:05:00.000Z');
    expect(html).toContain('loaded at 2026-11-25T17:00:00.000Z');
    expect(html).toContain('&lt;b&gt;bad&lt;/b&gt;');
    expect(html).not.toContain(KEYS.bob);
    status = { ...status, ok: true };
    expect(await page()).not.toContain('class="banner"');
  });
});
