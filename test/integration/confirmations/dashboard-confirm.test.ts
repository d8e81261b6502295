/**
 * The dashboard's Confirm, in headless Chromium: a pending execution shows a code field and a
 * Confirm button to the person who sent it (and to nobody else, even one who may read and cancel
 * everyone's); a wrong code is answered, the right one queues it; the page's refresh never takes a
 * half-typed code away.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { launchChromium, shot, signedIn } from '../web/browser.ts';
import { ALICE_PASSWORD, API_KEY, BOB_KEY, getExecution, postCommand, webConfig } from '../web/fixture.ts';

function config() {
  const base = webConfig();
  const files = base.files ?? {};
  const main = files['switchboard.yaml']!.replace('api_keys:\n', `api_keys:\n  - { name: bob-key, key: "${BOB_KEY}", user: bob }\n`);
  expect(main).toContain('bob-key');
  return {
    ...base,
    files: {
      ...files,
      'switchboard.yaml': main,
      'aliases/ops/careful.yaml': 'name: careful\npack: ops\naction_ref: ops.echo\nformats: ["careful {{msg}}"]\nconfirm: true\n',
    },
  };
}

describe('confirming a pending execution on the dashboard', () => {
  let t: TestSwitchboard;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const run = async (text: string, key: string) => {
    return postCommand<{ execution: { id: string; status: string }; confirmation: { code: string } }>(t, text, key);
  };
  const statusOf = async (id: string) => (await getExecution(t, id)).status;

  const signIn = (user: string, password: string): Promise<Page> => signedIn(browser, contexts, t.url, user, password);

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestSwitchboard(config());
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.stop();
  });

  it('shows the owner a code field; a wrong code is answered, the right one queues it', async () => {
    const mine = await run('careful hello', API_KEY);
    const bobs = await run('careful from bob', BOB_KEY);
    expect(mine.execution.status).toBe('pending');
    const page = await signIn('alice', ALICE_PASSWORD);

    // bob's pending execution: alice may read and cancel it, but only bob may confirm it
    await page.goto(`${t.url}/executions/${bobs.execution.id}`);
    expect(await page.locator('[data-confirm]').count()).toBe(0);

    await page.goto(`${t.url}/executions/${mine.execution.id}`);
    const form = page.locator(`form[data-confirm="${mine.execution.id}"]`);
    await form.waitFor();
    const wrong = mine.confirmation.code === '000000' ? '111111' : '000000';
    await form.locator('input[name=code]').fill(wrong);
    await form.locator('button[type=submit]').click();
    await page.locator('[data-confirm-answer]', { hasText: 'Wrong code; 2 tries left' }).waitFor();
    expect(await statusOf(mine.execution.id)).toBe('pending');
    await shot(page, 'confirm-01-wrong-code');

    await form.locator('input[name=code]').fill(mine.confirmation.code);
    await form.locator('button[type=submit]').click();
    await page.locator('[data-confirm-answer]', { hasText: 'Confirmed.' }).waitFor();
    for (let i = 0; i < 200 && (await statusOf(mine.execution.id)) !== 'succeeded'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await statusOf(mine.execution.id)).toBe('succeeded');
    expect(await statusOf(bobs.execution.id)).toBe('pending');
  });

  it('keeps a code half typed while the live part of the page refreshes', async () => {
    const mine = await run('careful slowly', API_KEY);
    const page = await signIn('alice', ALICE_PASSWORD);
    await page.goto(`${t.url}/executions/${mine.execution.id}`);
    const form = page.locator(`form[data-confirm="${mine.execution.id}"]`);
    await form.waitFor();
    // half a code typed, the field focused, through three refreshes (1 s each)
    await form.locator('input[name=code]').fill(mine.confirmation.code.slice(0, 3));
    await page.waitForTimeout(3500);
    expect(await form.locator('input[name=code]').inputValue()).toBe(mine.confirmation.code.slice(0, 3));
    expect(await statusOf(mine.execution.id)).toBe('pending');
  });
});
