/**
 * The Telegram provider end to end: the webhook set with `switchboard telegram-webhook` against the
 * fake Bot API, then Updates delivered by the fake the way Telegram sends them (JSON, the secret
 * token in X-Telegram-Bot-Api-Secret-Token) to a running Switchboard; answers and results read
 * back from what the fake received through sendMessage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTelegramWebhook } from '../../../src/providers/telegram/set-webhook.ts';
import { startTelegramFake, type TelegramFake, type TelegramSent } from '../../../src/providers/telegram/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { chatSwitchboardYaml, echoAlias } from '../chat-config.ts';
import { waitFor } from '../executions/helpers.ts';

const TOKEN = '7000001:SECRET-bot-token-0123456789';
const SECRET = 'tg-secret_token-0123456789abcdef';
const API_KEY = 'sb-test-SECRET-key-0123456789abcdef';
const ALICE = 1111;
const BOB = 2222;
const GROUP = -1001234567890;

let tg: TelegramFake;
let t: TestSwitchboard;
let env: Record<string, string>;
let nextUpdate = 1000;
let nextMessage = 50;

const files = {
  'switchboard.yaml': chatSwitchboardYaml({
    users: [`alice: { roles: [ops], telegram: "${ALICE}" }`, `bob:   { roles: [ops], telegram: "${BOB}" }`],
    debug: false,
  }),
  'aliases/echo.yaml': echoAlias(),
  'aliases/danger.yaml': `
name: danger
action_ref: core.echo
formats: ["danger {{message}}"]
confirm: true
result: { format: "danger done: {{ result.message }}" }
`,
  'channels/telegram.yaml': `
name: telegram
kind: telegram
token: \${TG_TOKEN}
secret_token: \${TG_SECRET}
bot_username: SwitchboardTestBot
api_url: \${TG_API_URL}
`,
};

/** A message Update as Telegram sends it. */
function update(text: string, o: { from?: number; chat?: number; type?: 'private' | 'supergroup'; updateId?: number } = {}) {
  const from = o.from ?? ALICE;
  return {
    update_id: o.updateId ?? nextUpdate++,
    message: {
      message_id: nextMessage++,
      from: { id: from, is_bot: false, first_name: 'Test', language_code: 'en' },
      chat: { id: o.chat ?? from, type: o.type ?? 'private', ...(o.type === 'supergroup' ? { title: 'ops' } : { first_name: 'Test' }) },
      date: Math.floor(Date.now() / 1000),
      text,
    },
  };
}

type Execution = { id: string; alias: string; status: string; user: string; params: { message?: string } };

