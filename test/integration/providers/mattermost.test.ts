/**
 * Mattermost in and out against a running Switchboard and the fake Mattermost server: slash
 * commands and outgoing webhooks as the Mattermost server sends them (the command token in the
 * `token` field and `Authorization: Token <token>`; the webhook token in `token`), answered in
 * place; results posted through the REST API v4 into the same channel / thread.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mattermostId, startMattermostFake, type MattermostFake, type MattermostPosted } from '../../fakes/mattermost-api.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { chatSwitchboardYaml, echoAlias } from '../chat-config.ts';
import { waitFor } from '../executions/helpers.ts';

const BOT_TOKEN = 'mm-bot-SECRET-0123456789abcdef';
const COMMAND_TOKEN = 'mm-cmd-SECRET-9876543210fedcba';
const OUTGOING_TOKEN = 'mm-out-SECRET-abcdefabcdef0123';
const API_KEY = 'sb-test-SECRET-key-0123456789';
const ALICE = mattermostId();
const BOB = mattermostId();
const TEAM = mattermostId();
const TOWN_SQUARE = mattermostId();

let mm: MattermostFake;
let t: TestSwitchboard;
let seq = 0;

/** A slash command as the Mattermost server posts it (server/channels/app/command.go). */
function slash(text: string, o: { user?: string; token?: string; header?: string | null; trigger?: string } = {}) {
  const token = o.token ?? COMMAND_TOKEN;
  const form = new URLSearchParams({
    channel_id: TOWN_SQUARE,
    channel_name: 'town-square',
    command: '/sb',
    response_url: `${mm.url}/hooks/commands/${mattermostId()}`,
    team_domain: 'ops',
    team_id: TEAM,
    text,
    token,
    trigger_id: o.trigger ?? `trig-${++seq}-${mattermostId()}`,
    user_id: o.user ?? ALICE,
    user_name: 'alice',
  });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (o.header !== null) headers.authorization = `Token ${o.header ?? token}`;
  return fetch(`${t.url}/ingress/mattermost/commands`, { method: 'POST', headers, body: form.toString() });
}

