/**
 * StackStorm's chat API (docs/contracts.md section 7) driven by the npm `st2client` package, as
 * hubot-stackstorm and the st2 tooling use it, against a whole running Switchboard: list the
 * aliases, run `match_and_execute` and `aliasexecution`, read the execution until it ends, and
 * hear the result as `st2.announcement__chatops` on the event stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { ALICE_PASSWORD, eventually, KEYS, nextEvent, opened, st2client, st2Files, type EventSourceLike, type St2Client } from './st2-helpers.ts';

let t: TestSwitchboard;
let client: St2Client;
let source: EventSourceLike;

const clientFor = (key: string) => {
  const c = st2client({ api: `${t.url}/st2/api`, stream: `${t.url}/st2/stream` });
  c.setKey({ key });
  return c;
};

beforeAll(async () => {
  t = await startTestSwitchboard({ files: st2Files() });
  client = clientFor(KEYS.hubot);
  source = await client.stream.listen();
  await opened(source);
});
afterAll(async () => {
  // the stream is still open: stopping must not wait for it
  await t?.stop();
  source?.close();
  client?.close();
});

const untilEnded = (c: St2Client, id: string) =>
  eventually(async () => {
    const e = await c.executions.get(id);
    return ['succeeded', 'failed', 'timeout', 'canceled'].includes(e.status as string) ? e : undefined;
  }, `execution ${id} to end`);

describe('st2client against /st2/', () => {
  it('lists the aliases the key may run, in ActionAliasAPI shape', async () => {
    const aliases = await clientFor(KEYS.alice).actionAlias.list({ limit: -1 });
    const hello = aliases.find((a) => a.ref === 'ops.hello');
    expect(hello).toMatchObject({
      ref: 'ops.hello',
      pack: 'ops',
      name: 'hello',
      action_ref: 'ops.hello',
      enabled: true,
      description: 'Say hello',
      formats: [{ display: 'hello <who>', representation: ['hello {{who}}'] }],
      ack: { enabled: true, format: 'Saying hello to {{ execution.params.who }}' },
    });
    expect(aliases.map((a) => a.ref)).toContain('ops.deploy');
    // bob has no `ops` role: the deploy alias is not his to see
    const bobs = await clientFor(KEYS.bob).actionAlias.list({ limit: -1 });
    expect(bobs.map((a) => a.ref)).toEqual(['ops.hello']);
  });

  it('runs match_and_execute, reads the execution until it ends, and hears the announcement', async () => {
    const announced = nextEvent(source, 'st2.announcement__chatops', (d) => (d.payload as { channel?: string }).channel === '#cli');
    // st2client has no method for match_and_execute: its own request, as the st2 CLI sends it
    const res = await client.aliasExecution.request(
      { method: 'post', path: '/aliasexecution/match_and_execute' },
      { command: 'hello world', user: 'alice', source_channel: '#cli', notification_route: 'chatops' },
    );
    expect(res.statusCode).toBe(201);
    const { results } = res.body as { results: { execution: { id: string; status: string }; actionalias: { ref: string }; message: string }[] };
    expect(results).toHaveLength(1);
    expect(results[0]!.actionalias.ref).toBe('ops.hello');
    expect(results[0]!.message).toBe('Saying hello to world');
    const id = results[0]!.execution.id;

    // the hubot key ran it as alice (act_as_others): alice reads it; the bot user may not
    const alice = clientFor(KEYS.alice);
    const done = await untilEnded(alice, id);
    expect(done).toMatchObject({
      id,
      status: 'succeeded',
      action: { ref: 'ops.hello' },
      parameters: { who: 'world' },
      result: { stdout: 'hello world\n' },
      context: { user: 'alice', action_alias_ref: 'ops.hello', source_channel: '#cli', api_user: 'alice' },
    });
    expect(done.start_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(done.end_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await expect(client.executions.get(id)).rejects.toMatchObject({ status: 404 });

    // the key that submitted it hears the result, as hubot-stackstorm reads it (`JSON.parse(e.data).payload`)
    const event = await announced;
    expect(event.payload).toEqual({ channel: '#cli', message: 'said: hello world', user: 'alice', whisper: false, extra: { color: 'good' } });
  });

  it('aliasexecution as hubot-stackstorm sends it: ack in the answer, the result on the stream', async () => {
    const announced = nextEvent(source, 'st2.announcement__chatops', (d) => (d.payload as { channel?: string }).channel === '#ops');
    const answer = await client.aliasExecution.create({
      name: 'hello',
      format: 'hello {{who}}',
      command: 'hello hubot',
      user: 'alice',
      source_channel: '#ops',
      source_context: { user: { id: 'U1', name: 'alice' }, room: '#ops' },
      notification_route: 'hubot',
    });
    expect(answer).toMatchObject({ actionalias: { ref: 'ops.hello', ack: { enabled: true } }, message: 'Saying hello to hubot' });
    const execution = answer.execution as { id: string; status: string; context: { user: string } };
    // act_as_others: the command ran as the chat user
    expect(execution.context.user).toBe('alice');
    expect(['scheduled', 'running', 'succeeded']).toContain(execution.status);

    const event = await announced;
    expect(event.payload).toEqual({ channel: '#ops', message: 'said: hello hubot', user: 'alice', whisper: false, extra: { color: 'good' } });
    expect(event.execution).toEqual({ id: execution.id, status: 'succeeded' });
  });

  it('a token from auth/v1/tokens works as X-Auth-Token, and so does the stream with it', async () => {
    const authClient = st2client({ auth: `${t.url}/st2/auth/v1` });
    const token = await authClient.auth.authenticate('alice', ALICE_PASSWORD);
    expect(token.user).toBe('alice');
    expect(token.token).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(token.expiry)).toBeGreaterThan(Date.now());
    authClient.close();

    const byToken = st2client({ api: `${t.url}/st2/api` });
    byToken.setToken({ token: token.token });
    expect((await byToken.actionAlias.list({ limit: -1 })).map((a) => a.ref).sort()).toEqual(['ops.deploy', 'ops.hello']);
    const { results } = (
      await byToken.aliasExecution.request({ method: 'post', path: '/aliasexecution/match_and_execute' }, { command: 'deploy prod', source_channel: '#t' })
    ).body as {
      results: { execution: { id: string } }[];
    };
    const done = await untilEnded(byToken, results[0]!.execution.id);
    expect(done).toMatchObject({ status: 'succeeded', context: { user: 'alice' } });
  });
});
