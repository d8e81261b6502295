/**
 * The execution page in a real browser (headless Chromium) while its action runs: the output grows
 * on the page without a reload, then the result takes its place. The action waits for files the
 * test creates before printing on, so each step is seen at a known point of the run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { launchChromium, shot } from './browser.ts';
import { ALICE_PASSWORD, API_KEY, webConfig } from './fixture.ts';

/** Marks the document; a reload or navigation loses the mark. */
const mark = (page: Page) => page.evaluate(() => ((globalThis as unknown as { __sbMark: number }).__sbMark = 7));
const stillMarked = (page: Page) => page.evaluate(() => (globalThis as unknown as { __sbMark?: number }).__sbMark === 7);

// runs in the config folder (the action's default cwd), where the test creates go1 and go2
const PROGRESS =
  'echo "copying 1/3"; until [ -e go1 ]; do sleep 0.05; done; echo "copying 2/3"; until [ -e go2 ]; do sleep 0.05; done; echo "copying 3/3"; echo done';

describe('live output on the execution page (Chromium)', () => {
  let t: TestSwitchboard;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    const cfg = webConfig();
    t = await startTestSwitchboard({
      ...cfg,
      files: {
        ...cfg.files,
        'actions/progress.yaml': `
name: ops.progress
description: Copy in three steps, printing each
runner: shell
command: [sh, -c, '${PROGRESS}']
timeout: 60
`,
        'aliases/ops/progress.yaml': `
name: progress
pack: ops
action_ref: ops.progress
formats: ["progress"]
allow: [ops]
`,
      },
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${t.url}/login`);
    await page.fill('input[name=user]', 'alice');
    await page.fill('input[name=password]', ALICE_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${t.url}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('shows the output growing while the action runs, then the result, without a reload', async () => {
    const res = await t.request('/api/v1/commands', {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'progress' }),
    });
    expect(res.status).toBe(202);
    const { execution } = (await res.json()) as { execution: { id: string } };

    await page.goto(`${t.url}/executions/${execution.id}`);
    await mark(page);
    const stdout = page.locator('[data-live-output] pre[data-stream=stdout]');
    await page.locator('[data-live-output] pre[data-stream=stdout]', { hasText: 'copying 1/3' }).waitFor({ timeout: 15_000 });
    const first = (await stdout.textContent()) ?? '';
    expect(first).toBe('copying 1/3\n');
    await expect(page.locator('.badge[data-status=running]').count()).resolves.toBeGreaterThan(0);
    await shot(page, 'live-output-1');

    writeFileSync(join(t.dir, 'go1'), '');
    await page.locator('[data-live-output] pre[data-stream=stdout]', { hasText: 'copying 2/3' }).waitFor({ timeout: 15_000 });
    const second = (await stdout.textContent()) ?? '';
    expect(second).toBe('copying 1/3\ncopying 2/3\n');
    expect(second.length).toBeGreaterThan(first.length);
    expect(await stillMarked(page)).toBe(true);
    await shot(page, 'live-output-2');

    writeFileSync(join(t.dir, 'go2'), '');
    await page.locator('.badge[data-status=succeeded]').first().waitFor({ timeout: 15_000 });
    await page.locator('[data-live-output]').waitFor({ state: 'detached', timeout: 15_000 });
    await expect(page.locator('main').textContent()).resolves.toContain('copying 3/3');
    await expect(page.locator('main').textContent()).resolves.toMatch(/Exit code\s*0/);
    expect(await stillMarked(page)).toBe(true);
    await shot(page, 'live-output-3-done');
  });
});
