/**
 * The dashboard over plain HTTP (no browser): the login, the session cookie, CSRF refusals,
 * escaping of sender-supplied text, secrets never in a page, and the API's bearer auth untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { ALICE_PASSWORD, API_KEY, BOB_PASSWORD, HOOK_HEADER_TOKEN, HOOK_SECRET, SLACK_TOKEN, webConfig } from './fixture.ts';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('dashboard over HTTP', () => {
  let t: TestSwitchboard;
  let alice: string;

  const get = (path: string, cookie?: string) => t.request(path, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const login = (fields: Record<string, string>, headers: Record<string, string> = { origin: t.url }) =>
    t.request('/login', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: form(fields),
    });
  const cookieOf = (res: Response) => /^(sb_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  const run = (text: string, cookie: string, headers: Record<string, string> = { origin: t.url }) =>
    t.request('/ui/api/commands', { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ text }) });
  async function waitDone(id: string, cookie: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 200; i++) {
      const e = (await (await get(`/ui/api/executions/${id}`, cookie)).json()) as Record<string, unknown>;
      if (['succeeded', 'failed', 'timeout', 'canceled'].includes(String(e.status))) return e;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`execution ${id} did not finish`);
  }

  beforeAll(async () => {
    t = await startTestSwitchboard(webConfig());
    const res = await login({ user: 'alice', password: ALICE_PASSWORD });
    alice = cookieOf(res) ?? '';
  });
  afterAll(() => t?.stop());

  describe('login', () => {
    it('sends pages to the login form and answers 401 to fetches without a session', async () => {
      const page = await get('/channels');
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toBe('/login?next=%2Fchannels');
      for (const path of ['/ui/fragments/executions', '/ui/api/executions', '/admin/queues/api/queues']) expect((await get(path)).status).toBe(401);
      expect((await get('/admin/queues')).headers.get('location')).toBe('/login?next=%2Fadmin%2Fqueues');
    });

    it('refuses a wrong password, an unknown user and a wrong API key, setting no cookie', async () => {
      const attempts: Record<string, string>[] = [
        { user: 'alice', password: 'nope' },
        { user: 'mallory', password: ALICE_PASSWORD },
        { user: 'alice', password: '' },
        { api_key: 'not-a-key' },
      ];
      for (const fields of attempts) {
        const res = await login(fields);
        expect(res.status).toBe(401);
        expect(res.headers.get('set-cookie')).toBeNull();
        expect(await res.text()).toContain('Wrong user, password or API key');
      }
    });

    it('accepts the right password with an HttpOnly, SameSite=Strict cookie and follows a local next only', async () => {
      const res = await login({ user: 'alice', password: ALICE_PASSWORD, next: '/rules' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/rules');
      const setCookie = res.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect(setCookie).toMatch(/Path=\//);
      const evil = await login({ user: 'alice', password: ALICE_PASSWORD, next: '//evil.example/x' });
      expect(evil.headers.get('location')).toBe('/');
      expect((await get('/', alice)).status).toBe(200);
    });

    it("accepts an API key as the key's user", async () => {
      const res = await login({ api_key: API_KEY });
      expect(res.status).toBe(303);
      const page = await get('/aliases', cookieOf(res));
      expect(await page.text()).toContain('alice');
    });

    it('refuses a tampered or forged cookie', async () => {
      const [payload, sig] = alice.slice('sb_session='.length).split('.');
      // the cookie is a random session id and its signature: another id with the same signature is refused
      const forged = Buffer.alloc(32, 1).toString('base64url');
      for (const cookie of [`sb_session=${forged}.${sig}`, `sb_session=${payload}.${'A'.repeat(43)}`, 'sb_session=garbage']) {
        expect((await get('/', cookie)).status).toBe(302);
      }
    });

    it('logs out by clearing the cookie', async () => {
      // a session of its own: logout now ends it server-side, and later tests keep using `alice`
      const own = cookieOf(await login({ user: 'alice', password: ALICE_PASSWORD })) ?? '';
      const res = await t.request('/logout', { method: 'POST', redirect: 'manual', headers: { cookie: own, origin: t.url } });
      expect(res.status).toBe(303);
      expect(res.headers.get('set-cookie')).toMatch(/sb_session=;.*Max-Age=0/);
    });
  });

  describe('CSRF', () => {
    it('refuses a login or a command posted from another origin, or with no origin at all', async () => {
      expect((await login({ user: 'alice', password: ALICE_PASSWORD }, { origin: 'https://evil.example' })).status).toBe(403);
      expect((await login({ user: 'alice', password: ALICE_PASSWORD }, {})).status).toBe(403);
      expect((await run('whoami', alice, { origin: 'https://evil.example' })).status).toBe(403);
      expect((await run('whoami', alice, {})).status).toBe(403);
      expect((await run('whoami', alice, { referer: 'https://evil.example/page' })).status).toBe(403);
      const logout = await t.request('/logout', { method: 'POST', redirect: 'manual', headers: { cookie: alice, origin: 'https://evil.example' } });
      expect(logout.status).toBe(403);
    });

    it('accepts a same-origin command (Origin, or Referer when no Origin is sent)', async () => {
      expect((await run('whoami', alice)).status).toBe(202);
      expect((await run('whoami', alice, { referer: `${t.url}/playground` })).status).toBe(202);
    });
  });

  describe('acting as the signed-in user', () => {
    it("runs with the user's roles: bob may not run an ops alias, nor sees it", async () => {
      const bob = cookieOf(await login({ user: 'bob', password: BOB_PASSWORD })) ?? '';
      const res = await run('echo hi', bob);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      const aliases = await (await get('/aliases', bob)).text();
      expect(aliases).toContain('whoami');
      expect(aliases).not.toContain('echo {{msg}}');
      const preview = await (await get('/ui/fragments/preview?text=echo%20hi', bob)).text();
      expect(preview).toContain('data-outcome="forbidden"');
    });

    it('records the command under the user, with the dashboard as sender', async () => {
      const res = await run('whoami', alice);
      const { execution } = (await res.json()) as { execution: { id: string; user: string; origin: { sender: string } } };
      expect(execution.user).toBe('alice');
      expect(execution.origin.sender).toBe('dashboard:alice');
    });
  });

  describe('cancel', () => {
    it('offers Cancel on a running execution and cancels it through the API as the user', async () => {
      const queued = await run('sleep 30', alice);
      const body = await queued.text();
      expect(queued.status, body).toBe(202);
      const { execution } = JSON.parse(body) as { execution: { id: string } };
      const page = await (await get(`/executions/${execution.id}`, alice)).text();
      expect(page).toContain(`data-cancel="${execution.id}"`);
      const cross = await t.request(`/ui/api/executions/${execution.id}/cancel`, {
        method: 'POST',
        headers: { cookie: alice, origin: 'https://evil.example' },
      });
      expect(cross.status).toBe(403);
      const res = await t.request(`/ui/api/executions/${execution.id}/cancel`, { method: 'POST', headers: { cookie: alice, origin: t.url } });
      expect(res.status).toBe(200);
      expect((await waitDone(execution.id, alice)).status).toBe('canceled');
      expect(await (await get(`/executions/${execution.id}`, alice)).text()).not.toContain('data-cancel=');
    });
  });

  describe('escaping and secrets', () => {
    it('renders a command containing <script> escaped on the list and on its page', async () => {
      const text = 'echo <script>alert("x")</script><img src=x onerror=alert(1)>';
      const res = await run(text, alice);
      expect(res.status).toBe(202);
      const { execution } = (await res.json()) as { execution: { id: string } };
      await waitDone(execution.id, alice);
      for (const path of [
        '/',
        `/executions/${execution.id}`,
        `/ui/fragments/executions/${execution.id}`,
        '/ui/fragments/executions',
        `/playground?text=${encodeURIComponent(text)}`,
      ]) {
        const html = await (await get(path, alice)).text();
        expect(html, path).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
        expect(html, path).not.toContain('<script>alert');
        expect(html, path).not.toContain('<img src=x');
      }
    });

    it('never puts a secret from the config in a page, and masks them on the channels page', async () => {
      const secrets = [SLACK_TOKEN, HOOK_SECRET, HOOK_HEADER_TOKEN, ALICE_PASSWORD, API_KEY];
      const channels = await (await get('/channels', alice)).text();
      expect(channels).toContain('••••');
      // the webhook's URL shows only where it goes
      expect(channels).toContain('https://pager.example.com/••••');
      expect(channels).not.toContain('/hook?key');
      for (const path of ['/', '/channels', '/rules', '/aliases', '/queues', '/playground?text=restart%20web', '/ui/fragments/queues']) {
        const html = await (await get(path, alice)).text();
        for (const s of secrets) expect(html, `${path} shows a secret`).not.toContain(s);
      }
    });

    it('sends a strict Content-Security-Policy and no-store on pages', async () => {
      const res = await get('/', alice);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    });
  });

  describe('beside the API', () => {
    it('leaves the bearer-key API, health and 404s as they were', async () => {
      expect((await t.request('/api/v1/executions')).status).toBe(401);
      expect((await t.request('/api/v1/executions', { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(200);
      expect((await t.request('/healthz')).status).toBe(200);
      const missing = await t.request('/api/v1/nothing-here', { headers: { authorization: `Bearer ${API_KEY}` } });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/json');
      // a dashboard cookie is no API credential
      expect((await t.request('/api/v1/executions', { headers: { cookie: alice } })).status).toBe(401);
    });

    it('serves Bull Board and its assets only with a session', async () => {
      const page = await get('/admin/queues', alice);
      expect(page.status).toBe(200);
      const html = await page.text();
      const css = /href="(static\/css\/[^"]+)"/.exec(html)?.[1];
      expect(css).toBeTruthy();
      expect((await get(`/admin/queues/${css}`, alice)).status).toBe(200);
      expect((await get(`/admin/queues/${css}`)).status).toBe(302);
      const queues = (await (await get('/admin/queues/api/queues', alice)).json()) as { queues: { name: string; readOnlyMode: boolean }[] };
      expect(queues.queues.map((q) => q.name).sort()).toEqual(['deliveries', 'executions', 'replies']);
      expect(queues.queues.every((q) => q.readOnlyMode)).toBe(true);
    });
  });
});
