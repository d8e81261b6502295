/**
 * The dashboard for operators, in a real browser (headless Chromium) against a whole Switchboard:
 * page 2 of the executions, search by user, re-run (a new execution with the same parameters), a
 * delivery's rendered message on the execution page, and the deliveries page listing a failed
 * delivery, whose Retry (for a `queues` user only) sends it again.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../../src/providers/webhook/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { launchChromium, shot, signedIn } from './browser.ts';
import { ALICE_PASSWORD, API_KEY, BOB_KEY, BOB_PASSWORD, getExecution, postCommand, webConfig } from './fixture.ts';

interface Delivery {
  channel: string;
  status: string;
  message: { text: string; subject?: string; target?: string } | null;
}
interface Execution {
  id: string;
  status: string;
  user: string | null;
  params: Record<string, unknown>;
  deliveries: Delivery[];
}

/** the dashboard fixture, a key for bob, and every `ops` notification also to a webhook the test can make fail */
function config(hookUrl: string) {
  const base = webConfig();
  const files = base.files ?? {};
  const main = files['switchboard.yaml']!.replace('api_keys:\n', `api_keys:\n  - { name: bob-key, key: "${BOB_KEY}", user: bob }\n`);
  expect(main).toContain('bob-key');
  return {
    ...base,
    files: {
      ...files,
      'switchboard.yaml': main,
      'channels/fragile.yaml': `name: fragile\nkind: webhook\nurl: ${hookUrl}/hook\n`,
      'rules/fragile.yaml': 'rules:\n  - name: ops also to the fragile hook\n    channel: ops\n    to:\n      - { channel: fragile }\n',
    },
  };
}

