/**
 * The alert pages in a real browser (headless Chromium): an Alertmanager alert comes in, the
 * on-call person opens Alerts from the navigation, the alert from the list, and clicks ACK: the
 * form posts same-origin under the page's CSP and the page answers with who acknowledged it.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../executions/helpers.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { launchChromium, shot, signedIn } from './browser.ts';

const AM_TOKEN = 'am-browser-bearer-token-000001';
const ALICE_PASSWORD = 'alice-browser-alerts-5521';

describe('alert pages in a browser', () => {
  let t: TestSwitchboard;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    t = await startTestSwitchboard({
      env: { AM_TOKEN, ALICE_PASSWORD },
      files: {
        'switchboard.yaml': `
server: { port: 0 }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [oncall], password: "\${ALICE_PASSWORD}" }
roles:
  oncall: { permissions: [] }
logging: { level: warn }
`,
        'channels/am-prod.yaml': `
name: am-prod
kind: alertmanager
token: \${AM_TOKEN}
notify: [pager]
allow: [oncall]
`,
        'channels/log.yaml': 'name: log\nkind: log\n',
        'rules/alerts.yaml': `
rules:
  - name: alerts to the log
    channel: pager
    to: [{ channel: log }]
`,
      },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.stop();
  });

  it('lists the alert, opens it and acknowledges it with the ACK button', async () => {
    const body = readFileSync(new URL('../../fixtures/alerts/alertmanager-v4.json', import.meta.url), 'utf8');
    const res = await t.request('/ingress/alertmanager/am-prod', {
      method: 'POST',
      headers: { authorization: `Bearer ${AM_TOKEN}`, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBeLessThan(300);

    const page = await signedIn(browser, contexts, t.url, 'alice', ALICE_PASSWORD);
    await page.click('nav a[href="/alerts"]');
    await page.waitForURL(`${t.url}/alerts`);
    const rows = page.locator('table.alerts tbody tr[data-alert]');
    await waitFor(async () => (await rows.count()) === 2 || (await page.reload(), false), 'both alerts listed');
    await shot(page, 'alerts-list');

    await rows.first().locator('a[data-code]').click();
    await page.waitForURL(/\/alerts\/al-/);
    expect(await page.locator('table[data-labels]').textContent()).toContain('HighLatency');
    // am-prod has no api_url: nothing to create a silence through, so no Silence button
    expect(await page.locator('form[data-silence]').count()).toBe(0);
    await page.click('form[data-ack] button');
    await page.waitForSelector('[data-notice]');
    expect(await page.locator('[data-notice]').textContent()).toMatch(/^Acknowledged HighLatency \(\d+\)/);
    expect(await page.locator('dd[data-acked-by]').textContent()).toContain('alice');
    expect(await page.locator('form[data-ack]').count()).toBe(0);
    expect(await page.locator('tr[data-event="acked"]').textContent()).toContain('alice');
    await shot(page, 'alert-acked');
  });
});
