/**
 * `status ID` and `cancel ID` from SMS and Slack act as the person who sent them (docs/contracts.md
 * section 6): bob (viewer) asking about alice's execution gets exactly the answer an unknown id
 * gets and cancels nothing; his own he may read and cancel; alice (ops: read_all, cancel_all)
 * reads and cancels his.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackFake } from '../../../src/providers/slack/fake.ts';
import { startSlackFake } from '../../../src/providers/slack/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import {
  API_KEY,
  BOT_TOKEN,
  listExecutions as listSlack,
  postSigned,
  shown,
  SIGNING_SECRET,
  signedChannel,
  slackConfigFiles,
  slashForm,
  waitFor,
} from './slack-helpers.ts';
import { ALICE, BOB, eventually, getExecution, queuedId, startSmsWorld, text, type SmsWorld } from './twilio-sms-helpers.ts';

/** a long sleep anyone may start, and status/cancel aliases answering with the builtin's one line */
const commandFiles = (pack: string): Record<string, string> => ({
  'actions/nap.yaml':
    'name: ops.nap\nrunner: shell\ncommand: [sleep, "{{ seconds }}"]\nparameters:\n  seconds: { type: integer, required: true }\ntimeout: 600\n',
  [`aliases/${pack}/nap.yaml`]: `name: nap\npack: ${pack}\naction_ref: ops.nap\nformats: ["nap {{seconds}}"]\nresult: { enabled: false }\n`,
  'aliases/core/status.yaml':
    'name: status\npack: core\naction_ref: core.status\nformats: ["status {{id}}"]\nresult: { format: "{{ execution.result.text }}" }\n',
  'aliases/core/cancel.yaml':
    'name: cancel\npack: core\naction_ref: core.cancel\nformats: ["cancel {{id}}"]\nresult: { format: "{{ execution.result.text }}" }\n',
});

describe('SMS status and cancel as two different people', () => {
  let w: SmsWorld;
  beforeAll(async () => {
    w = await startSmsWorld({ files: commandFiles('ops') });
  });
  afterAll(async () => {
    await w?.stop();
  });

  /** texts `body` as `from` and returns the SMS the result sends back */
  const ask = async (from: string, body: string) => {
    const before = w.twilio.messages.filter((m) => m.to === from).length;
    const answer = await text(w.t, from, body);
    expect(answer.status).toBe(200);
    return eventually(() => w.twilio.messages.filter((m) => m.to === from)[before]?.body, `the answer to "${body}"`);
  };
  const start = async (from: string) => {
    const id = queuedId((await text(w.t, from, 'nap 300')).message);
    expect(id).toBeDefined();
    return id!;
  };

  it('answers bob about alice’s execution as about an unknown id, and cancels nothing', async () => {
    const alices = await start(ALICE);
    expect(await ask(BOB, `status ${alices}`)).toBe(`no execution ${alices}`);
    expect(await ask(BOB, 'status zzzzzzzz')).toBe('no execution zzzzzzzz');
    expect(await ask(BOB, `cancel ${alices}`)).toBe(`no execution ${alices}`);
    expect((await getExecution(w.t, alices)).status).not.toBe('canceled');
    // alice reads and cancels her own
    expect(await ask(ALICE, `status ${alices}`)).toMatch(new RegExp(`^${alices} ops\\.nap: (queued|running) \\(alice\\)$`));
    expect(await ask(ALICE, `cancel ${alices}`)).toBe(`${alices} ops.nap: canceled (alice)`);
  });

  it('lets bob read and cancel his own, and alice (ops) read and cancel his', async () => {
    const first = await start(BOB);
    expect(await ask(BOB, `status ${first}`)).toMatch(new RegExp(`^${first} ops\\.nap: (queued|running) \\(bob\\)$`));
    expect(await ask(BOB, `cancel ${first}`)).toBe(`${first} ops.nap: canceled (bob)`);
    const second = await start(BOB);
    expect(await ask(ALICE, `status ${second}`)).toMatch(new RegExp(`^${second} ops\\.nap: (queued|running) \\(bob\\)$`));
    expect(await ask(ALICE, `cancel ${second}`)).toBe(`${second} ops.nap: canceled (bob)`);
    expect((await getExecution(w.t, second)).status).toBe('canceled');
  });
});

