/**
 * The dashboard in a real browser (headless Chromium) against a whole Switchboard over HTTP: log
 * in, run a command from the playground, watch it succeed without a reload, open its page and see
 * its deliveries, the channels with secrets hidden, and Bull Board behind the login. Screenshots
 * land in test-artifacts/web/.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { launchChromium, shot } from './browser.ts';
import { ALICE_PASSWORD, HOOK_HEADER_TOKEN, HOOK_SECRET, SLACK_TOKEN, webConfig } from './fixture.ts';

/** Marks the document; a reload or navigation loses the mark. */
const mark = (page: Page) => page.evaluate(() => ((globalThis as unknown as { __sbMark: number }).__sbMark = 42));
const stillMarked = (page: Page) => page.evaluate(() => (globalThis as unknown as { __sbMark?: number }).__sbMark === 42);

async function logIn(page: Page, url: string, password: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.waitForURL(/\/login\?next=/);
  await page.fill('input[name=user]', 'alice');
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

describe('dashboard in Chromium', () => {
  let t: TestSwitchboard;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestSwitchboard(webConfig());
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.stop();
  });

  it('refuses a wrong password and accepts the right one', async () => {
    await logIn(page, t.url, 'not-the-password');
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('Wrong user, password or API key');
    await shot(page, '01-login-refused');
    await page.fill('input[name=password]', ALICE_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${t.url}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Executions');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'sb_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('previews a command in the playground, runs it, and sees it succeed without a reload', async () => {
    // a second tab on the executions list, to see the new row arrive and change by itself
    const list = await context.newPage();
    await list.goto(`${t.url}/`);
    await mark(list);

    await page.goto(`${t.url}/playground`);
    await page.fill('#command', 'restart web on prod');
    await page.locator('[data-outcome=matched]').waitFor();
    await expect(page.locator('[data-alias]').textContent()).resolves.toBe('ops.restart');
    const success = page.locator('[data-route=succeeded]');
    await expect(success.textContent()).resolves.toContain('outbox');
    await expect(page.locator('[data-route=failed]').textContent()).resolves.toContain('pager-hook');
    await shot(page, '02-playground-preview');

    await mark(page);
    await page.click('[data-run]');
    const badge = page.locator('[data-run-result] .badge');
    await badge.waitFor();
    await page.locator('[data-run-result] .badge[data-status=succeeded]').waitFor({ timeout: 15_000 });
    expect(await stillMarked(page)).toBe(true);
    await shot(page, '03-playground-succeeded');

    const id = await page.locator('[data-run-result] a').textContent();
    expect(id).toBeTruthy();
    await list.locator(`tr[data-id="${id}"] .badge[data-status=succeeded]`).waitFor({ timeout: 15_000 });
    expect(await stillMarked(list)).toBe(true);
    await shot(list, '04-executions-live');
    await list.close();

    // its page: parameters, output, and the deliveries the rule caused
    await page.click('[data-run-result] a');
    await page.waitForURL(`${t.url}/executions/${id}`);
    await expect(page.locator('main').textContent()).resolves.toContain('restarting web on prod');
    const outbox = page.locator('table.deliveries tr', { hasText: 'outbox' });
    await outbox.locator('.badge[data-status=sent]').waitFor({ timeout: 15_000 });
    await page.locator('table.deliveries tr', { hasText: 'log' }).locator('.badge[data-status=sent]').waitFor({ timeout: 15_000 });
    await expect(outbox.textContent()).resolves.toMatch(/ops\s*sent\s*1/);
    await shot(page, '05-execution-page');
  });

  it('shows the channels with every secret hidden', async () => {
    await page.goto(`${t.url}/channels`);
    const content = await page.content();
    for (const secret of [SLACK_TOKEN, HOOK_SECRET, HOOK_HEADER_TOKEN]) expect(content).not.toContain(secret);
    await expect(page.locator('[data-channel=slack-ops]').textContent()).resolves.toContain('••••');
    await shot(page, '06-channels');
  });

  it('shows aliases, rules and queue health', async () => {
    await page.goto(`${t.url}/aliases`);
    await expect(page.locator('main').textContent()).resolves.toContain('restart {{service}} on {{env=staging}}');
    await shot(page, '07-aliases');
    await page.goto(`${t.url}/rules`);
    await expect(page.locator('main').textContent()).resolves.toContain('failures page someone');
    await shot(page, '08-rules');
    await page.goto(`${t.url}/queues`);
    await page.locator('[data-queue=executions]').waitFor();
    await page.locator('[data-queue=deliveries]').waitFor();
    await shot(page, '09-queues');
  });

  it('loads Bull Board behind the login, and sends a stranger to the login page', async () => {
    // requests for other hosts: Chromium reports the ones a policy stops as failed with `csp`
    const elsewhere: string[] = [];
    const watch = (r: { url(): string; failure(): { errorText: string } | null }) => {
      if (!r.url().startsWith(t.url) && !r.url().startsWith('data:')) elsewhere.push(`${r.url()} ${r.failure()?.errorText ?? 'sent'}`);
    };
    page.on('requestfinished', watch);
    page.on('requestfailed', watch);
    const res = await page.goto(`${t.url}/admin/queues`);
    expect(res?.headers()['content-security-policy']).toContain("font-src 'self'");
    await page.getByText('deliveries').first().waitFor({ timeout: 15_000 });
    await shot(page, '10-bull-board');
    page.off('requestfinished', watch);
    page.off('requestfailed', watch);
    // its page links Google Fonts; the policy keeps the browser from asking
    for (const r of elsewhere) expect(r).toMatch(/ (csp|net::ERR_BLOCKED_BY_CSP)$/);

    const stranger = await browser.newContext();
    const other = await stranger.newPage();
    await other.goto(`${t.url}/admin/queues`);
    expect(new URL(other.url()).pathname).toBe('/login');
    await stranger.close();
  });

  it('is usable at phone width', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await phone.addCookies(await context.cookies());
    const p = await phone.newPage();
    await p.goto(`${t.url}/`);
    await p.locator('tbody tr[data-id]').first().waitFor();
    await shot(p, '11-phone-executions');
    await p.goto(`${t.url}/playground?text=${encodeURIComponent('restart api')}`);
    await shot(p, '12-phone-playground');
    await p.goto(`${t.url}/`);
    await p.click('tbody tr[data-id] a');
    await p.locator('table.deliveries').waitFor();
    await shot(p, '13-phone-execution');
    await phone.close();
  });

  it('shows a banner when a config reload fails, and keeps serving', async () => {
    writeFileSync(join(t.dir, 'aliases', 'ops', 'broken.yaml'), 'name: broken\npack: ops\naction_ref: ops.nothing-here\nformats: ["broken"]\n');
    let found = false;
    for (let i = 0; i < 60 && !found; i++) {
      await page.goto(`${t.url}/rules`);
      found = (await page.locator('.banner').count()) > 0;
      if (!found) await page.waitForTimeout(250);
    }
    expect(found).toBe(true);
    await expect(page.locator('.banner').textContent()).resolves.toContain('aliases/ops/broken.yaml');
    await expect(page.locator('main').textContent()).resolves.toContain('ops hears about everything');
    await shot(page, '14-reload-banner');
    rmSync(join(t.dir, 'aliases', 'ops', 'broken.yaml'));
  });

  it('logs out', async () => {
    await page.goto(`${t.url}/`);
    await page.click('form.who button');
    await page.waitForURL(/\/login$/);
    await page.goto(`${t.url}/`);
    await page.waitForURL(/\/login\?next=/);
  });
});
