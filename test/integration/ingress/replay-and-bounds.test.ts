/**
 * Bounded inputs and replays across ingresses (issue 12, items 3): `limits.command_length` holds
 * for SMS as for the API, and a Twilio MessageSid or a Slack trigger_id replayed after its
 * execution record expired (retention tiny) runs nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { executionKeys } from '../../../src/executions/keys.ts';
import { startSlackFake, type SlackFake } from '../../../src/providers/slack/fake.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { API_KEY, BOT_TOKEN, SIGNING_SECRET, postSigned, signedChannel, slackConfigFiles, slashForm } from './slack-helpers.ts';
import {
  ALICE,
  PUBLIC_URL,
  eventually,
  inboundForm,
  listExecutions,
  newSid,
  postSms,
  queuedId,
  startSmsWorld,
  text,
  type SmsWorld,
} from './twilio-sms-helpers.ts';

/** executions.retention_days 0.00002: records and idempotency keys live 2 seconds */
const TINY = 0.00002;

const smsConfig = `
server: { port: 0, public_url: "${PUBLIC_URL}" }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], phone: "${ALICE}" }
roles:
  ops: { permissions: [executions.read_all, executions.cancel_all] }
api_keys:
  - { name: test, key: "sms-test-api-key-000000000001", user: alice }
limits: { command_length: 40 }
executions: { retention_days: ${TINY}, stalled_interval: 5, shutdown_grace: 2 }
logging: { level: info }
`;

const redis = new Redis('redis://127.0.0.1:6379');
afterAll(() => redis.disconnect());

/** Waits until the execution's idempotency key for `idem` has expired (the record is gone). */
async function expired(prefix: string, idem: string): Promise<void> {
  const key = executionKeys(prefix).idem(idem);
  await eventually(async () => ((await redis.exists(key)) === 0 ? true : undefined), `${key} to expire`, 400);
}

describe('SMS: command length and replays', () => {
  let w: SmsWorld;
  beforeAll(async () => {
    w = await startSmsWorld({
      files: {
        'switchboard.yaml': smsConfig,
        'actions/ls.yaml': `
name: fs.ls
runner: shell
command: [ls, "{{ dir }}"]
parameters:
  dir: { type: string, required: true }
`,
        'actions/lsd.yaml': `
name: fs.lsd
runner: shell
command: [ls, "{{ flags }}", /]
parameters:
  flags: { type: string, required: true, allow_dash: true }
`,
        'aliases/ls.yaml': 'name: ls\npack: fs\naction_ref: fs.ls\nformats: ["ls {{dir}}"]\n',
        'aliases/lsd.yaml': 'name: lsd\npack: fs\naction_ref: fs.lsd\nformats: ["lsd {{flags}}"]\n',
      },
    });
  });
  afterAll(() => w.stop());

  it('refuses an SMS longer than limits.command_length, naming the limit, and queues nothing', async () => {
    const long = `ping ${'x'.repeat(200)}`;
    const answer = await text(w.t, ALICE, long);
    expect(answer.message).toMatch(/too long: 205 characters \(the limit is 40\)/);
    expect(await listExecutions(w.t)).toEqual([]);
  });

  it('answers `ls --version` with a bad value naming the parameter and queues nothing; allow_dash lets `-d` through', async () => {
    const before = (await listExecutions(w.t)).length;
    const answer = await text(w.t, ALICE, 'ls --version');
    expect(answer.message).toMatch(/bad value for dir: expected a value not starting with "-"/);
    expect(await listExecutions(w.t)).toHaveLength(before);
    expect(queuedId((await text(w.t, ALICE, 'lsd -d')).message)).toBeDefined();
  });

  it('runs a MessageSid once, even replayed after its execution record and idempotency key expired', async () => {
    const sid = newSid();
    const form = inboundForm(ALICE, 'ping', sid);
    const first = await postSms(w.t, form);
    const id = queuedId(first.message);
    expect(id).toBeDefined();
    // a re-send while the execution lives gets the same answer
    expect((await postSms(w.t, form)).message).toBe(first.message);
    await expired(w.t.prefix, `sms:${sid}`);
    const replay = await postSms(w.t, form);
    expect(replay.status).toBe(200);
    expect(replay.message).toBe('');
    expect(w.t.logs.some((l) => l.includes('MessageSid already handled (replay)'))).toBe(true);
    // nothing new was queued: the only executions are the first one (or none, if it expired too)
    const ids = (await listExecutions(w.t)).filter((e) => e.alias?.endsWith('ping')).map((e) => e.id);
    expect(ids.every((x) => x === id)).toBe(true);
    // a new MessageSid with the same text still runs
    expect(queuedId((await text(w.t, ALICE, 'ping')).message)).toBeDefined();
  });

  it('keeps the seen MessageSids in day sets expiring after ingress.seen_ids_days, not the retention', async () => {
    const keys = await redis.keys(`{${w.t.prefix}}:seen:sms:*`);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    const ttl = await redis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(90 * 86_400);
    expect(ttl).toBeLessThanOrEqual(91 * 86_400);
    // members are 16-hex digests, not the MessageSids themselves
    for (const m of await redis.smembers(keys[0]!)) expect(m).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('Slack: a slash command trigger_id runs once', () => {
  let slack: SlackFake;
  let t: TestSwitchboard;
  beforeAll(async () => {
    slack = await startSlackFake({ token: BOT_TOKEN });
    const files = slackConfigFiles(signedChannel);
    files['switchboard.yaml'] = files['switchboard.yaml']!.replace('executions: { concurrency: 2,', `executions: { retention_days: ${TINY}, concurrency: 2,`);
    t = await startTestSwitchboard({
      files,
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, SB_API_KEY: API_KEY },
    });
  });
  afterAll(async () => {
    await t.stop();
    await slack.close();
  });

  it('replayed (freshly signed, inside the 5-minute window) after its execution expired, it runs nothing', async () => {
    const trigger = `13345224609.738474920.${Date.now()}`;
    const form = slashForm({ trigger_id: trigger, text: 'echo once', response_url: slack.responseUrl('T1/1/once') });
    const first = await postSigned(t, '/ingress/slack/commands', form, 'form');
    expect(((await first.json()) as { text: string }).text).toMatch(/^Queued /);
    await expired(t.prefix, `slack:command:${trigger}`);
    const replay = await postSigned(t, '/ingress/slack/commands', form, 'form');
    expect(replay.status).toBe(200);
    expect(await replay.text()).not.toMatch(/Queued/);
    expect(t.logs.some((l) => l.includes('trigger_id already handled (replay)'))).toBe(true);
  });
});
