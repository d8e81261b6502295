/**
 * Confirmation by reply over Slack: a `confirm` alias answers a slash command with the prompt and
 * Confirm / Cancel buttons (ephemeral); the signed `/ingress/slack/interactions` click of the same
 * user queues it and replaces the prompt through response_url; a forged click or another user's
 * runs nothing; the code typed as text in a DM works too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake } from '../../../src/providers/slack/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import {
  API_KEY,
  BOT_TOKEN,
  corpusJson,
  listExecutions,
  postSigned,
  shown,
  SIGNING_SECRET,
  signedChannel,
  slackConfigFiles,
  slashForm,
  waitFor,
} from '../ingress/slack-helpers.ts';

const ALICE = 'U2147483697'; // the corpus slash command's user
const BOB = 'U0BOB';

let slack: SlackFake;
let t: TestSwitchboard;
beforeEach(async () => {
  slack = await startSlackFake({ token: BOT_TOKEN });
  t = await startTestSwitchboard({
    files: {
      ...slackConfigFiles(signedChannel),
      'aliases/careful.yaml': `
name: careful
action_ref: core.echo
formats: ["careful {{message}}"]
confirm: { sources: [slack], ttl: 120 }
result: { format: "carefully: {{ result.message }}" }
`,
    },
    env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, SB_API_KEY: API_KEY },
  });
});
afterEach(async () => {
  await t.stop();
  await slack.close();
});

type Button = { action_id: string; value: string };
interface Ephemeral {
  response_type: string;
  text: string;
  blocks: { type: string; elements?: Button[] }[];
}

async function slash(text: string, user = ALICE): Promise<Ephemeral> {
  const res = await postSigned(t, '/ingress/slack/commands', slashForm({ text, user_id: user, trigger_id: `trig-${Math.random()}` }), 'form');
  expect(res.status).toBe(200);
  return (await res.json()) as Ephemeral;
}

function click(button: Button, user: string, responseToken: string, opts: { secret?: string } = {}) {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: 'someone', team_id: 'T0001' },
    api_app_id: 'A0001',
    container: { type: 'message', message_ts: '1548261231.000200', channel_id: 'C2147483705', is_ephemeral: true },
    trigger_id: '12466734323.1395872398',
    team: { id: 'T0001', domain: 'example' },
    channel: { id: 'C2147483705', name: 'test' },
    response_url: slack.responseUrl(responseToken),
    actions: [
      {
        type: 'button',
        block_id: 'b1',
        action_id: button.action_id,
        value: button.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: '1548426417.840180',
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(t, '/ingress/slack/interactions', body, 'form', opts.secret ? { secret: opts.secret } : {});
}

const buttons = (e: Ephemeral) => {
  const actions = e.blocks.find((b) => b.type === 'actions')!.elements!;
  return { confirm: actions.find((b) => b.action_id === 'sb_confirm')!, cancel: actions.find((b) => b.action_id === 'sb_cancel')! };
};
const statusOf = async (id: string) => (await listExecutions(t)).find((e) => e.id === id)?.status;

describe('confirmation by reply over Slack', () => {
  it("asks with Confirm / Cancel; the same user's signed click queues it and answers through response_url", async () => {
    const prompt = await slash('careful now');
    expect(prompt.response_type).toBe('ephemeral');
    expect(prompt.text).toMatch(/^Reply YES \d{6} within 2 minutes to run: careful now$/);
    const [pending] = await listExecutions(t);
    expect(pending).toMatchObject({ status: 'pending', alias: 'careful', user: 'alice' });
    const { confirm } = buttons(prompt);

    // a forged signature: refused before anything is read; nothing runs
    expect((await click(confirm, ALICE, 'forged', { secret: 'not-the-secret' })).status).toBe(403);
    // another user clicking alice's button: nothing happens, and nothing is said
    expect((await click(confirm, BOB, 'bob')).status).toBe(200);
    expect(await statusOf(pending!.id)).toBe('pending');
    expect(slack.responses.filter((r) => r.token === 'bob' || r.token === 'forged')).toEqual([]);

    expect((await click(confirm, ALICE, 'alice')).status).toBe(200);
    const answer = await waitFor(() => slack.responses.find((r) => r.token === 'alice'), 'the replaced prompt');
    expect(answer.body).toMatchObject({ replace_original: true, text: `Confirmed. Queued ${pending!.id}: careful` });
    await waitFor(async () => (await statusOf(pending!.id)) === 'succeeded', 'the run');
    await waitFor(() => slack.messages.find((m) => shown(m).includes('carefully: now')), 'the result');
  });

  it('cancels on the Cancel button', async () => {
    const prompt = await slash('careful later');
    const [pending] = await listExecutions(t);
    await click(buttons(prompt).cancel, ALICE, 'alice');
    const answer = await waitFor(() => slack.responses.find((r) => r.token === 'alice'), 'the replaced prompt');
    expect(answer.body).toMatchObject({ text: `Canceled ${pending!.id}: you said no. Nothing was run.` });
    expect(await statusOf(pending!.id)).toBe('canceled');
  });

  it('takes the code typed as text in a DM from the same user', async () => {
    type Envelope = { event_id: string; event: Record<string, unknown> };
    const dm = (text: string, id: string) => {
      const e = corpusJson<Envelope>('slack-event-message-im-slackweb.json'); // user erin
      e.event_id = id;
      e.event.text = text;
      return postSigned(t, '/ingress/slack/events', JSON.stringify(e), 'json');
    };
    expect((await dm('careful typed', 'EvCONFIRM1')).status).toBe(200);
    const prompt = await waitFor(() => slack.messages.find((m) => /Reply YES \d{6}/.test(shown(m))), 'the prompt in the DM');
    const code = /YES (\d{6})/.exec(shown(prompt))![1]!;
    // posted in the DM's thread with the Confirm / Cancel buttons
    expect(prompt).toMatchObject({ channel: 'D0442US94JD', thread_ts: '1664408649.009629' });
    const actions = (prompt.blocks as { type: string; elements?: { action_id: string }[] }[]).find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.action_id)).toEqual(['sb_confirm', 'sb_cancel']);
    const [pending] = await listExecutions(t);
    expect(pending).toMatchObject({ status: 'pending', user: 'erin' });
    expect((await dm(`YES ${code}`, 'EvCONFIRM2')).status).toBe(200);
    await waitFor(async () => (await statusOf(pending!.id)) === 'succeeded', 'the run');
  });
});
