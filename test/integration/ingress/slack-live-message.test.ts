/**
 * A long execution's Slack message edited in place (docs/contracts.md section 3, "Notify"):
 * a slash command's ack becomes the live message, progress edits it (a module's
 * `context.progress`, a shell action's last output line), the result replaces it; an SMS command
 * gets only its ack and result. The actions wait for files the test writes once it has seen what
 * it expects (the ack posted, then each edit), so nothing here depends on timing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake } from '../../../src/providers/slack/fake.ts';
import { startTwilioFake, type TwilioFake } from '../../../src/providers/sms/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { BOT_TOKEN, postSigned, SIGNING_SECRET, signedChannel, slashForm, waitFor } from './slack-helpers.ts';
import { ACCOUNT_SID, ALICE, API_KEY, AUTH_TOKEN, getExecution, OUR_NUMBER, PUBLIC_URL, queuedId, text } from './twilio-sms-helpers.ts';

/**
 * Waits for `<gates>/go-<execution id>-<n>`: the test writes it once it has seen what it waits for.
 * The gates are outside the config folder: a file written there would be a config change (a reload).
 */
const moduleAction = (gates: string) => `
import { existsSync } from 'node:fs';
const go = async (ctx, n) => {
  while (!existsSync(${JSON.stringify(`${gates}/go-`)} + ctx.execution.id + '-' + n)) {
    if (ctx.signal.aborted) throw new Error('stopped');
    await new Promise((r) => setTimeout(r, 25));
  }
};
export default async function deploy(params, ctx) {
  await go(ctx, 0);
  ctx.progress('fetching artifacts for ' + params.service);
  await go(ctx, 1);
  ctx.progress('restarting 3 hosts\\n');
  await go(ctx, 2);
  return { message: 'deployed ' + params.service };
}
`;

const files = (gates: string): Record<string, string> => ({
  'switchboard.yaml': `
server: { port: 0, public_url: "${PUBLIC_URL}" }
redis: { url: "redis://127.0.0.1:6379", prefix: "\${SB_TEST_PREFIX}", start_local: false }
logging: { level: debug }
users:
  alice: { roles: [ops], slack: U2147483697, phone: "${ALICE}" }
roles:
  ops: { permissions: [executions.read_all] }
api_keys:
  - { name: test, key: "${API_KEY}", user: alice }
executions: { concurrency: 2, stalled_interval: 1, shutdown_grace: 2 }
`,
  'channels/slack.yaml': signedChannel,
  'channels/sms.yaml': `
name: sms
kind: sms
account_sid: ${ACCOUNT_SID}
auth_token: ${AUTH_TOKEN}
from: "${OUR_NUMBER}"
api_url: \${TWILIO_URL}
`,
  'actions/deploy.mjs': moduleAction(gates),
  'actions/deploy.yaml': `
name: ops.deploy
runner: module
module: actions/deploy.mjs
timeout: 60
parameters:
  service: { type: string, required: true }
`,
  'actions/lines.yaml': `
name: ops.lines
runner: shell
command: [sh, -c, "gate() { while [ ! -f ${gates}/go-{{ execution.id }}-$1 ]; do sleep 0.05; done; }; gate 0; echo 'step one'; gate 1; echo 'step two' >&2; printf '\\n'; gate 2; echo finished"]
timeout: 60
`,
  'aliases/deploy.yaml': `
name: deploy
action_ref: ops.deploy
formats: ["deploy {{service}}"]
result: { format: "{{ result.message }}" }
`,
  'aliases/lines.yaml': `
name: lines
action_ref: ops.lines
formats: ["print lines"]
result: { format: "lines done: {{ result.stdout }}" }
`,
});

const shown = (m: { text?: string; blocks?: { text?: { text: string } }[] | Record<string, unknown>[] } | undefined) =>
  [m?.text ?? '', ...((m?.blocks ?? []) as { text?: { text: string } }[]).map((b) => b.text?.text ?? '')].join('\n');

