/**
 * StackStorm's chat API by raw HTTP: credentials refused in StackStorm's words, tokens that
 * expire, hubot-stackstorm's aliasexecution request and its refusals, match and help, and who
 * hears which announcement on the event stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { ALICE_PASSWORD, EventSource, eventually, KEYS, nextEvent, opened, st2Files, type EventSourceLike } from './st2-helpers.ts';

let t: TestSwitchboard;
const sources: EventSourceLike[] = [];
beforeAll(async () => {
  t = await startTestSwitchboard({ files: st2Files() });
});
afterAll(async () => {
  await t?.stop();
  for (const s of sources) s.close();
});

const get = (path: string, headers: Record<string, string> = {}) => t.request(`/st2${path}`, { headers });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  t.request(`/st2${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
const key = (k: string) => ({ 'st2-api-key': k });

const hubotRequest = (over: Record<string, unknown> = {}) => ({
  name: 'hello',
  format: 'hello {{who}}',
  command: 'hello there',
  user: 'alice',
  source_channel: 'C024BE91L',
  source_context: { user: { id: 'U1', name: 'alice', room: 'C024BE91L' }, room: 'C024BE91L' },
  notification_route: 'hubot',
  ...over,
});

describe('credentials', () => {
  it('refuses a request without one, or with a wrong one, with 401 and a faultstring', async () => {
    const none = await get('/api/v1/actionalias');
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ faultstring: 'Unauthorized - One of Token or API key required.' });
    expect((await get('/api/v1/actionalias', key('not-a-key'))).status).toBe(401);
    expect((await get('/api/v1/actionalias', { 'x-auth-token': 'f'.repeat(64) })).status).toBe(401);
    expect((await get(`/api/v1/actionalias?x-auth-token=${'0'.repeat(64)}`)).status).toBe(401);
    expect((await get('/stream/v1/stream')).status).toBe(401);
    expect((await post('/api/v1/aliasexecution', hubotRequest())).status).toBe(401);
    // the key works as a query parameter too (st2client's stream uses it)
    expect((await get(`/api/v1/actionalias?st2-api-key=${KEYS.alice}`)).status).toBe(200);
  });

  it('issues tokens for a password or an API key, and refuses wrong ones', async () => {
    const wrong = await post('/auth/v1/tokens', {}, basic('alice', 'wrong'));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ faultstring: 'Invalid or missing credentials' });
    expect((await post('/auth/v1/tokens', {}, basic('nobody', ALICE_PASSWORD))).status).toBe(401);
    expect((await post('/auth/v1/tokens', {})).status).toBe(401);

    const byKey = await post('/auth/v1/tokens', {}, key(KEYS.bob));
    expect(byKey.status).toBe(201);
    const token = (await byKey.json()) as { user: string; token: string; expiry: string; metadata: unknown };
    expect(token).toMatchObject({ user: 'bob', metadata: {} });
    const aliases = (await (await get('/api/v1/actionalias', { 'x-auth-token': token.token })).json()) as { ref: string }[];
    expect(aliases.map((a) => a.ref)).toEqual(['ops.hello']);
    // the token itself is never kept: only its digest is in Redis
    const keys = await t.sb.redis.keys(`{${t.prefix}}:st2-token:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain(token.token);
  });

  it('a token stops working when it expires', async () => {
    const res = await post('/auth/v1/tokens', { ttl: 1 }, basic('alice', ALICE_PASSWORD));
    expect(res.status).toBe(201);
    const { token, expiry } = (await res.json()) as { token: string; expiry: string };
    expect(Date.parse(expiry) - Date.now()).toBeLessThanOrEqual(1000);
    const refused = await eventually(async () => {
      const r = await get('/api/v1/actionalias', { 'x-auth-token': token });
      return r.status === 401 ? r : undefined;
    }, 'the token to expire');
    expect(await refused.json()).toEqual({ faultstring: 'Unauthorized - Token has expired or is not valid.' });
  });
});

describe('aliasexecution as hubot-stackstorm sends it', () => {
  it('refuses in StackStorm words: unknown alias, wrong format, no match, not allowed, unknown chat user', async () => {
    const cases: [Record<string, unknown>, string, number, string][] = [
      [hubotRequest({ name: 'nope' }), KEYS.hubot, 404, 'Unable to identify action alias with name "nope".'],
      [hubotRequest({ format: 'bye {{who}}' }), KEYS.hubot, 400, 'Format string "bye {{who}}" is not available on the alias "hello"'],
      [hubotRequest({ command: 'goodbye there' }), KEYS.hubot, 400, "Command 'goodbye there' matched no patterns"],
      [hubotRequest({ name: 'deploy', format: 'deploy {{who}}', command: 'deploy prod' }), KEYS.bob, 403, 'you may not run ops.deploy'],
      [hubotRequest({ user: 'mallory' }), KEYS.hubot, 403, 'user "mallory" is not configured in Switchboard; nothing was run'],
      [hubotRequest({ name: undefined }), KEYS.hubot, 400, 'name: Alias execution "name" is required'],
    ];
    for (const [body, k, status, message] of cases) {
      const res = await post('/api/v1/aliasexecution', body, key(k));
      expect({ status: res.status, body: await res.json() }).toEqual({ status, body: { faultstring: message } });
    }
  });

  it('a key without act_as_others runs as its own user, whatever `user` says', async () => {
    const res = await post('/api/v1/aliasexecution', hubotRequest({ user: 'alice' }), key(KEYS.bob));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { execution: { id: string; context: Record<string, unknown> } };
    expect(body.execution.context).toMatchObject({ user: 'bob', api_user: 'alice', source_channel: 'C024BE91L' });
  });

  it('match_and_execute: a command that matches no alias is a 400', async () => {
    const none = await post('/api/v1/aliasexecution/match_and_execute', { command: 'xyzzy' }, key(KEYS.alice));
    expect({ status: none.status, body: await none.json() }).toEqual({ status: 400, body: { faultstring: "Command 'xyzzy' matched no patterns" } });
  });
});

describe('match, help, executions', () => {
  it('match answers {actionalias, display, representation}', async () => {
    const res = await post('/api/v1/actionalias/match', { command: 'hello you' }, key(KEYS.alice));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { actionalias: { ref: string }; display: string; representation: string };
    expect(body.actionalias.ref).toBe('ops.hello');
    expect(body.display).toBe('hello <who>');
    expect(body.representation).toBe('hello {{who}}');
    const denied = await post('/api/v1/actionalias/match', { command: 'deploy prod' }, key(KEYS.bob));
    expect(denied.status).toBe(403);
  });

  it('help lists the displays the caller may run', async () => {
    const res = await get('/api/v1/actionalias/help?filter=HELLO', key(KEYS.alice));
    expect(await res.json()).toEqual({ available: 1, helpstrings: [{ pack: 'ops', display: 'hello <who>', description: 'Say hello' }] });
    const bobs = (await (await get('/api/v1/actionalias/help', key(KEYS.bob))).json()) as { available: number };
    expect(bobs.available).toBe(1);
  });

  it("another user's execution is a 404, like an unknown id", async () => {
    const res = await post('/api/v1/aliasexecution/match_and_execute', { command: 'hello secret' }, key(KEYS.alice));
    const id = ((await res.json()) as { results: { execution: { id: string } }[] }).results[0]!.execution.id;
    const other = await get(`/api/v1/executions/${id}`, key(KEYS.bob));
    expect({ status: other.status, body: await other.json() }).toEqual({
      status: 404,
      body: { faultstring: `Resource with a reference or id "${id}" not found` },
    });
    expect((await get('/api/v1/executions/nope', key(KEYS.bob))).status).toBe(404);
    expect((await get(`/api/v1/executions/${id}`, key(KEYS.alice))).status).toBe(200);
  });
});

describe('the event stream', () => {
  const stream = async (k: string, path = '/st2/stream/v1/stream') => {
    const s = new EventSource(`${t.url}${path}?st2-api-key=${k}`);
    sources.push(s);
    await opened(s);
    return s;
  };

  it("each caller hears its own commands' results, not another's; hubot's route is announced too", async () => {
    const aliceStream = await stream(KEYS.alice);
    // without a stream URL st2client looks under the API prefix: that works too
    const bobStream = await stream(KEYS.bob, '/st2/api/v1/stream');
    const bobHeard: unknown[] = [];
    bobStream.addEventListener('st2.announcement__chatops', (e) => bobHeard.push(JSON.parse(e.data)));
    const hubotRoute = nextEvent(aliceStream, 'st2.announcement__hubot', (d) => (d.payload as { channel: string }).channel === 'C-alice');

    const aliceHeard = nextEvent(aliceStream, 'st2.announcement__chatops', (d) => (d.payload as { channel: string }).channel === 'C-alice');
    expect((await post('/api/v1/aliasexecution', hubotRequest({ source_channel: 'C-alice', command: 'hello alice' }), key(KEYS.alice))).status).toBe(201);
    expect(((await aliceHeard).payload as { message: string }).message).toBe('said: hello alice');
    expect(((await hubotRoute).payload as { message: string }).message).toBe('said: hello alice');

    // every stream of a gateway reads one subscription in order: once bob hears his own, alice's went by
    const bobOwn = nextEvent(bobStream, 'st2.announcement__chatops', (d) => (d.payload as { channel: string }).channel === 'C-bob');
    expect((await post('/api/v1/aliasexecution', hubotRequest({ source_channel: 'C-bob', command: 'hello bob' }), key(KEYS.bob))).status).toBe(201);
    await bobOwn;
    expect(bobHeard.map((d) => (d as { payload: { channel: string } }).payload.channel)).toEqual(['C-bob']);
  });
});
