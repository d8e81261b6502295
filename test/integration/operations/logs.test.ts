/**
 * The log lines of a whole Switchboard while SMS, email and API commands run: no full phone
 * number, email address or secret; the component named once per line; the execution id on the
 * lines about one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNT_SID,
  ALICE as ALICE_PHONE,
  API_KEY as SMS_API_KEY,
  AUTH_TOKEN,
  listExecutions as smsExecutions,
  startSmsWorld,
  text,
  type SmsWorld,
} from '../ingress/twilio-sms-helpers.ts';
import {
  ALICE as ALICE_EMAIL,
  API_KEY as EMAIL_API_KEY,
  eventually,
  listExecutions as emailExecutions,
  newMessageId,
  replyTo,
  sendMail,
  startEmailWorld,
  type EmailWorld,
} from '../ingress/email-helpers.ts';
import { startTestSwitchboard, type TestSwitchboard } from '../harness.ts';
import { API_KEY, auth, baseFiles, runToEnd } from './helpers.ts';

type Line = Record<string, unknown> & { msg?: string; component?: string; execution?: string };
/** Parsed lines; the `log` sink's line carries the execution as an object: its id is taken. */
const parse = (t: TestSwitchboard): Line[] =>
  t.logs.map((l) => {
    const line = JSON.parse(l) as Record<string, unknown>;
    const e = line.execution as string | { id?: string } | undefined;
    return { ...line, execution: typeof e === 'object' ? e.id : e } as Line;
  });

/** Every line is JSON with one `component`, and carries none of `forbidden`. */
function expectClean(t: TestSwitchboard, forbidden: string[]) {
  for (const raw of t.logs) {
    expect(() => JSON.parse(raw)).not.toThrow();
    expect(raw.split('"component":').length, raw).toBeLessThanOrEqual(2);
    for (const f of forbidden) expect(raw, `a log line carries ${f}`).not.toContain(f);
  }
}

/**
 * Lines about the execution carry its id as `execution`: the command's, the worker's, each delivery's.
 * The worker's `execution ended` of a success is a debug line (the record and the metrics say it).
 */
function expectExecutionLines(t: TestSwitchboard, id: string, level: 'info' | 'debug') {
  const msgs = parse(t)
    .filter((l) => l.execution === id)
    .map((l) => l.msg);
  expect(msgs).toContain('command queued');
  if (level === 'debug') expect(msgs).toContain('execution ended');
  else expect(msgs).not.toContain('execution ended');
  // every line about one of its deliveries names the execution too
  const deliveries = new Set(
    parse(t)
      .filter((l) => l.execution === id && typeof l.delivery === 'string')
      .map((l) => l.delivery),
  );
  for (const l of parse(t)) if (deliveries.has(l.delivery)) expect(l.execution, JSON.stringify(l)).toBe(id);
}

describe('logs of SMS commands', () => {
  let w: SmsWorld;
  beforeAll(async () => {
    w = await startSmsWorld();
  });
  afterAll(async () => {
    await w?.stop();
  });

  it('mask the sender, redact secrets and carry the execution id', async () => {
    const answer = await text(w.t, ALICE_PHONE, 'restart web');
    expect(answer.status).toBe(200);
    const exec = await eventually(
      async () => (await smsExecutions(w.t)).find((e) => e.status === 'succeeded' && e.deliveries.every((d) => d.status !== 'pending')),
      'the sms execution',
    );

    expectClean(w.t, [ALICE_PHONE, AUTH_TOKEN, SMS_API_KEY, ACCOUNT_SID.slice(2)]);
    expectExecutionLines(w.t, exec.id, 'info');
  });
});

describe('logs of email commands', () => {
  let w: EmailWorld;
  beforeAll(async () => {
    w = await startEmailWorld();
  });
  afterAll(async () => {
    await w?.stop();
  });

  it('mask the address and carry the execution id', async () => {
    const id = newMessageId();
    await sendMail(w.port, { from: `Alice <${ALICE_EMAIL}>`, subject: 'web', text: 'restart web', messageId: id });
    await eventually(() => replyTo(w.smtp, id, 'restarted web'), 'the result by email');
    const exec = (await emailExecutions(w.t)).find((e) => e.origin?.message_id === id);
    expect(exec).toBeDefined();
    expectClean(w.t, [ALICE_EMAIL, EMAIL_API_KEY]);
    expect(w.t.logs.some((l) => l.includes('***@example.test'))).toBe(true);
    expectExecutionLines(w.t, exec!.id, 'info');
  });
});

describe('logs of API commands and notifications', () => {
  let t: TestSwitchboard;
  beforeAll(async () => {
    t = await startTestSwitchboard({ files: baseFiles() });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('mask addresses in every field, even a message body, and carry the ids at debug level', async () => {
    const done = await runToEnd(t, 'hello +15559876543');
    const res = await t.request('/api/v1/notify', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ channels: ['origin'], message: 'call +15559876543 or mail carol@example.org' }),
    });
    expect(res.status).toBeLessThan(300);
    await eventually(() => (t.logs.some((l) => l.includes('c***@example.org')) ? true : undefined), 'the notification line');
    expectClean(t, ['+15559876543', 'carol@example.org', 'alice@example.com', API_KEY]);
    expect(t.logs.some((l) => l.includes('+1555***6543'))).toBe(true);
    expectExecutionLines(t, done.id, 'debug');
    const deliveryLines = parse(t).filter((l) => l.execution === done.id && l.delivery !== undefined);
    expect(deliveryLines.length).toBeGreaterThan(0);
  });
});
