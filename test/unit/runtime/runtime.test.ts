import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.ts';
import type { Config } from '../../../src/config/types.ts';
import { silentLogger } from '../../../src/log.ts';
import { createMetrics } from '../../../src/metrics.ts';
import { createRuntime } from '../../../src/runtime/runtime.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-rt-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'aliases'));
  writeFileSync(join(dir, 'switchboard.yaml'), 'redis: { start_local: false }\n');
  writeFileSync(join(dir, 'aliases/ping.yaml'), 'name: ping\naction_ref: core.ping\nformats: ["ping"]\n');
  return dir;
}

async function setup() {
  const dir = configDir();
  const initial = { config: await loadConfigOrThrow(dir, { env: {} }), n: 0 };
  const built: Config[] = [];
  const retired: number[] = [];
  const metrics = createMetrics({ defaultMetrics: false });
  const runtime = createRuntime({
    dir,
    env: {},
    logger: silentLogger,
    metrics,
    initial,
    build: async (config) => (built.push(config), { config, n: built.length }),
    retire: async (old) => void retired.push(old.n),
  });
  return { dir, runtime, built, retired, metrics };
}

describe('createRuntime', () => {
  it('swaps in a valid config and retires the old generation', async () => {
    const { dir, runtime, retired } = await setup();
    writeFileSync(join(dir, 'aliases/echo.yaml'), 'name: echo\naction_ref: core.echo\nformats: ["echo {{x}}"]\n');
    const status = await runtime.reload('test');
    expect(status.ok).toBe(true);
    expect(runtime.current().n).toBe(1);
    expect(
      runtime
        .current()
        .config.aliases.map((a) => a.id)
        .sort(),
    ).toEqual(['echo', 'ping']);
    expect(retired).toEqual([0]);
  });

  it('keeps the running generation when the config is invalid, with every diagnostic', async () => {
    const { dir, runtime, built, metrics } = await setup();
    writeFileSync(join(dir, 'aliases/bad.yaml'), 'name: bad\naction_ref: nowhere.at_all\nformats: ["bad"]\n');
    writeFileSync(join(dir, 'aliases/worse.yaml'), 'name: worse\nformats: 3\n');
    const status = await runtime.reload('test');
    expect(status.ok).toBe(false);
    expect(status.error?.length).toBeGreaterThanOrEqual(2);
    expect(status.error?.some((e) => /^aliases\/bad\.yaml:\d+:\d+ {2}/.test(e))).toBe(true);
    expect(status.error?.some((e) => /^aliases\/worse\.yaml:\d+:\d+ {2}/.test(e))).toBe(true);
    expect(built).toEqual([]);
    expect(runtime.current().n).toBe(0);
    expect((await metrics.scrape()).body).toContain('switchboard_config_last_reload_success 0');
  });

  it('coalesces reloads asked for while one runs', async () => {
    const { runtime, built } = await setup();
    const all = await Promise.all([runtime.reload('a'), runtime.reload('b'), runtime.reload('c')]);
    expect(all.every((s) => s.ok)).toBe(true);
    expect(built.length).toBe(2);
  });

  it('reports a build failure and keeps the old generation', async () => {
    const dir = configDir();
    const initial = { config: await loadConfigOrThrow(dir, { env: {} }) };
    const runtime = createRuntime({
      dir,
      env: {},
      logger: silentLogger,
      initial,
      build: () => Promise.reject(new Error('redis down')),
      retire: async () => {},
    });
    const status = await runtime.reload('test');
    expect(status).toMatchObject({ ok: false, error: ['could not apply the config: redis down'] });
    expect(runtime.current()).toBe(initial);
  });
});