describe('a long execution started from Slack: one message, edited in place', () => {
  let slack: SlackFake;
  let twilio: TwilioFake;
  let t: TestSwitchboard;
  let trigger = 0;
  const slash = (textTyped: string) =>
    postSigned(t, '/ingress/slack/commands', slashForm({ trigger_id: `13345224609.738474920.7${++trigger}`, text: textTyped }), 'form');
  const gates = mkdtempSync(join(tmpdir(), 'sb-gates-'));
  const go = (id: string, n: number) => writeFileSync(join(gates, `go-${id}-${n}`), '');
  const methods = () => slack.requests.map((r) => r.path.replace(/^\/api\//, '')).filter((p) => p.startsWith('chat.'));

  beforeAll(async () => {
    slack = await startSlackFake({ token: BOT_TOKEN });
    twilio = await startTwilioFake({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    t = await startTestSwitchboard({
      files: files(gates),
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, TWILIO_URL: twilio.url, SB_API_KEY: API_KEY },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await slack?.close();
    await twilio?.close();
    rmSync(gates, { recursive: true, force: true });
  });
  beforeEach(() => {
    slack.messages.length = 0;
    slack.updates.length = 0;
    slack.requests.length = 0;
    twilio.messages.length = 0;
  });

  it("posts the ack, edits it with a module's context.progress, then replaces it with the result", async () => {
    const res = await slash('deploy web');
    const id = /^Queued (\S+): deploy$/.exec(((await res.json()) as { text: string }).text)?.[1];
    expect(id).toBeDefined();

    const ack = await waitFor(() => slack.messages[0], 'the ack posted in the channel');
    go(id!, 0);
    await waitFor(() => slack.updates.find((u) => shown(u).includes('fetching artifacts for web')), 'the first progress edit');
    go(id!, 1);
    const second = await waitFor(() => slack.updates.find((u) => shown(u).includes('restarting 3 hosts')), 'the second progress edit');
    expect(shown(second)).toContain(`Running ops.deploy (${id})…`);
    go(id!, 2);
    await waitFor(() => slack.updates.find((u) => shown(u).includes('deployed web')), 'the result edit');
    const exec = await waitFor(async () => {
      const e = await getExecution(t, id!);
      return e.deliveries.every((d) => d.status === 'sent') && e.status === 'succeeded' ? e : undefined;
    }, 'the execution and its answers done');

    // one message: posted once (the ack), every later change an edit of it, the result last
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.ts).toBe(ack.ts);
    expect(shown(slack.messages[0])).toContain('deployed web');
    expect(slack.updates.every((u) => u.ts === ack.ts)).toBe(true);
    const m = methods();
    expect(m[0]).toBe('chat.postMessage');
    expect(m.slice(1).every((x) => x === 'chat.update')).toBe(true);
    const order = slack.updates.map((u) => shown(u));
    const first = order.findIndex((s) => s.includes('fetching artifacts'));
    const later = order.findIndex((s) => s.includes('restarting 3 hosts'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(later).toBeGreaterThan(first);
    expect(order.at(-1)).toContain('deployed web');
    // the record lists the ack and the result, not each progress edit
    expect(exec.deliveries).toHaveLength(2);
  });

  it("shows a shell action's last output line while it runs", async () => {
    const res = await slash('print lines');
    const id = /^Queued (\S+): lines$/.exec(((await res.json()) as { text: string }).text)?.[1];
    await waitFor(() => slack.messages[0], 'the ack posted in the channel');
    go(id!, 0);
    await waitFor(() => slack.updates.find((u) => shown(u).includes('step one')), 'the edit with the first line');
    go(id!, 1);
    // the last non-empty line, whichever stream printed it (stderr here, then a blank line on stdout)
    const edit = await waitFor(() => slack.updates.find((u) => shown(u).includes('step two')), 'the edit with the last line');
    expect(shown(edit)).toContain(`Running ops.lines (${id})…`);
    expect(shown(edit)).not.toContain('step one');
    go(id!, 2);
    await waitFor(() => slack.updates.find((u) => shown(u).includes('lines done: step one')), 'the result edit');
    expect(slack.messages).toHaveLength(1);
    expect(shown(slack.messages[0])).toContain('finished');
  });

  it('gives an SMS command only its ack (TwiML) and its result: no progress message', async () => {
    const answer = await text(t, ALICE, 'deploy api');
    const id = queuedId(answer.message);
    expect(id).toBeDefined();
    for (const n of [0, 1, 2]) go(id!, n);
    const done = await waitFor(async () => {
      const e = await getExecution(t, id!);
      return e.status === 'succeeded' && e.deliveries.length > 0 && e.deliveries.every((d) => d.status === 'sent') ? e : undefined;
    }, 'the execution and its result SMS');
    await waitFor(() => twilio.messages.find((m) => m.to === ALICE), 'the result SMS');
    expect(twilio.messages.map((m) => m.body)).toEqual(['deployed api']);
    expect(done.deliveries).toEqual([expect.objectContaining({ channel: 'sms', target: ALICE, status: 'sent' })]);
    expect(slack.requests.filter((r) => r.path.includes('chat.'))).toHaveLength(0);
    // the progress reports were never queued for a medium that cannot edit
    expect(t.logs.filter((l) => l.includes(`${id}.1.`))).toEqual([]);
    expect(t.logs.some((l) => l.includes(`${id}/result/origin`))).toBe(true);
  });
});
