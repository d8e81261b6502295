/**
 * Discord in and out against a running Switchboard and the fake Discord (src/providers/discord/fake.ts):
 * interactions signed with Ed25519 as Discord signs them (a key pair generated per fake), the
 * deferred answer in the HTTP response, its replacement (PATCH …/messages/@original) and the
 * follow-ups on the fake; forged, stale and replayed interactions run nothing; confirmation by
 * `YES <code>` and by buttons; channel messages once the interaction token is gone; and
 * `switchboard discord-register` against the fake.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/index.ts';
import { startDiscordFake, type DiscordFake, type InteractionOptions } from '../../../src/providers/discord/fake.ts';
import { runDiscordRegister } from '../../../src/providers/discord/register.ts';
import { waitFor } from '../executions/helpers.ts';
import { startTestSwitchboard, writeConfigDir, type TestSwitchboard } from '../harness.ts';
import { chatSwitchboardYaml, echoAlias } from '../chat-config.ts';

const BOT_TOKEN = 'discord-bot-SECRET-0123456789abcdef';
const API_KEY = 'sb-test-SECRET-key-0123456789';
const ALICE = '80351110224678912';
const BOB = '80351110224678913';
const STRANGER = '80351110224678999';
const CHANNEL = '1300000000000000042';

let discord: DiscordFake;
let t: TestSwitchboard;

type Answer = { type: number; data?: { content?: string; flags?: number; components?: unknown[] } };

/** POSTs a signed interaction (or one signed otherwise) to the gateway, as Discord does. */
async function send(o: InteractionOptions & { sign?: 'good' | 'other-key' | 'none'; skew?: number; body?: string } = {}) {
  const made = discord.interaction({ channel_id: CHANNEL, ...o });
  const body = o.body ?? made.body;
  const ts = Math.floor(Date.now() / 1000) + (o.skew ?? 0);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.sign !== 'none') Object.assign(headers, discord.sign(body, ts, o.sign === 'other-key' ? generateKeyPairSync('ed25519').privateKey : undefined));
  const res = await fetch(`${t.url}/ingress/discord/interactions`, { method: 'POST', headers, body });
  return { res, token: made.token, payload: made.payload };
}

async function executions(): Promise<{ id: string; alias: string; status: string; user: string; origin: Record<string, unknown> }[]> {
  const res = await t.request('/api/v1/executions?limit=200', { headers: { authorization: `Bearer ${API_KEY}` } });
  return ((await res.json()) as { items: never[] }).items;
}

/** What Discord shows of a Markdown text: backslash escapes removed. */
const shown = (s: unknown) => String(s).replace(/\\(.)/g, '$1');

const originalOf = (token: string) => waitFor(() => discord.webhooks.find((w) => w.token === token && w.kind === 'original'), 'the deferred answer replaced');
const followUp = (token: string, text: string) =>
  waitFor(() => discord.webhooks.find((w) => w.token === token && w.kind === 'followup' && JSON.stringify(w.body).includes(text)), `a follow-up with ${text}`);

beforeAll(async () => {
  discord = await startDiscordFake({ botToken: BOT_TOKEN, applicationId: '1100000000000000007' });
  t = await startTestSwitchboard({
    files: {
      'switchboard.yaml': chatSwitchboardYaml({ users: [`alice: { roles: [ops], discord: "${ALICE}" }`, `bob:   { roles: [ops], discord: "${BOB}" }`] }),
      'aliases/echo.yaml': echoAlias('ack: { format: "on it: {{ execution.parameters.message }}" }\n'),
      'aliases/say.yaml': `
name: say
action_ref: core.echo
formats: ["say {{message}}"]
ack: { enabled: false }
result: { format: "**said**: {{ message }}" }
`,
      'aliases/careful.yaml': `
name: careful
action_ref: core.echo
formats: ["careful {{message}}"]
confirm: true
ack: { enabled: false }
result: { format: "carefully: {{ result.message }}" }
`,
      'channels/discord.yaml': `
name: discord-ops
kind: discord
application_id: "\${DISCORD_APP_ID}"
public_key: \${DISCORD_PUBLIC_KEY}
token: \${DISCORD_BOT_TOKEN}
api_url: \${DISCORD_API_URL}
default_target: "${CHANNEL}"
`,
    },
    env: {
      DISCORD_APP_ID: discord.applicationId,
      DISCORD_PUBLIC_KEY: discord.publicKey,
      DISCORD_BOT_TOKEN: BOT_TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      SB_API_KEY: API_KEY,
    },
  });
});
afterAll(async () => {
  await t?.stop();
  await discord?.close();
});
beforeEach(() => {
  discord.webhooks.length = 0;
  discord.messages.length = 0;
});

