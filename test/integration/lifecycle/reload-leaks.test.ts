/**
 * Fifty hot reloads leave nothing behind: the same listeners on the shared Redis connection, the
 * same number of Redis client connections (counted on a private redis-server, so no other test's
 * clients are in the count), the same folders watched. The dashboard is visited in every
 * generation, so its queue handles over the shared connection are counted too.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedis, type OwnRedis } from '../../faults/redis-server.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { API_KEY, baseFiles, eventually } from '../operations/helpers.ts';

let own: OwnRedis;
let t: TestSwitchboard;
let admin: Redis;
const warnings: string[] = [];
const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);

beforeAll(async () => {
  own = await startOwnRedis();
  const files = baseFiles();
  files['switchboard.yaml'] = files['switchboard.yaml']!.replace('redis: { prefix:', `redis: { url: "${own.url}", prefix:`);
  t = await startTestSwitchboard({ files });
  admin = new Redis(own.url);
  process.on('warning', onWarning);
}, 30_000);
afterAll(async () => {
  process.off('warning', onWarning);
  await t?.stop();
  admin?.disconnect();
  await own?.destroy();
});

/** Listener counts per event on the shared connection, e.g. `{ error: 3, ready: 2, ... }`. */
const listeners = (r: Redis) => Object.fromEntries(r.eventNames().map((n) => [String(n), r.listenerCount(n)]));
/** Client connections to the private Redis, the counting client itself left out. */
const clients = async () =>
  String(await admin.call('CLIENT', 'LIST'))
    .split('\n')
    .filter((l: string) => l.includes('addr=') && !l.includes('cmd=client|list')).length;

async function loginCookie(): Promise<string> {
  const res = await t.request('/login', {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: t.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: API_KEY }).toString(),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`no session cookie (${res.status})`);
  return cookie;
}

describe('hot reload', () => {
  it('leaks no listener and no connection across 50 reloads', async () => {
    const cookie = await loginCookie();
    const visit = async () => expect((await t.request('/', { headers: { cookie } })).status).toBe(200);
    // one reload and one visit first: anything made lazily once per process exists from here on
    await visit();
    expect((await t.sb.reload('warm-up')).ok).toBe(true);
    await visit();
    const settled = async () => {
      const n = await clients();
      await new Promise((r) => setTimeout(r, 300));
      return (await clients()) === n ? n : undefined;
    };
    const baseClients = await eventually(settled, 'the connections settled', 100);
    await eventually(async () => ((await clients()) === baseClients ? true : undefined), 'the warm-up retired');
    // the warm-up's old generation closes its queues after 2 s for requests in flight: wait until no count moves
    let steady = 0;
    let last = '';
    for (let i = 0; i < 100 && steady < 6; i++) {
      const now = JSON.stringify(listeners(t.sb.redis));
      steady = now === last ? steady + 1 : 0;
      last = now;
      await new Promise((r) => setTimeout(r, 500));
    }
    const baseListeners = listeners(t.sb.redis);
    const baseWatched = t.sb.watchedFolders();
    expect(baseWatched).toEqual(['', 'actions', 'aliases', 'aliases/ops', 'channels', 'rules']);

    for (let i = 0; i < 50; i++) {
      expect((await t.sb.reload(`leak test ${i}`)).ok).toBe(true);
      await visit();
    }
    // the old generations retire in the background (2 s for requests in flight): wait for them
    const after = await eventually(
      async () => ((await clients()) <= baseClients ? clients() : undefined),
      `the connections back to ${baseClients} (now ${await clients()})`,
      600,
    );
    expect(after).toBe(baseClients);
    // (polled, then asserted: the diff shows which event's count moved)
    await eventually(() => (JSON.stringify(listeners(t.sb.redis)) === JSON.stringify(baseListeners) ? true : undefined), 'the listeners back', 200).catch(
      () => undefined,
    );
    expect(listeners(t.sb.redis)).toEqual(baseListeners);
    expect(t.sb.watchedFolders()).toEqual(baseWatched);
    expect(warnings.filter((w) => /MaxListeners/.test(w))).toEqual([]);
    // and it still works
    await visit();
  }, 120_000);
});