describe('dashboard for operators in Chromium', () => {
  let t: TestSwitchboard;
  let hook: WebhookReceiver;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: Page;
  let bob: Page;

  const run = async (text: string, key = API_KEY) => {
    return (await postCommand(t, text, key)).execution.id;
  };
  const get = async (id: string) => getExecution<Execution>(t, id);
  /** polls the API until `done` holds (a generous bound, no timing assertion) */
  const waitFor = async (id: string, done: (e: Execution) => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const e = await get(id);
      if (done(e)) return e;
      if (Date.now() > deadline) throw new Error(`${id} never reached: ${what}: ${JSON.stringify(e)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const fragile = (e: Execution) => e.deliveries.find((d) => d.channel === 'fragile');

  const signIn = (user: string, password: string): Promise<Page> => signedIn(browser, contexts, t.url, user, password, { width: 1280, height: 900 });

  let oldest: string[];
  let bobWho: string;

  beforeAll(async () => {
    browser = await launchChromium();
    hook = await startWebhookReceiver();
    t = await startTestSwitchboard(config(hook.url));
    // 52 quick executions: more than one page of 50
    oldest = [await run('sleep 0'), await run('sleep 0')];
    for (let i = 0; i < 50; i++) await run('sleep 0');
    bobWho = await run('whoami', BOB_KEY);
    alice = await signIn('alice', ALICE_PASSWORD);
    bob = await signIn('bob', BOB_PASSWORD);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.stop();
    await hook?.close();
  });

  it('shows page 2 of the executions', async () => {
    await alice.goto(`${t.url}/`);
    await expect(alice.locator('table.executions tbody tr').count()).resolves.toBe(50);
    for (const id of oldest) await expect(alice.locator(`tr[data-id="${id}"]`).count()).resolves.toBe(0);
    await alice.click('[data-next]');
    await alice.waitForURL(/cursor=/);
    await expect(alice.locator('table.executions tbody tr').count()).resolves.toBe(3);
    for (const id of oldest) await alice.locator(`tr[data-id="${id}"]`).waitFor();
    await alice.locator('[data-end]').waitFor();
    await shot(alice, '20-executions-page-2');
  });

  it('searches by user', async () => {
    await alice.goto(`${t.url}/`);
    await alice.fill('form[data-search] input[name=user]', 'bob');
    await alice.click('form[data-search] button[type=submit]');
    await alice.waitForURL(/user=bob/);
    const rows = alice.locator('table.executions tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().getAttribute('data-id')).resolves.toBe(bobWho);
    await shot(alice, '21-search-by-user');
    // bob has no user field: he sees his own only, whatever the URL says
    await bob.goto(`${t.url}/?user=alice`);
    await expect(bob.locator('form[data-search] input[name=user]').count()).resolves.toBe(0);
    await bob.locator('table.executions [data-none]').waitFor();
  });

  it('re-runs an execution: a new one with the same parameters, as the person clicking', async () => {
    const original = await run('echo rerun me please');
    await waitFor(original, (e) => e.status === 'succeeded', 'succeeded');
    await alice.goto(`${t.url}/executions/${original}`);
    await alice.click(`[data-rerun="${original}"]`);
    await alice.waitForURL((url) => /\/executions\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith(original));
    const copy = decodeURIComponent(new URL(alice.url()).pathname.split('/').pop()!);
    const rerun = await waitFor(copy, (e) => e.status === 'succeeded', 'succeeded');
    expect(rerun.params).toEqual((await get(original)).params);
    expect(rerun.user).toBe('alice');
    await expect(alice.locator('main').textContent()).resolves.toContain('rerun me please');
    // bob may not run ops.echo: his own whoami has a Re-run button, alice's page is not his to see
    await bob.goto(`${t.url}/executions/${bobWho}`);
    await bob.locator(`[data-rerun="${bobWho}"]`).waitFor();
    await bob.goto(`${t.url}/executions/${original}`);
    await expect(bob.locator('[data-rerun]').count()).resolves.toBe(0);
  });

  it('shows the message each delivery sent', async () => {
    const id = await run('echo show the message');
    await waitFor(id, (e) => e.deliveries.some((d) => d.channel === 'outbox' && d.status === 'sent'), 'outbox sent');
    await alice.goto(`${t.url}/executions/${id}`);
    const outbox = alice.locator('table.deliveries tr', { hasText: 'outbox' });
    await expect(outbox.locator('[data-delivery-message] pre').textContent()).resolves.toBe('echo succeeded');
    await shot(alice, '22-delivery-message');
  });

  it('lists a failed delivery; a queues user retries it, others get no button', async () => {
    hook.failNext(1, { status: 400, body: { error: 'bad request' } });
    const id = await run('echo doomed once');
    await waitFor(id, (e) => fragile(e)?.status === 'failed', 'the fragile delivery failed');
    hook.failNext(1, { status: 400, body: { error: 'bad request' } });
    const mine = await run('whoami', BOB_KEY);
    await waitFor(mine, (e) => fragile(e)?.status === 'failed', 'bob’s fragile delivery failed');

    await alice.goto(`${t.url}/deliveries`);
    const row = alice.locator('tr[data-delivery]', { hasText: id });
    await expect(row.textContent()).resolves.toContain('400');
    await expect(row.locator('[data-delivery-message] pre').textContent()).resolves.toBe('echo succeeded');
    await shot(alice, '23-deliveries-failed');

    // bob sees his own failed delivery, not alice's, and no Retry button
    await bob.goto(`${t.url}/deliveries`);
    await bob.locator('tr[data-delivery]', { hasText: mine }).waitFor();
    await expect(bob.locator('tr[data-delivery]', { hasText: id }).count()).resolves.toBe(0);
    await expect(bob.locator('[data-retry]').count()).resolves.toBe(0);
    const refused = await bob.evaluate(
      async (delivery) => (await fetch(`/ui/deliveries/${encodeURIComponent(delivery)}/retry`, { method: 'POST' })).status,
      (await row.getAttribute('data-delivery'))!,
    );
    expect(refused).toBe(403);

    await row.locator('[data-retry]').click();
    await alice.locator('tr[data-delivery] [data-retry-answer]', { hasText: 'Queued again.' }).waitFor();
    const sent = await waitFor(id, (e) => fragile(e)?.status === 'sent', 'the retried delivery sent');
    expect(fragile(sent)?.message?.text).toBe('echo succeeded');
    await alice.goto(`${t.url}/deliveries`);
    await expect(alice.locator('tr[data-delivery]', { hasText: id }).count()).resolves.toBe(0);
    await shot(alice, '24-deliveries-retried');
  });
});
