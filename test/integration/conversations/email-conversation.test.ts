/**
 * Questions for missing parameters over email (docs/contracts.md section 7, "Conversations"), over
 * SMTP with DKIM: `restart web` is answered in its thread with the question; the reply (above the
 * quoted question) completes it and the result is mailed back; `cancel` abandons it; the same
 * person's answer by SMS (another medium) completes nothing; an unverified mail that opened the
 * question makes the completed command wait for a confirmation.
 */
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashTagPrefix } from '../../../src/executions/keys.ts';
import { startTwilioFake, type TwilioFake } from '../../../src/providers/sms/fake.ts';
import { ALICE, API_KEY, eventually, listExecutions, newMessageId, replyTo, sendMail, startEmailWorld, type EmailWorld } from '../ingress/email-helpers.ts';
import { ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER, PUBLIC_URL, text } from '../ingress/twilio-sms-helpers.ts';

const ALICE_PHONE = '+15551230001';
const QUESTION = 'Which env? staging, prod (reply "cancel" to stop)';

const files = (twilioUrl: string): Record<string, string> => ({
  'switchboard.yaml': `
server: { port: 0, public_url: "${PUBLIC_URL}" }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], email: "Alice <${ALICE}>", phone: "${ALICE_PHONE}" }
roles:
  ops: { permissions: [executions.read_all, executions.cancel_all] }
api_keys:
  - { name: test, key: "${API_KEY}", user: alice }
limits: { per_sender_per_minute: 60 }
executions: { stalled_interval: 5, shutdown_grace: 2 }
logging: { level: info }
`,
  'channels/sms.yaml': `
name: sms
kind: sms
account_sid: ${ACCOUNT_SID}
auth_token: ${AUTH_TOKEN}
from: "${OUR_NUMBER}"
api_url: ${twilioUrl}
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
});

let w: EmailWorld;
let twilio: TwilioFake;
let redis: Redis;
beforeEach(async () => {
  twilio = await startTwilioFake({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  w = await startEmailWorld({ extraFiles: () => files(twilio.url) });
  redis = new Redis(w.t.sb.config.main.redis.url);
});
afterEach(async () => {
  redis.disconnect();
  await w.stop();
  await twilio.close();
});

const recordedText = (id: string) => redis.hget(`${hashTagPrefix(w.t.prefix)}:exec:${id}`, 'text');

/** Sends `body` from alice as a reply in the thread of `inReplyTo` (quoting `quoted`), and returns its Message-ID. */
async function reply(body: string, quoted: string, opts: { dkim?: boolean } = {}): Promise<string> {
  const messageId = newMessageId();
  await sendMail(w.port, {
    from: `Alice <${ALICE}>`,
    subject: 'Re: command',
    text: `${body}\n\nOn Sun, 6 Dec 2026, Switchboard <ops@sb.test> wrote:\n> ${quoted}\n`,
    messageId,
    ...(opts.dkim === false && { dkim: false }),
  });
  return messageId;
}

async function ask(command: string, opts: { dkim?: boolean } = {}): Promise<string> {
  const id = newMessageId();
  await sendMail(w.port, { from: `Alice <${ALICE}>`, subject: 'command', text: command, messageId: id, ...(opts.dkim === false && { dkim: false }) });
  const mail = await eventually(() => replyTo(w.smtp, id, 'Which'), 'the question in the thread');
  return mail.parsed.text ?? '';
}

describe('questions for missing parameters over email', () => {
  it('asks in the thread, and the reply runs the whole command with its result mailed back', async () => {
    const question = await ask('restart web');
    expect(question).toContain(QUESTION);
    expect(await listExecutions(w.t)).toEqual([]);

    const answerId = await reply('prod', QUESTION);
    const e = await eventually(async () => (await listExecutions(w.t)).find((x) => x.status === 'succeeded'), 'the run');
    expect(e).toMatchObject({ alias: 'ops.restart', user: 'alice', origin: { source: 'email', proof: 'verified', message_id: answerId } });
    expect(await recordedText(e.id)).toBe('restart web on prod');
    await eventually(() => replyTo(w.smtp, answerId, 'restarted web on prod'), 'the result in the thread of the answer');
  });

  it('asks again with the reason on a refused answer, and abandons the question on "cancel"', async () => {
    await ask('restart web');
    const wrongId = await reply('prodd', QUESTION);
    const again = await eventually(() => replyTo(w.smtp, wrongId), 'the second question');
    expect(again.parsed.text).toContain(`"prodd" is not one of staging, prod. ${QUESTION}`);
    const cancelId = await reply('Cancel', QUESTION);
    const cancelled = await eventually(() => replyTo(w.smtp, cancelId), 'the cancel answer');
    expect(cancelled.parsed.text?.trim()).toBe('Cancelled: restart web.');
    const lateId = await reply('prod', QUESTION);
    const late = await eventually(() => replyTo(w.smtp, lateId), 'the answer to a late reply');
    expect(late.parsed.text).toContain('No command matches "prod"');
    expect(await listExecutions(w.t)).toEqual([]);
  });

  it("does not take the same person's answer on another medium (SMS) as the answer", async () => {
    await ask('restart web');
    const sms = await text(w.t, ALICE_PHONE, 'prod');
    expect(sms.message).toMatch(/^No match/);
    expect(await listExecutions(w.t)).toEqual([]);
    // the email question is still open
    await reply('prod', QUESTION);
    const e = await eventually(async () => (await listExecutions(w.t)).find((x) => x.status === 'succeeded'), 'the run');
    expect(await recordedText(e.id)).toBe('restart web on prod');
  });

  it('makes the completed command wait for a confirmation when the mail that asked it was unverified', async () => {
    await ask('restart web', { dkim: false });
    await reply('prod', QUESTION);
    const pending = await eventually(async () => (await listExecutions(w.t)).find((x) => x.status === 'pending'), 'the pending execution');
    expect(pending.origin?.proof).toBe('unverified');
    await eventually(
      () => w.smtp.mails.find((m) => m.envelope.to.includes(ALICE) && /Reply YES \d{6} within .* to run: restart web on prod/.test(m.parsed.text ?? '')),
      'the code mail',
    );
  });
});
