/**
 * The time to confirm outlives the process that asked: a Switchboard stopped while a command is
 * pending, and another started on the same Redis, still cancels it when the time is up and tells
 * the owner.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startTwilioFake, type TwilioFake } from '../../../src/providers/sms/fake.ts';
import { cleanupPrefix, startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { ACCOUNT_SID, ALICE, AUTH_TOKEN, eventually, getExecution, listExecutions, OUR_NUMBER, PUBLIC_URL, text } from '../ingress/twilio-sms-helpers.ts';

const API_KEY = 'sms-test-api-key-000000000001';
const files = {
  'switchboard.yaml': `
server: { port: 0, public_url: "${PUBLIC_URL}" }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], phone: "${ALICE}" }
api_keys:
  - { name: test, key: "${API_KEY}", user: alice }
executions: { stalled_interval: 5, shutdown_grace: 2 }
`,
  'channels/sms.yaml': `
name: sms
kind: sms
account_sid: ${ACCOUNT_SID}
auth_token: ${AUTH_TOKEN}
from: "${OUR_NUMBER}"
api_url: \${TWILIO_URL}
`,
  'aliases/ping.yaml': `
name: careful_ping
action_ref: core.ping
formats: ["careful ping"]
confirm: { ttl: 3 }
`,
};

let twilio: TwilioFake | undefined;
const running: TestSwitchboard[] = [];
const prefix = `sbt-${randomUUID().slice(0, 8)}`;
afterEach(async () => {
  for (const t of running) {
    await t.sb.stop().catch(() => undefined);
    rmSync(t.dir, { recursive: true, force: true });
  }
  await cleanupPrefix('redis://127.0.0.1:6379', prefix);
  await twilio?.close();
});

describe('confirmation expiry across a restart', () => {
  it('is carried out by the next process on the same Redis', async () => {
    twilio = await startTwilioFake({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const start = async () => {
      const t = await startTestSwitchboard({ files, env: { TWILIO_URL: twilio!.url, SB_TEST_PREFIX: prefix } });
      running.push(t);
      return t;
    };
    const first = await start();
    expect((await text(first, ALICE, 'careful ping')).message).toMatch(/^Reply YES \d{6} within 3 seconds/);
    const [pending] = await listExecutions(first);
    expect(pending!.status).toBe('pending');
    await first.sb.stop();

    const second = await start();
    const ended = await eventually(async () => {
      const e = await getExecution(second, pending!.id);
      return e.status === 'canceled' ? e : undefined;
    }, 'the expiry by the second process');
    expect(ended.status).toBe('canceled');
    await eventually(
      () => twilio!.messages.find((m) => m.to === ALICE && m.body === `Canceled ${pending!.id}: not confirmed in time. Nothing was run.`),
      'the expiry SMS',
    );
  });
});
