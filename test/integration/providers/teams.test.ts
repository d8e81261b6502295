/**
 * Teams end to end: outgoing-webhook activities signed as Teams signs them (HMAC-SHA256 of the raw
 * body with the base64-decoded security token) posted to a whole Switchboard; results posted as
 * Adaptive Cards to a fake Workflows webhook.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outgoingActivity, signTeamsBody, startTeamsFake, type TeamsFake } from '../../../src/providers/teams/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { eventually, type ExecutionJson } from '../ingress/twilio-sms-helpers.ts';

const TOKEN = randomBytes(32).toString('base64');
const API_KEY = 'teams-test-api-key-00000000000001';
const ALICE = { aadObjectId: '6f3d1c2a-0b1e-4c5d-9e8f-a1b2c3d4e5f6', name: 'Alice' };
const MALLORY = { aadObjectId: '00000000-dead-beef-0000-000000000000', name: 'Mallory' };

const files = (teams: TeamsFake): Record<string, string> => ({
  'switchboard.yaml': `
server: { port: 0 }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], teams: "${ALICE.aadObjectId}" }
roles:
  ops: { permissions: [executions.read_all] }
api_keys:
  - { name: test, key: "${API_KEY}", user: alice }
executions: { stalled_interval: 5, shutdown_grace: 2 }
`,
  'channels/teams.yaml': `
name: teams-ops
kind: teams
hmac_secret: "${TOKEN}"
webhook_url: "${teams.webhookUrl}"
`,
  'actions/say.yaml': `
name: ops.say
runner: shell
command: [echo, "said {{ words }}"]
parameters:
  words: { type: string, required: true }
`,
  'aliases/ops/say.yaml': `
name: say
pack: ops
action_ref: ops.say
formats: ["say {{words}}"]
allow: [ops]
result: { format: "{{ execution.result.stdout }}" }
`,
  'aliases/ops/wipe.yaml': `
name: wipe
pack: ops
action_ref: ops.say
formats: ["wipe {{words}}"]
allow: [ops]
confirm: true
result: { format: "{{ execution.result.stdout }}" }
`,
});

let teams: TeamsFake;
let t: TestSwitchboard;
beforeEach(async () => {
  teams = await startTeamsFake();
  t = await startTestSwitchboard({ files: files(teams) });
});
afterEach(async () => {
  await t.stop();
  await teams.close();
});

/** Posts an activity as Teams would (`signing: 'valid'`), or with a forged or missing HMAC. */
async function post(activity: Record<string, unknown>, signing: 'valid' | 'forged' | 'wrong-token' | 'missing' = 'valid', channel = 'teams-ops') {
  const body = JSON.stringify(activity);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signing === 'valid') headers.authorization = signTeamsBody(TOKEN, body);
  if (signing === 'forged') headers.authorization = signTeamsBody(TOKEN, JSON.stringify({ ...activity, text: '<at>Switchboard</at> say hi' }));
  if (signing === 'wrong-token') headers.authorization = signTeamsBody(randomBytes(32).toString('base64'), body);
  const res = await t.request(`/ingress/teams/${channel}`, { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json()) as { type?: string; text?: string; error?: { code: string } } };
}

const api = { authorization: `Bearer ${API_KEY}` };
const listExecutions = async () => ((await (await t.request('/api/v1/executions?limit=100', { headers: api })).json()) as { items: ExecutionJson[] }).items;
const getExecution = async (id: string) => (await (await t.request(`/api/v1/executions/${id}`, { headers: api })).json()) as ExecutionJson;

const queuedId = (text: string | undefined) => /^Queued (\S+): /.exec(text ?? '')?.[1];

describe('POST /ingress/teams/:channel', () => {
  it('runs a signed command as the sender, answers inline, and posts the result to the workflow webhook', async () => {
    const answer = await post(outgoingActivity(ALICE, 'say hello'));
    expect(answer.status).toBe(200);
    expect(answer.json.type).toBe('message');
    const id = queuedId(answer.json.text);
    expect(answer.json.text).toBe(`Queued ${id}: ops.say`);
    const done = await eventually(async () => {
      const e = await getExecution(id!);
      return e.status === 'succeeded' && e.deliveries.every((d) => d.status === 'sent') && e.deliveries.length > 0 ? e : undefined;
    }, 'the execution and its result delivery');
    expect(done).toMatchObject({ user: 'alice', alias: 'ops.say' });
    expect(done.origin).toMatchObject({ source: 'teams', sender: ALICE.aadObjectId, proof: 'verified' });
    expect(done.deliveries).toEqual([expect.objectContaining({ channel: 'teams-ops', status: 'sent' })]);
    expect(teams.cards.map((c) => c.texts.at(-1))).toEqual(['said hello']);
  });

  it.each(['forged', 'wrong-token', 'missing'] as const)('refuses a %s HMAC with 401 and runs nothing', async (signing) => {
    const answer = await post(outgoingActivity(ALICE, 'say hello'), signing);
    expect(answer.status).toBe(401);
    expect(answer.json.error?.code).toBe('invalid_signature');
    expect(await listExecutions()).toEqual([]);
    expect(t.logs.join('\n')).not.toContain(TOKEN);
  });

  it('refuses a channel without that name, and a signed but stale activity, running nothing', async () => {
    expect((await post(outgoingActivity(ALICE, 'say hello'), 'valid', 'nope')).status).toBe(401);
    const stale = await post(outgoingActivity(ALICE, 'say hello', { timestamp: new Date(Date.now() - 10 * 60_000) }));
    expect([stale.status, stale.json.error?.code]).toEqual([401, 'signature_stale']);
    expect(await listExecutions()).toEqual([]);
  });

  it('runs a repeated activity id once and answers the repeat the same', async () => {
    const activity = outgoingActivity(ALICE, 'say once');
    const first = await post(activity);
    const again = await post(activity);
    expect(queuedId(first.json.text)).toBeDefined();
    expect(again).toEqual(first);
    expect((await listExecutions()).map((e) => e.alias)).toEqual(['ops.say']);
  });

  it('asks for confirmation and runs the command on `YES <code>` from the same person', async () => {
    const prompt = await post(outgoingActivity(ALICE, 'wipe disks'));
    const code = /YES (\d+)/.exec(prompt.json.text ?? '')?.[1];
    expect(code).toBeDefined();
    expect((await listExecutions()).map((e) => e.status)).toEqual(['pending']);
    const confirmed = await post(outgoingActivity(ALICE, `YES ${code}`));
    expect(confirmed.json.text).toMatch(/^Queued \S+: ops\.wipe$/);
    await eventually(() => (teams.cards.length > 0 ? true : undefined), 'the result card');
    expect(teams.cards[0]!.texts.at(-1)).toBe('said disks');
  });

  it('answers an unknown sender without running anything, and escapes what a sender typed', async () => {
    const unknown = await post(outgoingActivity(MALLORY, 'say hi'));
    expect(unknown.status).toBe(200);
    expect(await listExecutions()).toEqual([]);
    const none = await post(outgoingActivity(ALICE, 'frobnicate [x](https://evil.example)'));
    // inside a code span, which Markdown shows as typed (a backtick typed would be changed to ')
    expect(none.json.text).toBe('No command matches `frobnicate [x](https://evil.example)`. Try `help`.');
    const link = await post(outgoingActivity(ALICE, 'say [click](https://evil.example)'));
    expect(queuedId(link.json.text)).toBeDefined();
    await eventually(() => (teams.cards.length > 0 ? true : undefined), 'the result card');
    expect(teams.cards[0]!.texts.at(-1)).toBe('said \\[click\\]\\(https://evil.example\\)');
  });
});