describe('POST /ingress/discord/interactions', () => {
  it('answers PING with PONG', async () => {
    const { res } = await send({ type: 1 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 1 });
  });

  it('defers a signed /sb, replaces the deferred answer with Queued, and sends the result as a follow-up', async () => {
    discord.slowNextOriginal(400); // the ack and the result are ready before the answer is replaced: they wait for it
    const { res, token, payload } = await send({ user: ALICE, text: 'echo hello from discord' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 5, data: { flags: 64 } });
    const original = await originalOf(token);
    const id = /^Queued (\S+): echo$/.exec(String(original.body.content))?.[1];
    expect(id, String(original.body.content)).toBeDefined();
    expect(original.body.allowed_mentions).toEqual({ parse: [] });
    const result = await followUp(token, 'echoed: hello from discord');
    // the deferred answer is replaced before any follow-up (one sent earlier would take its place)
    const ack = await followUp(token, 'on it: hello from discord');
    const mine = discord.webhooks.filter((w) => w.token === token);
    expect(mine.map((w) => w.kind)).toEqual(['original', 'followup', 'followup']);
    expect(mine.slice(1)).toEqual(expect.arrayContaining([ack, result]));
    expect(result.body.allowed_mentions).toEqual({ parse: [] });
    const exec = await waitFor(async () => (await executions()).find((e) => e.id === id && e.status === 'succeeded'), 'the execution');
    expect(exec).toMatchObject({ alias: 'echo', user: 'alice', origin: { source: 'discord', sender: ALICE, proof: 'verified', message_id: payload.id } });
    // the token lets its holder post into the conversation: the API never shows it
    expect(exec!.origin.reply).toMatchObject({ medium: 'discord', channel_id: CHANNEL, channel_name: 'discord-ops' });
    expect(JSON.stringify(exec)).not.toContain(token);
    expect(t.logs.join('\n')).not.toContain(token);
    expect(t.logs.join('\n')).not.toContain(BOT_TOKEN);
    expect(discord.messages).toHaveLength(0); // the interaction was alive: no channel message
  });

  it('takes the user from `user` in a DM', async () => {
    const { res, token } = await send({ user: BOB, in: 'dm', text: 'echo from a DM' });
    expect(res.status).toBe(200);
    expect(String((await originalOf(token)).body.content)).toMatch(/^Queued \S+: echo$/);
    expect((await executions()).find((e) => e.user === 'bob')).toBeDefined();
  });

  it.each([
    ['signed with another key', { sign: 'other-key' as const }],
    ['unsigned', { sign: 'none' as const }],
  ])('refuses an interaction %s with 401 and runs nothing', async (_name, o) => {
    const before = (await executions()).length;
    const text = `echo forged ${Math.random()}`;
    const { res } = await send({ user: ALICE, text, ...o });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^signature_/);
    // a real command sent after it is answered, and is the only new execution
    const { token } = await send({ user: ALICE, text: 'echo after the refused one' });
    await originalOf(token);
    const list = await executions();
    expect(list.length).toBe(before + 1);
    expect(discord.webhooks.some((w) => JSON.stringify(w.body).includes('forged'))).toBe(false);
  });

  it('refuses a body changed after signing', async () => {
    const made = discord.interaction({ user: ALICE, text: 'echo original' });
    const headers = { 'content-type': 'application/json', ...discord.sign(made.body) };
    const res = await fetch(`${t.url}/ingress/discord/interactions`, { method: 'POST', headers, body: made.body.replace('echo original', 'echo tampered') });
    expect(res.status).toBe(401);
  });

  it('refuses a stale interaction (signed six minutes ago)', async () => {
    const { res } = await send({ user: ALICE, text: 'echo stale', skew: -360 });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('signature_stale');
  });

  it('runs a replayed interaction id once', async () => {
    const made = discord.interaction({ user: ALICE, channel_id: CHANNEL, text: 'echo only once' });
    const post = () =>
      fetch(`${t.url}/ingress/discord/interactions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...discord.sign(made.body) },
        body: made.body,
      });
    const first = (await (await post()).json()) as Answer;
    expect(first.type).toBe(5);
    await originalOf(made.token);
    const again = (await (await post()).json()) as Answer;
    expect(again).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(again.data?.content).toMatch(/already handled/);
    await followUp(made.token, 'echoed: only once');
    expect((await executions()).filter((e) => e.alias === 'echo' && e.origin.message_id === made.payload.id)).toHaveLength(1);
    expect(discord.webhooks.filter((w) => w.kind === 'original' && w.token === made.token)).toHaveLength(1);
  });

  it('answers an unknown Discord user without running anything', async () => {
    const before = (await executions()).length;
    const { token } = await send({ user: STRANGER, text: 'echo who am i' });
    expect(String((await originalOf(token)).body.content)).toBe('Nothing was run.');
    expect((await executions()).length).toBe(before);
  });

  it('answers /sb with no text with the help page at once', async () => {
    const { res } = await send({ user: ALICE });
    const answer = (await res.json()) as Answer;
    expect(answer).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(answer.data?.content).toContain('echo');
  });

  it('escapes what a sender typed and pings nobody', async () => {
    const { token } = await send({ user: ALICE, text: 'say @everyone look [here](https://evil.example)' });
    const result = await followUp(token, 'said');
    expect(result.body.content).toBe('**said**: \\@everyone look \\[here\\]\\(https\\://evil.example\\)');
    expect(result.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('posts the result in the channel with the bot token once the interaction token is dead', async () => {
    const { token } = await send({ user: ALICE, text: 'careful late' });
    const prompt = String((await originalOf(token)).body.content);
    const code = /YES (\d{6})/.exec(prompt)?.[1];
    expect(code, prompt).toBeDefined();
    discord.expireToken(token); // the follow-ups of this interaction now answer 404 Unknown Webhook
    const yes = await send({ user: ALICE, text: `YES ${code}` });
    expect(String((await originalOf(yes.token)).body.content)).toMatch(/^Confirmed\. Queued/);
    discord.expireToken(yes.token);
    const posted = await waitFor(() => discord.messages.find((m) => JSON.stringify(m.body).includes('carefully: late')), 'the channel message');
    expect(posted.channel_id).toBe(CHANNEL);
    expect(posted.body.allowed_mentions).toEqual({ parse: [] });
  });
});

describe('confirmation', () => {
  it("asks with a code and buttons, and the same person's `YES <code>` runs it", async () => {
    const { token } = await send({ user: ALICE, text: 'careful restart web' });
    const original = await originalOf(token);
    const prompt = shown(original.body.content);
    expect(prompt).toMatch(/^Reply YES \d{6} within 5 minutes to run: careful restart web/);
    expect(JSON.stringify(original.body.components)).toContain('sb_confirm:');
    const code = /YES (\d{6})/.exec(prompt)![1]!;
    const pending = await waitFor(async () => (await executions()).find((e) => e.alias === 'careful' && e.status === 'pending'), 'the pending execution');

    // another person's YES with the right code confirms nothing
    const bob = await send({ user: BOB, text: `YES ${code}` });
    expect(String((await originalOf(bob.token)).body.content)).not.toMatch(/Confirmed/);
    expect((await executions()).find((e) => e.id === pending.id)?.status).toBe('pending');

    const yes = await send({ user: ALICE, text: `YES ${code}` });
    expect(String((await originalOf(yes.token)).body.content)).toMatch(new RegExp(`^Confirmed\\. Queued ${pending.id}`));
    await waitFor(async () => (await executions()).find((e) => e.id === pending.id && e.status === 'succeeded'), 'the confirmed execution to run');
    await waitFor(() => discord.webhooks.find((w) => w.kind === 'followup' && JSON.stringify(w.body).includes('carefully: restart web')), 'the result');
  });

  it("runs on the Confirm button of the person who sent it; anyone else's click changes nothing", async () => {
    const { token } = await send({ user: ALICE, text: 'careful by button' });
    const original = await originalOf(token);
    const row = (original.body.components as { components: { custom_id: string; label: string }[] }[])[0]!;
    const confirm = row.components.find((b) => b.label === 'Confirm')!.custom_id;

    const click = async (user: string) => (await (await send({ type: 3, user, custom_id: confirm })).res.json()) as Answer;
    expect(await click(BOB)).toEqual({ type: 6 });
    const clicked = await click(ALICE);
    expect(clicked).toMatchObject({ type: 7, data: { components: [] } });
    expect(shown(clicked.data?.content)).toMatch(/^Confirmed\. Queued/);
    // the same button again: already answered
    expect(await click(ALICE)).toEqual({ type: 6 });
    const id = /Queued (\S+):/.exec(shown(clicked.data!.content))![1]!;
    await waitFor(async () => (await executions()).find((e) => e.id === id && e.status === 'succeeded'), 'the confirmed execution to run');
  });

  it('cancels on the Cancel button', async () => {
    const { token } = await send({ user: ALICE, text: 'careful never' });
    const row = ((await originalOf(token)).body.components as { components: { custom_id: string; label: string }[] }[])[0]!;
    const cancel = row.components.find((b) => b.label === 'Cancel')!.custom_id;
    const answer = (await (await send({ type: 3, user: ALICE, custom_id: cancel })).res.json()) as Answer;
    expect(answer).toMatchObject({ type: 7 });
    expect(shown(answer.data?.content)).toMatch(/^Canceled .*Nothing was run/);
  });
});

describe('switchboard discord-register', () => {
  const files = (token: string) => ({
    'switchboard.yaml': 'server: { port: 0 }\n',
    'channels/discord.yaml': `
name: discord-ops
kind: discord
application_id: "${discord.applicationId}"
public_key: ${discord.publicKey}
token: ${token}
api_url: ${discord.apiUrl}
`,
  });
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
  };

  it('bulk-overwrites the /sb command globally and for one server', async () => {
    const dir = writeConfigDir({ files: files(BOT_TOKEN) });
    // through the command line, as an operator runs it
    const a = io();
    expect(await runCli(['discord-register', '--config', dir], { ...a.io, stdin: Readable.from([]) })).toBe(0);
    expect(a.out.join('\n')).toMatch(/registered \/sb \(id \d+\) for application \d+ globally/);
    const [command] = discord.commands.get('global') as { name: string; type: number; options: { name: string; type: number }[] }[];
    expect(command).toMatchObject({ name: 'sb', type: 1, options: [{ name: 'text', type: 3 }] });
    const last = discord.requests.at(-1)!;
    expect([last.method, last.path, last.headers.authorization]).toEqual([
      'PUT',
      `/api/v10/applications/${discord.applicationId}/commands`,
      `Bot ${BOT_TOKEN}`,
    ]);

    const b = io();
    expect(await runDiscordRegister({ config: dir, guild: '1400000000000000001' }, b.io)).toBe(0);
    expect(discord.commands.get('1400000000000000001')).toHaveLength(1);
  });

  it('says Discord refused a wrong token, without printing it', async () => {
    const dir = writeConfigDir({ files: files('wrong-SECRET-token-000000') });
    const a = io();
    expect(await runDiscordRegister({ config: dir }, a.io)).toBe(1);
    expect(a.err.join('\n')).toMatch(/HTTP 401/);
    expect(a.err.join('\n')).not.toContain('wrong-SECRET-token');
  });
});