/** An outgoing webhook's post (JSON, or form when `form`). */
function outgoing(text: string, o: { user?: string; token?: string; postId?: string; form?: boolean; threadRoot?: string } = {}) {
  const postId = o.postId ?? mattermostId();
  // the person's post exists on the server (a reply in a thread when `threadRoot` is given)
  mm.addUserPost({ id: postId, channel_id: TOWN_SQUARE, ...(o.threadRoot && { root_id: o.threadRoot }), message: text });
  const fields = {
    token: o.token ?? OUTGOING_TOKEN,
    team_id: TEAM,
    team_domain: 'ops',
    channel_id: TOWN_SQUARE,
    channel_name: 'town-square',
    timestamp: String(Date.now()),
    user_id: o.user ?? ALICE,
    user_name: 'alice',
    post_id: postId,
    text,
    trigger_word: 'sb',
    file_ids: '',
  };
  return fetch(`${t.url}/ingress/mattermost/outgoing`, {
    method: 'POST',
    headers: { 'content-type': o.form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: o.form ? new URLSearchParams(fields).toString() : JSON.stringify(fields),
  });
}

async function executions(): Promise<{ id: string; alias: string; status: string; user: string; origin: Record<string, unknown> }[]> {
  const res = await t.request('/api/v1/executions?limit=200', { headers: { authorization: `Bearer ${API_KEY}` } });
  return ((await res.json()) as { items: never[] }).items;
}

const shown = (p: MattermostPosted) => [p.message, ...(p.props?.attachments ?? []).map((a) => `${a.pretext ?? ''}\n${a.text ?? ''}`)].join('\n');

/** A Switchboard with the mattermost channel pointed at the fake, alice (ops) and bob (viewer). */
function startWorld(perMinute: number): Promise<TestSwitchboard> {
  return startTestSwitchboard({
    files: {
      'switchboard.yaml': chatSwitchboardYaml({
        users: [`alice: { roles: [ops], mattermost: ${ALICE} }`, `bob:   { roles: [viewer], mattermost: ${BOB} }`],
        viewer: true,
        extra: `limits: { per_sender_per_minute: ${perMinute} }\n`,
      }),
      'aliases/echo.yaml': echoAlias(),
      'aliases/careful.yaml': `
name: careful
action_ref: core.echo
formats: ["careful {{message}}"]
allow: [ops, viewer]
confirm: true
result: { format: "carefully: {{ result.message }}" }
`,
      'channels/mattermost.yaml': `
name: mm-ops
kind: mattermost
api_url: \${MM_URL}
token: \${MM_BOT_TOKEN}
command_token: \${MM_COMMAND_TOKEN}
outgoing_token: \${MM_OUTGOING_TOKEN}
`,
    },
    env: { MM_URL: mm.url, MM_BOT_TOKEN: BOT_TOKEN, MM_COMMAND_TOKEN: COMMAND_TOKEN, MM_OUTGOING_TOKEN: OUTGOING_TOKEN, SB_API_KEY: API_KEY },
  });
}

beforeAll(async () => {
  mm = await startMattermostFake({ token: BOT_TOKEN });
  t = await startWorld(600);
});
afterAll(async () => {
  await t?.stop();
  await mm?.close();
});
beforeEach(() => {
  mm.posts.length = 0;
});

describe('POST /ingress/mattermost/commands', () => {
  it('answers a slash command with an ephemeral Queued, then posts the result into the channel', async () => {
    const res = await slash('echo hello from mattermost');
    expect(res.status).toBe(200);
    const ack = (await res.json()) as { response_type: string; text: string };
    expect(ack.response_type).toBe('ephemeral');
    const id = /^Queued (\S+): echo$/.exec(ack.text)?.[1];
    expect(id, ack.text).toBeDefined();
    const posted = await waitFor(() => mm.posts.find((p) => shown(p).includes('echoed: hello from mattermost')), 'the result in the channel');
    expect(posted).toMatchObject({ channel_id: TOWN_SQUARE, root_id: '' });
    const exec = (await executions()).find((e) => e.id === id);
    expect(exec).toMatchObject({ alias: 'echo', user: 'alice', status: 'succeeded', origin: { source: 'mattermost', sender: ALICE, proof: 'verified' } });
    expect(exec!.origin.reply).toMatchObject({ channel: TOWN_SQUARE, channel_name: 'mm-ops' });
  });

  it.each([
    { name: 'a wrong token (field and header)', o: { token: 'not-the-token' } },
    { name: 'a right field but a wrong Authorization header', o: { header: 'not-the-token' } },
    { name: 'a token of the outgoing webhook', o: { token: OUTGOING_TOKEN } },
    { name: 'no token at all', o: { token: '', header: null } },
  ])('refuses $name with 403 and runs nothing', async ({ o }) => {
    const before = (await executions()).length;
    const res = await slash('echo forged', o);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^signature_/);
    expect(await executions()).toHaveLength(before);
  });

  it('runs a repeated trigger_id once: the repeat is answered with nothing', async () => {
    const trigger = `trig-replay-${mattermostId()}`;
    const first = await slash('echo only once', { trigger });
    expect(((await first.json()) as { text: string }).text).toMatch(/^Queued /);
    const before = (await executions()).length;
    const again = await slash('echo only once', { trigger });
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('');
    expect(await executions()).toHaveLength(before);
  });

  it('answers `help` with the commands this person may run, and runs nothing', async () => {
    const before = (await executions()).length;
    const help = (await (await slash('help')).json()) as { text: string };
    expect(help.text).toContain('echo {{message}}');
    expect(await executions()).toHaveLength(before);
  });

  it('runs nothing for a Mattermost user who is not configured, and says nothing', async () => {
    const before = (await executions()).length;
    const res = await slash('echo who am i', { user: mattermostId() });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(await executions()).toHaveLength(before);
  });

  it('shows what a sender typed without notifying anyone or hiding a link', async () => {
    await slash('echo @channel look [here](https://evil.example/x)');
    const posted = await waitFor(() => mm.posts.find((p) => shown(p).includes('echoed:')), 'the result');
    expect(posted.message).toContain('@\u200Bchannel');
    expect(posted.message).toContain(']\u200B(https://evil.example/x)');
    expect(posted.message).not.toMatch(/@channel/);
  });
});

