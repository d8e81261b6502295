/**
 * A Switchboard loads the runtimes (and SDKs) of its config's channel kinds only
 * (src/providers/runtimes.ts); a request for another provider's ingress loads the rest then and is
 * answered as it always was (src/ingress/lazy.ts), and a path no provider has is the app's 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeLoaded } from '../../../src/providers/runtimes.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { baseFiles } from '../operations/helpers.ts';

let t: TestSwitchboard;
beforeAll(async () => {
  t = await startTestSwitchboard({ files: baseFiles() });
});
afterAll(() => t?.stop());

describe('provider runtimes on demand', () => {
  it("loads the configured kinds' runtimes only", () => {
    expect(runtimeLoaded('log')).toBe(true);
    for (const kind of ['slack', 'sms', 'email', 'github', 'telegram']) expect(runtimeLoaded(kind)).toBe(false);
  });

  it("answers an unconfigured provider's ingress as that provider does (loading it then)", async () => {
    const form = new URLSearchParams({ From: '+15551230001', To: '+15550009999', Body: 'hello', MessageSid: 'SM1' });
    const res = await t.request('/ingress/twilio/sms', { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'invalid_signature', message: 'the request cannot be verified' } });
    expect(t.logs.some((l) => l.includes('sms webhook refused: no sms channel'))).toBe(true);
    expect(runtimeLoaded('sms')).toBe(true);
    expect(runtimeLoaded('teams')).toBe(true);
  }, 60_000); // the first such request loads (here: transforms) every other provider's runtime

  it('keeps answering through the loaded routes (a second request, another provider)', async () => {
    const res = await t.request('/ingress/telegram', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('no telegram channel has a secret_token');
  });

  it("gives a path no provider has the app's 404", async () => {
    const res = await t.request('/ingress/no-such-provider/hook', { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no route for POST /ingress/no-such-provider/hook' } });
  });
});
