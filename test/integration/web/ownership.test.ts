/**
 * Who sees and cancels what on the dashboard, in a real browser (headless Chromium): bob (viewer)
 * sees only his own executions, another person's page is "not found" with no Cancel button, his
 * own has one and it works; the rules, channels and queues pages and Bull Board are closed to him.
 * rita (read_all only) sees everyone's but may cancel only her own; alice (ops) may cancel anyone's.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { launchChromium, shot, signedIn } from './browser.ts';
import { ALICE_PASSWORD, API_KEY, BOB_KEY, BOB_PASSWORD, getExecution, postCommand, webConfig } from './fixture.ts';

const RITA_PASSWORD = 'rita-reads-everything-8812';
/** the dashboard fixture plus rita (auditor: read_all), a key for bob, and a sleep anyone may run */
function config() {
  const base = webConfig();
  const files = base.files ?? {};
  const main = files['switchboard.yaml']!.replace('users:\n', `users:\n  rita: { roles: [auditor], password: "${RITA_PASSWORD}" }\n`)
    .replace('roles:\n', 'roles:\n  auditor: { permissions: [executions.read_all] }\n')
    .replace('api_keys:\n', `api_keys:\n  - { name: bob-key, key: "${BOB_KEY}", user: bob }\n`);
  expect(main).toContain('auditor: { permissions');
  return {
    ...base,
    files: {
      ...files,
      'switchboard.yaml': main,
      'aliases/ops/nap.yaml': 'name: nap\npack: ops\naction_ref: ops.sleep\nformats: ["nap {{seconds}}"]\n',
    },
  };
}

describe('dashboard ownership in Chromium', () => {
  let t: TestSwitchboard;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const run = async (text: string, key: string) => {
    return (await postCommand(t, text, key)).execution.id;
  };
  const statusOf = async (id: string) => (await getExecution(t, id)).status;

  const signIn = (user: string, password: string): Promise<Page> => signedIn(browser, contexts, t.url, user, password);

  let aliceNap: string;
  let aliceEcho: string;
  let bobNap: string;
  let bobWho: string;

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestSwitchboard(config());
    aliceNap = await run('nap 300', API_KEY);
    aliceEcho = await run('echo hello from alice', API_KEY);
    bobNap = await run('nap 300', BOB_KEY);
    bobWho = await run('whoami', BOB_KEY);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.stop();
  });

  it('shows bob only his own executions, and no cancel button or page for alice’s', async () => {
    const page = await signIn('bob', BOB_PASSWORD);
    await page.locator(`tr[data-id="${bobNap}"]`).waitFor();
    const ids = await page.locator('tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(ids.sort()).toEqual([bobNap, bobWho].sort());
    await shot(page, 'own-01-viewer-list');

    // alice's execution, by its id: "not found", as for an id that never existed
    const res = await page.goto(`${t.url}/executions/${aliceNap}`);
    expect(res?.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toBe('Not found');
    expect(await page.locator('[data-cancel]').count()).toBe(0);
    expect(await page.content()).not.toContain('nap 300');
    await shot(page, 'own-02-viewer-others-page');

    // nor through the dashboard's own API, same-origin as the Cancel button does it
    const cancel = await page.evaluate(async (id) => {
      const r = await fetch(`/ui/api/executions/${id}/cancel`, { method: 'POST' });
      return { status: r.status, body: await r.text() };
    }, aliceNap);
    expect(cancel.status).toBe(404);
    expect(await statusOf(aliceNap)).not.toBe('canceled');
  });

  it('gives bob a Cancel button on his own running execution, which cancels it', async () => {
    const page = await signIn('bob', BOB_PASSWORD);
    await page.goto(`${t.url}/executions/${bobNap}`);
    const button = page.locator(`[data-cancel="${bobNap}"]`);
    await button.waitFor();
    await button.click();
    await page.locator('.badge[data-status=canceled]').first().waitFor({ timeout: 15_000 });
    expect(await statusOf(bobNap)).toBe('canceled');
    await shot(page, 'own-03-viewer-canceled-own');
  });

  it('closes the rules, channels and queues pages and Bull Board to bob, and does not link them', async () => {
    const page = await signIn('bob', BOB_PASSWORD);
    const nav = await page.locator('header nav').textContent();
    expect(nav).toContain('Executions');
    for (const hidden of ['Rules', 'Channels', 'Queues', 'Bull Board']) expect(nav).not.toContain(hidden);
    for (const path of ['/rules', '/channels', '/queues', '/admin/queues']) {
      const res = await page.goto(`${t.url}${path}`);
      expect(res?.status(), path).toBe(403);
    }
    await expect(page.locator('body').textContent()).resolves.toContain('queues');
    const api = await page.evaluate(async () => (await fetch('/admin/queues/api/queues')).status);
    expect(api).toBe(403);
  });

  it('shows rita (read_all) everyone’s executions but a Cancel button only where she may cancel', async () => {
    const page = await signIn('rita', RITA_PASSWORD);
    await page.locator(`tr[data-id="${aliceNap}"]`).waitFor();
    const ids = await page.locator('tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(ids.sort()).toEqual([aliceNap, aliceEcho, bobNap, bobWho].sort());
    await page.goto(`${t.url}/executions/${aliceNap}`);
    await expect(page.locator('main').textContent()).resolves.toContain('nap 300');
    expect(await page.locator('[data-cancel]').count()).toBe(0);
    // the origin is hers to see: alice's API key name
    await expect(page.locator('main').textContent()).resolves.toContain('via api web');
    await shot(page, 'own-04-reader-no-cancel');
    const cancel = await page.evaluate(async (id) => (await fetch(`/ui/api/executions/${id}/cancel`, { method: 'POST' })).status, aliceNap);
    expect(cancel).toBe(403);
  });

  it('lets alice (cancel_all) cancel bob’s execution and her own', async () => {
    const bobsAnother = await run('nap 300', BOB_KEY);
    const page = await signIn('alice', ALICE_PASSWORD);
    for (const id of [bobsAnother, aliceNap]) {
      await page.goto(`${t.url}/executions/${id}`);
      await page.locator(`[data-cancel="${id}"]`).click();
      await page.locator('.badge[data-status=canceled]').first().waitFor({ timeout: 15_000 });
      expect(await statusOf(id)).toBe('canceled');
    }
  });
});