describe('confirmation over Mattermost', () => {
  it('asks with a code; `/sb YES <code>` from another user does nothing, from the same user queues it', async () => {
    const prompt = (await (await slash('careful now')).json()) as { response_type: string; text: string };
    expect(prompt.response_type).toBe('ephemeral');
    expect(prompt.text).toMatch(/^Reply YES \d{6} within 5 minutes to run: careful now\nAnswer with `\/sb YES \d{6}`/);
    const code = /YES (\d{6})/.exec(prompt.text)![1]!;
    const pending = (await executions()).find((e) => e.alias === 'careful');
    expect(pending).toMatchObject({ status: 'pending', user: 'alice' });

    await slash(`YES ${code}`, { user: BOB });
    expect((await executions()).find((e) => e.id === pending!.id)?.status).toBe('pending');

    const yes = (await (await slash(`YES ${code}`)).json()) as { text: string };
    expect(yes.text).toMatch(new RegExp(`^Queued ${pending!.id}: careful$`));
    const posted = await waitFor(() => mm.posts.find((p) => shown(p).includes('carefully: now')), 'the confirmed result');
    expect(posted.channel_id).toBe(TOWN_SQUARE);
  });

  it('works through the outgoing webhook too: `sb YES <code>` in the thread', async () => {
    const asked = await outgoing('sb careful thread');
    const prompt = (await asked.json()) as { text: string; response_type: string };
    expect(prompt.response_type).toBe('comment');
    const code = /YES (\d{6})/.exec(prompt.text)![1]!;
    expect(prompt.text).toContain(`\`sb YES ${code}\``);
    const yes = await outgoing(`sb YES ${code}`);
    expect(yes.status).toBe(200);
    await waitFor(() => mm.posts.find((p) => shown(p).includes('carefully: thread')), 'the confirmed result');
  });
});

describe('POST /ingress/mattermost/outgoing', () => {
  it.each([
    { as: 'JSON', form: false },
    { as: 'a form', form: true },
  ])("runs a command sent as $as and answers in the post's thread", async ({ form }) => {
    const postId = mattermostId();
    const res = await outgoing(`sb echo from the channel ${form}`, { postId, form });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(''); // queued: the ack and result follow in the thread
    const posted = await waitFor(() => mm.posts.find((p) => shown(p).includes(`echoed: from the channel ${form}`)), 'the result in the thread');
    expect(posted).toMatchObject({ channel_id: TOWN_SQUARE, root_id: postId });
  });

  it('answers a command typed as a reply in a thread in that thread (its root, not the reply)', async () => {
    const root = mattermostId();
    mm.addUserPost({ id: root, channel_id: TOWN_SQUARE });
    await outgoing('sb echo deep in a thread', { threadRoot: root });
    const posted = await waitFor(() => mm.posts.find((p) => shown(p).includes('echoed: deep in a thread')), 'the result in the thread');
    expect(posted).toMatchObject({ channel_id: TOWN_SQUARE, root_id: root });
  });

  it('refuses a wrong token with 403 and runs nothing', async () => {
    const before = (await executions()).length;
    for (const token of ['wrong', COMMAND_TOKEN, '']) {
      const res = await outgoing('sb echo forged', { token });
      expect(res.status).toBe(403);
    }
    expect(await executions()).toHaveLength(before);
  });

  it('runs a repeated post_id once', async () => {
    const postId = mattermostId();
    await outgoing('sb echo twice?', { postId });
    await waitFor(async () => (await executions()).some((e) => e.status === 'succeeded' && e.origin.message_id === postId), 'the first run');
    const before = (await executions()).length;
    const again = await outgoing('sb echo twice?', { postId });
    expect(again.status).toBe(200);
    expect(await executions()).toHaveLength(before);
  });

  it('ignores posts of its own bot user', async () => {
    const before = (await executions()).length;
    const res = await outgoing('sb echo loop', { user: mm.botUserId });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(await executions()).toHaveLength(before);
  });

  it('answers a command that matches nothing in the thread', async () => {
    const res = await outgoing('sb ech hello');
    const body = (await res.json()) as { text: string; response_type: string };
    expect(body.response_type).toBe('comment');
    expect(body.text).toMatch(/^No command matches `ech hello`\. Did you mean:/);
  });
});

it('keeps every token out of every log line', () => {
  const logs = t.logs.join('\n');
  for (const s of [BOT_TOKEN, COMMAND_TOKEN, OUTGOING_TOKEN]) expect(logs).not.toContain(s);
});

describe('the per-sender rate limit', () => {
  let main: TestSwitchboard;
  beforeAll(async () => {
    main = t;
    t = await startWorld(2);
  });
  afterAll(async () => {
    await t.stop();
    t = main;
  });

  it('answers a sender over `limits.per_sender_per_minute` with when to try again, and runs nothing', async () => {
    expect(((await (await slash('echo one')).json()) as { text: string }).text).toMatch(/^Queued /);
    expect(await (await outgoing('sb echo two')).text()).toBe('');
    const before = (await executions()).length;
    const slowed = (await (await slash('echo three')).json()) as { response_type: string; text: string };
    expect(slowed.response_type).toBe('ephemeral');
    expect(slowed.text).toMatch(/^Slow down: too many commands this minute\. Try again in \d+s\.$/);
    expect(await executions()).toHaveLength(before);
  });
});