describe('Slack status and cancel as two different people', () => {
  let slack: SlackFake;
  let t: TestSwitchboard;
  let trigger = 0;
  /** a slash command as `user` (alice is the corpus user, U2147483697) */
  const slash = async (user: string, commandText: string) => {
    const form = slashForm({ trigger_id: `13345224609.738474920.${++trigger}`, user_id: user, text: commandText });
    const res = await postSigned(t, '/ingress/slack/commands', form, 'form');
    expect(res.status).toBe(200);
    return (await res.json()) as { text: string };
  };
  const ALICE_ID = 'U2147483697';
  const BOB_ID = 'U0BOB';
  beforeAll(async () => {
    slack = await startSlackFake({ token: BOT_TOKEN });
    t = await startTestSwitchboard({
      files: (() => {
        const files = { ...slackConfigFiles(signedChannel), ...commandFiles('ops') };
        // two naps may run while status and cancel answer
        files['switchboard.yaml'] = files['switchboard.yaml']!.replace('concurrency: 2', 'concurrency: 4');
        return files;
      })(),
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, SB_API_KEY: API_KEY },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await slack?.close();
  });

  /**
   * Sends `commandText` as `user`, waits for its execution to end, and returns the text the bot
   * posted for it: its result (acks, this one's or a nap's, are the "I'll take it from here" posts)
   */
  const ask = async (user: string, commandText: string) => {
    const before = slack.messages.length;
    const ack = await slash(user, commandText);
    const id = /^Queued (\S+): /.exec(ack.text)?.[1];
    expect(id, ack.text).toBeDefined();
    await waitFor(async () => {
      const e = (await listSlack(t)).find((x) => x.id === id);
      return e && ['succeeded', 'failed'].includes(e.status) ? e : undefined;
    }, `execution ${id} to end`);
    return waitFor(
      () =>
        slack.messages
          .slice(before)
          .map((m) => shown(m).trim())
          .find((m) => m !== '' && !m.includes("I'll take it from here")),
      `the answer to "${commandText}"`,
    );
  };
  const start = async (user: string) => {
    const id = /^Queued (\S+): /.exec((await slash(user, 'nap 300')).text)?.[1];
    expect(id).toBeDefined();
    return id!;
  };

  it('answers bob about alice’s execution as about an unknown id, and cancels nothing', async () => {
    const alices = await start(ALICE_ID);
    const unknown = await ask(BOB_ID, 'status zzzzzzzz');
    expect(unknown).toContain('no execution zzzzzzzz');
    const status = await ask(BOB_ID, `status ${alices}`);
    expect(status.replaceAll(alices, 'zzzzzzzz')).toBe(unknown);
    const cancel = await ask(BOB_ID, `cancel ${alices}`);
    expect(cancel).toContain(`no execution ${alices}`);
    expect((await listSlack(t)).find((e) => e.id === alices)?.status).not.toBe('canceled');
    expect(await ask(ALICE_ID, `cancel ${alices}`)).toContain(`${alices} ops.nap: canceled (alice)`);
  });

  it('lets bob cancel his own, and alice (ops) read his', async () => {
    const his = await start(BOB_ID);
    expect(await ask(ALICE_ID, `status ${his}`)).toMatch(new RegExp(`${his} ops\\.nap: (queued|running) \\(bob\\)`));
    expect(await ask(BOB_ID, `cancel ${his}`)).toContain(`${his} ops.nap: canceled (bob)`);
    expect((await listSlack(t)).find((e) => e.id === his)?.status).toBe('canceled');
  });
});