async function executions(): Promise<Execution[]> {
  const res = await t.request('/api/v1/executions?limit=200', { headers: { authorization: `Bearer ${API_KEY}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Execution[] }).items;
}

const sentTo = (chat: number, pred: (m: TelegramSent) => boolean) =>
  waitFor(() => tg.messages.find((m) => m.chat_id === chat && pred(m)), 'a telegram message');

beforeAll(async () => {
  tg = await startTelegramFake({ token: TOKEN, username: 'SwitchboardTestBot' });
  env = { TG_TOKEN: TOKEN, TG_SECRET: SECRET, TG_API_URL: tg.apiUrl, SB_API_KEY: API_KEY };
  t = await startTestSwitchboard({ files, env });
  // the set-up command, against the fake Bot API
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTelegramWebhook(
    { config: t.dir, url: t.url, env: { ...env, SB_TEST_PREFIX: t.prefix } },
    { out: (s) => out.push(s), err: (s) => err.push(s) },
  );
  expect(err).toEqual([]);
  expect(code).toBe(0);
  expect(out.join('\n')).toContain(`Webhook set for @SwitchboardTestBot: ${t.url}/ingress/telegram/telegram`);
}, 30_000);

afterAll(async () => {
  await t?.stop();
  await tg?.close();
});

describe('telegram-webhook', () => {
  it('registers the ingress URL with the channel’s secret_token and the updates it handles', () => {
    expect(tg.webhook).toEqual({ url: `${t.url}/ingress/telegram/telegram`, secret_token: SECRET, allowed_updates: ['message', 'callback_query'] });
  });
});

describe('telegram ingress', () => {
  it('runs a command from an update with the right secret; the result is a reply in the chat', async () => {
    const u = update('/sb@SwitchboardTestBot echo hello <b>there</b>');
    const res = await tg.deliver(u);
    expect(res.status).toBe(200);
    const result = await sentTo(ALICE, (m) => m.text.includes('echoed: hello'));
    // the sender's own text comes back escaped for parse_mode HTML, as a reply to the command
    expect(result.text).toBe('echoed: hello &lt;b&gt;there&lt;/b&gt;');
    expect(result.parse_mode).toBe('HTML');
    expect(result.reply_to_message_id).toBe(u.message.message_id);
    const run = (await executions()).find((e) => e.params.message === 'hello <b>there</b>');
    expect(run).toMatchObject({ alias: 'echo', user: 'alice', status: 'succeeded' });
  });

  it('refuses a missing or wrong secret token and runs nothing', async () => {
    const before = (await executions()).length;
    const missing = await tg.deliver(update('echo forged-1'), { secret: null });
    expect(missing.status).toBe(401);
    const wrong = await tg.deliver(update('echo forged-2'), { secret: `${SECRET}x` });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain(SECRET);
    expect((await executions()).length).toBe(before);
  });

  it('runs a re-sent update_id once', async () => {
    const u = update('echo only-once');
    expect((await tg.deliver(u)).status).toBe(200);
    expect((await tg.deliver(u)).status).toBe(200);
    await sentTo(ALICE, (m) => m.text === 'echoed: only-once');
    // a replay after the result: still nothing
    expect((await tg.deliver(u)).status).toBe(200);
    expect((await executions()).filter((e) => e.params.message === 'only-once')).toHaveLength(1);
  });

  it('ignores group chatter not addressed to the bot', async () => {
    const before = (await executions()).length;
    expect((await tg.deliver(update('echo not-for-the-bot', { chat: GROUP, type: 'supergroup' }))).status).toBe(200);
    const u = update('@SwitchboardTestBot echo in-group', { chat: GROUP, type: 'supergroup' });
    await tg.deliver(u);
    const m = await sentTo(GROUP, (x) => x.text === 'echoed: in-group');
    expect(m.reply_to_message_id).toBe(u.message.message_id);
    expect((await executions()).length).toBe(before + 1);
  });

  it('asks to confirm; another user’s YES does nothing, the sender’s YES <code> runs it', async () => {
    await tg.deliver(update('/sb danger boom', { chat: GROUP, type: 'supergroup' }));
    const prompt = await sentTo(GROUP, (m) => m.text.includes('danger boom') && m.text.includes('YES'));
    const code = /YES (\d+)/.exec(prompt.text)?.[1];
    expect(code).toBeDefined();
    expect(prompt.reply_markup?.inline_keyboard?.[0]?.map((b) => b.text)).toEqual(['Confirm', 'Cancel']);
    const pending = (await executions()).find((e) => e.params.message === 'boom');
    expect(pending?.status).toBe('pending');

    // bob answers with alice's code: not his confirmation, it runs nothing
    await tg.deliver(update(`/sb YES ${code}`, { from: BOB, chat: GROUP, type: 'supergroup' }));
    await sentTo(GROUP, (m) => m.text.includes(`YES ${code}`) && m.text.startsWith('No command matches'));
    expect((await executions()).find((e) => e.id === pending!.id)?.status).toBe('pending');

    await tg.deliver(update(`/sb YES ${code}`, { chat: GROUP, type: 'supergroup' }));
    await sentTo(GROUP, (m) => m.text === 'danger done: boom');
    expect((await executions()).find((e) => e.id === pending!.id)?.status).toBe('succeeded');
  });

  it('confirms with the Confirm button, only for the person who asked', async () => {
    await tg.deliver(update('danger button'));
    const prompt = await sentTo(ALICE, (m) => m.text.includes('danger button') && m.reply_markup !== undefined);
    const data = prompt.reply_markup!.inline_keyboard![0]![0]!.callback_data!;
    const press = (from: number, id: string) =>
      tg.deliver({
        update_id: nextUpdate++,
        callback_query: {
          id,
          from: { id: from, is_bot: false, first_name: 'T' },
          chat_instance: '1',
          data,
          message: { message_id: 1, chat: { id: ALICE, type: 'private' }, date: 0 },
        },
      });
    expect((await press(BOB, 'q-bob')).status).toBe(200);
    await waitFor(() => tg.callbackAnswers.find((a) => a.callback_query_id === 'q-bob'), 'bob’s button answer');
    const exec = (await executions()).find((e) => e.params.message === 'button');
    expect(exec?.status).toBe('pending');
    await press(ALICE, 'q-alice');
    await sentTo(ALICE, (m) => m.text === 'danger done: button');
  });
});
