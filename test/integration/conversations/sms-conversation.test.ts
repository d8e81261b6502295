/**
 * Questions for missing parameters over SMS (docs/contracts.md section 7, "Conversations"), through
 * signed Twilio webhooks and the fake Twilio REST API: `restart web` is answered with the question,
 * the same person's next text on the same medium completes it and it runs as if typed in full;
 * `nevermind` abandons it (`cancel` elsewhere: over SMS it is an opt-out keyword); an answer after the question expired, or from another person, completes nothing.
 */
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashTagPrefix } from '../../../src/executions/keys.ts';
import { ALICE, BOB, eventually, getExecution, listExecutions, startSmsWorld, text, type SmsWorld } from '../ingress/twilio-sms-helpers.ts';

const QUESTION = 'Which env? staging, prod (reply "nevermind" to stop)';

const files = {
  'switchboard.yaml': `
server: { port: 0, public_url: "https://sb.example.com" }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], phone: "${ALICE}" }
  bob:   { roles: [ops], phone: "${BOB}" }
api_keys:
  - { name: test, key: "sms-test-api-key-000000000001", user: alice }
limits: { per_sender_per_minute: 60 }
executions: { stalled_interval: 5, shutdown_grace: 2 }
logging: { level: info }
`,
  'actions/restart-on.yaml': `
name: ops.restart_on
runner: shell
command: [echo, "restarted {{ service }} on {{ env }}"]
parameters:
  service: { type: string, required: true }
  env: { type: string, required: true, enum: [staging, prod] }
`,
  'aliases/ops/restart.yaml': `
name: restart
pack: ops
action_ref: ops.restart_on
formats: ["restart {{service}} on {{env}}"]
allow: [ops]
result: { format: "{{ execution.result.stdout }}" }
`,
};

let w: SmsWorld;
let redis: Redis;
beforeEach(async () => {
  w = await startSmsWorld({ files });
  redis = new Redis(w.t.sb.config.main.redis.url);
});
afterEach(async () => {
  redis.disconnect();
  await w.stop();
});

const conversationKey = (user: string) => `${hashTagPrefix(w.t.prefix)}:conversation:sms:${user}`;
const recordedText = async (id: string) => redis.hget(`${hashTagPrefix(w.t.prefix)}:exec:${id}`, 'text');

describe('questions for missing parameters over SMS', () => {
  it('asks for the missing env, and the answer runs the whole command with its result texted back', async () => {
    const asked = await text(w.t, ALICE, 'restart web');
    expect(asked.message).toBe(QUESTION);
    expect(await listExecutions(w.t)).toEqual([]);
    const ttl = await redis.ttl(conversationKey('alice'));
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);

    const answered = await text(w.t, ALICE, 'prod');
    const [e] = await listExecutions(w.t);
    expect(answered.message).toBe(`Queued ${e!.id}: ops.restart`);
    expect(e).toMatchObject({ alias: 'ops.restart', user: 'alice' });
    expect((await getExecution(w.t, e!.id)) as unknown).toMatchObject({ params: { service: 'web', env: 'prod' } });
    expect(await recordedText(e!.id)).toBe('restart web on prod');
    await eventually(() => w.twilio.messages.find((m) => m.to === ALICE && m.body === 'restarted web on prod'), 'the result SMS');
    // the question is closed: the same answer again is no command
    expect((await text(w.t, ALICE, 'prod')).message).toMatch(/^No match/);
    expect(await listExecutions(w.t)).toHaveLength(1);
  });

  it('asks again with the reason when the answer is refused, and one question at a time for each missing parameter', async () => {
    expect((await text(w.t, ALICE, 'restart')).message).toBe('Which service? (reply "nevermind" to stop)');
    expect((await text(w.t, ALICE, 'api')).message).toBe(QUESTION);
    expect((await text(w.t, ALICE, 'prodd')).message).toBe(`"prodd" is not one of staging, prod. ${QUESTION}`);
    expect(await listExecutions(w.t)).toEqual([]);
    expect((await text(w.t, ALICE, 'Staging')).message).toBe(`"Staging" is not one of staging, prod. ${QUESTION}`);
    const done = await text(w.t, ALICE, ' staging ');
    const [e] = await listExecutions(w.t);
    expect(done.message).toBe(`Queued ${e!.id}: ops.restart`);
    expect(await recordedText(e!.id)).toBe('restart api on staging');
  });

  it('abandons the question on "nevermind" (CANCEL over SMS is the carriers\' opt-out keyword)', async () => {
    await text(w.t, ALICE, 'restart web');
    expect((await text(w.t, ALICE, 'Nevermind')).message).toBe('Cancelled: restart web.');
    expect(await redis.exists(conversationKey('alice'))).toBe(0);
    expect((await text(w.t, ALICE, 'prod')).message).toMatch(/^No match/);
    expect(await listExecutions(w.t)).toEqual([]);
  });

  it('starts fresh when the answer comes after the question expired', async () => {
    await text(w.t, ALICE, 'restart web');
    // ten minutes pass: the key's time is up
    await redis.pexpire(conversationKey('alice'), 1);
    await eventually(async () => ((await redis.exists(conversationKey('alice'))) === 0 ? true : undefined), 'the question to expire');
    expect((await text(w.t, ALICE, 'prod')).message).toMatch(/^No match/);
    expect(await listExecutions(w.t)).toEqual([]);
  });

  it("never lets another person's reply complete alice's command", async () => {
    await text(w.t, ALICE, 'restart web');
    expect((await text(w.t, BOB, 'prod')).message).toMatch(/^No match/);
    expect(await listExecutions(w.t)).toEqual([]);
    // alice's question is still open, and hers alone
    const mine = await text(w.t, ALICE, 'prod');
    const [e] = await listExecutions(w.t);
    expect(mine.message).toBe(`Queued ${e!.id}: ops.restart`);
    expect(e).toMatchObject({ user: 'alice' });
  });

  it('takes a reply that is a whole other command as that command, and drops the question', async () => {
    await text(w.t, ALICE, 'restart web');
    const other = await text(w.t, ALICE, 'restart api on staging');
    const [e] = await listExecutions(w.t);
    expect(other.message).toBe(`Queued ${e!.id}: ops.restart`);
    expect(await recordedText(e!.id)).toBe('restart api on staging');
    expect((await text(w.t, ALICE, 'prod')).message).toMatch(/^No match/);
    // a new question replaces the old one
    await text(w.t, ALICE, 'restart web');
    expect((await text(w.t, ALICE, 'restart db')).message).toBe(QUESTION);
    await text(w.t, ALICE, 'prod');
    const texts = await Promise.all((await listExecutions(w.t)).map((x) => recordedText(x.id)));
    expect(texts.sort()).toEqual(['restart api on staging', 'restart db on prod']);
  });

  it('answers a re-sent webhook of the completing reply once', async () => {
    await text(w.t, ALICE, 'restart web');
    const first = await text(w.t, ALICE, 'prod', 'SM00000000000000000000000000000042');
    const again = await text(w.t, ALICE, 'prod', 'SM00000000000000000000000000000042');
    expect(again.message).toBe(first.message);
    expect(await listExecutions(w.t)).toHaveLength(1);
  });
});
