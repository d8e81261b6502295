import { describe, expect, it } from 'vitest';
import { compileAliases } from '../../../src/aliases/index.ts';
import { createApp } from '../../../src/app.ts';
import { toAliasSpecs } from '../../../src/config/index.ts';
import { createExecutionService } from '../../../src/executions/service.ts';
import { silentLogger } from '../../../src/log.ts';
import { auth, buildConfig, KEYS } from '../../unit/api/fixture.ts';

describe('readiness against Redis', () => {
  it('answers /readyz 503, /healthz 200 and commands 503 when Redis cannot be reached', async () => {
    const config = buildConfig();
    config.main.redis.url = 'redis://127.0.0.1:1';
    const executions = createExecutionService({ config, logger: silentLogger });
    try {
      const app = createApp({ config, matcher: compileAliases(toAliasSpecs(config)).matcher, executions, logger: silentLogger });
      expect((await app.request('/healthz')).status).toBe(200);
      const ready = await app.request('/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ error: { code: 'unavailable' } });
      const res = await app.request('/api/v1/commands', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth(KEYS.alice) },
        body: JSON.stringify({ text: 'ping' }),
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } });
    } finally {
      await executions.close();
    }
  });
});
