/**
 * Hot reload of a running Switchboard's config folder: a broken file keeps the old config serving
 * and is reported (log, metric, status endpoint); fixing it brings the new aliases in without a
 * restart; a change that needs a restart is refused as such.
 */
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { auth, baseFiles, command, eventually, mainYaml, runToEnd, sample, scrape } from './helpers.ts';

let t: TestSwitchboard;
beforeAll(async () => {
  t = await startTestSwitchboard({ files: baseFiles() });
});
afterAll(async () => {
  await t?.stop();
});

const status = async () =>
  (await (await t.request('/api/v1/config/status', { headers: auth })).json()) as { ok: boolean; loadedAt: string; error?: string[]; restartNeeded?: boolean };

const goodbyeAlias = `
name: goodbye
pack: ops
action_ref: ops.hello
formats: ["goodbye {{who}}"]
`;

describe('hot reload', () => {
  it('needs the API key for the status', async () => {
    expect((await t.request('/api/v1/config/status')).status).toBe(401);
    expect(await status()).toMatchObject({ ok: true });
  });

  it('keeps the old config serving when a file is broken, and reports it', async () => {
    const failedBefore = sample(await scrape(t), 'switchboard_config_reloads_total', { result: 'failed' });
    writeFileSync(join(t.dir, 'aliases/ops/goodbye.yaml'), 'name: goodbye\npack: ops\naction_ref: ops.nowhere\nformats: ["goodbye {{who}}"]\n');
    const s = await eventually(async () => {
      const st = await status();
      return st.ok ? undefined : st;
    }, 'the refused reload in the status');
    expect(s.error?.join('\n')).toMatch(/aliases\/ops\/goodbye\.yaml:\d+:\d+ {2}action_ref: .*ops\.nowhere/);
    const text = await scrape(t);
    expect(sample(text, 'switchboard_config_reloads_total', { result: 'failed' })).toBeGreaterThan(failedBefore);
    expect(sample(text, 'switchboard_config_last_reload_success')).toBe(0);
    const line = t.logs.find((l) => l.includes('config reload refused'));
    expect(line).toBeDefined();
    expect(line).toMatch(/goodbye\.yaml:\d+:\d+/);
    // the old aliases still run; the new one is not there
    const done = await runToEnd(t, 'hello again');
    expect(done.status).toBe('succeeded');
    expect((await command(t, 'goodbye world')).status).toBe(422);
  });

  it('brings the new alias in once the file is fixed', async () => {
    writeFileSync(join(t.dir, 'aliases/ops/goodbye.yaml'), goodbyeAlias);
    await eventually(async () => ((await status()).ok ? true : undefined), 'the reload applied');
    const done = await runToEnd(t, 'goodbye world');
    expect(done.status).toBe('succeeded');
    expect(done.result?.stdout).toBe('hello world\n');
    expect((await runToEnd(t, 'hello there')).status).toBe('succeeded');
    expect(sample(await scrape(t), 'switchboard_config_last_reload_success')).toBe(1);
    expect(t.logs.some((l) => l.includes('"config reloaded"'))).toBe(true);
  });

  it('refuses a change that needs a restart and keeps serving', async () => {
    writeFileSync(join(t.dir, 'switchboard.yaml'), mainYaml().replace('prefix: "${SB_TEST_PREFIX}"', 'prefix: "${SB_TEST_PREFIX}-other"'));
    const s = await eventually(async () => {
      const st = await status();
      return st.ok ? undefined : st;
    }, 'the refusal');
    expect(s.restartNeeded).toBe(true);
    expect(s.error).toEqual(['restart needed: redis.prefix changed']);
    expect((await runToEnd(t, 'goodbye again')).status).toBe('succeeded');
    writeFileSync(join(t.dir, 'switchboard.yaml'), mainYaml());
    await eventually(async () => ((await status()).ok ? true : undefined), 'the original config back');
  });

  it('drops an alias whose file is removed', async () => {
    rmSync(join(t.dir, 'aliases/ops/goodbye.yaml'));
    await eventually(async () => ((await command(t, 'goodbye world')).status === 422 ? true : undefined), 'goodbye gone');
    expect((await status()).ok).toBe(true);
  });
});
