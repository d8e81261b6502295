/**
 * The dashboard's Confirm, in headless Chromium: a pending execution shows a code field and a
 * Confirm button to the person who sent it (and to nobody else, even one who may read and cancel
 * everyone's); a wrong code is answered, the right one queues it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { launchChromium, shot } from '../web/browser.ts';
import { ALICE_PASSWORD, API_KEY, webConfig } from '../web/fixture.ts';

const BOB_KEY = 'web-test-bob-api-key-000000000002';

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
    const res = await t.request('/api/v1/commands', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(202);
    return (await res.json()) as { execution: { id: string; status: string }; confirmation: { code: string } };
  };
  const statusOf = async (id: string) =>
    ((await (await t.request(`/api/v1/executions/${id}`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as { status: string }).status;

  async function signedIn(user: string, password: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${t.url}/login`);
    await page.fill('input[name=user]', user);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${t.url}/`);
    return page;
  }

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
    const page = await signedIn('alice', ALICE_PASSWORD);

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
});
