import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countSegments } from '../../../src/providers/sms/segments.ts';
import {
  ALICE,
  AUTH_TOKEN,
  BOB,
  eventually,
  getExecution,
  inboundForm,
  listExecutions,
  newSid,
  OUR_NUMBER,
  postSms,
  queuedId,
  startSmsWorld,
  text,
  type SmsWorld,
} from './twilio-sms-helpers.ts';

let w: SmsWorld;
beforeEach(async () => {
  w = await startSmsWorld();
});
afterEach(async () => {
  await w.stop();
});

/** the execution has ended and its (origin) delivery is sent, skipped or failed */
const terminal = (id: string) =>
  eventually(async () => {
    const e = await getExecution(w.t, id);
    const settled = e.deliveries.length > 0 && e.deliveries.every((d) => d.status !== 'pending');
    return ['succeeded', 'failed', 'timeout', 'canceled'].includes(e.status) && settled ? e : undefined;
  }, `execution ${id} and its deliveries to finish`);

describe('POST /ingress/twilio/sms', () => {
  it('runs a signed command as the sender, acks in TwiML, and texts the result back through Twilio', async () => {
    const sid = newSid();
    const answer = await postSms(w.t, inboundForm(ALICE, 'Restart web', sid));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/xml/);
    expect(answer.body.startsWith('<?xml version="1.0" encoding="UTF-8"?><Response><Message>')).toBe(true);
    const id = queuedId(answer.message);
    expect(answer.message).toBe(`Queued ${id}: ops.restart`);

    const done = await terminal(id!);
    expect(done).toMatchObject({ status: 'succeeded', alias: 'ops.restart', user: 'alice' });
    expect(done.origin).toEqual({ source: 'sms', sender: ALICE, reply: { to: ALICE, from: OUR_NUMBER, channel: 'sms' }, message_id: sid, proof: 'verified' });
    const sent = await eventually(() => w.twilio.messages.find((m) => m.to === ALICE), 'the result SMS');
    expect(sent).toMatchObject({ to: ALICE, from: OUR_NUMBER, body: 'restarted web' });
    expect(done.deliveries).toEqual([expect.objectContaining({ channel: 'sms', target: ALICE, status: 'sent' })]);
  });

  it("answers with the alias's own ack format, or nothing when its ack is off, and sends no second ack SMS", async () => {
    const bounce = await text(w.t, ALICE, 'bounce api');
    expect(bounce.message).toBe('Bouncing api & co');
    expect(bounce.body).toContain('Bouncing api &amp; co');
    const quiet = await text(w.t, ALICE, 'quietly restart web');
    expect(quiet.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const items = await listExecutions(w.t);
    expect(items.map((e) => e.alias).sort()).toEqual(['ops.bounce', 'ops.quiet']);
    for (const e of items) await terminal(e.id);
    await eventually(() => (w.twilio.messages.length >= 2 ? true : undefined), 'the result SMS');
    expect(w.twilio.messages.map((m) => m.body).sort()).toEqual(['restarted api', 'restarted web']);
  });

  it.each(['missing', 'forged', 'wrong-url', 'wrong-token'] as const)('refuses a %s signature with 403 and runs nothing', async (signing) => {
    const answer = await postSms(w.t, inboundForm(ALICE, 'restart web'), signing);
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain('Queued');
    expect(await listExecutions(w.t)).toEqual([]);
    expect(w.t.logs.join('\n')).not.toContain(AUTH_TOKEN);
  });

  it('verifies a message to another number with the only sms channel', async () => {
    // one sms channel: a message to another number is still verified with its token
    const form = { ...inboundForm(ALICE, 'ping'), To: '+15559999999' };
    expect((await postSms(w.t, { ...form, Body: 'restart web' }, 'forged')).status).toBe(403);
    expect((await postSms(w.t, form)).status).toBe(200);
  });

  it('runs a webhook re-sent with the same MessageSid once and answers it the same each time', async () => {
    const form = inboundForm(ALICE, 'ping');
    const answers = [await postSms(w.t, form), await postSms(w.t, form), await postSms(w.t, form)];
    const id = queuedId(answers[0]!.message);
    expect(id).toBeDefined();
    expect(answers.map((a) => a.body)).toEqual([answers[0]!.body, answers[0]!.body, answers[0]!.body]);
    expect((await listExecutions(w.t)).map((e) => e.id)).toEqual([id]);
    await terminal(id!);
    expect(w.twilio.messages.filter((m) => m.to === ALICE)).toHaveLength(1);
  });

  it('answers a re-sent queued command from its execution, keeps a copy of other answers, and counts neither again', async () => {
    await w.stop();
    w = await startSmsWorld({ perMinute: 2 });
    const redis = new Redis(w.t.sb.config.main.redis.url);
    const answerKeys = async () => (await redis.keys(`{${w.t.prefix}}:ingress-sms:*`)).length;
    // the default ack is made again from the execution the same MessageSid finds: no copy stored
    const ping = inboundForm(ALICE, 'ping');
    const first = await postSms(w.t, ping);
    expect(await answerKeys()).toBe(0);
    // an ack format is kept as sent (it may render fields that change while the command runs)
    const bounce = inboundForm(ALICE, 'bounce api');
    const bounced = await postSms(w.t, bounce);
    expect(bounced.message).toBe('Bouncing api & co');
    expect(await answerKeys()).toBe(1);
    // re-sent at the limit (2 per minute, both used): same answers, not slowed down, nothing new runs
    for (let i = 0; i < 2; i++) {
      expect((await postSms(w.t, ping)).body).toBe(first.body);
      expect((await postSms(w.t, bounce)).body).toBe(bounced.body);
    }
    expect(await listExecutions(w.t)).toHaveLength(2);
    redis.disconnect();
  });

  it('records STOP (running nothing), skips later deliveries to that number, and START re-enables them', async () => {
    const stop = await text(w.t, ALICE, 'STOP');
    expect([stop.status, stop.message]).toEqual([200, '']);
    expect(stop.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(await listExecutions(w.t)).toEqual([]);

    const first = queuedId((await text(w.t, ALICE, 'ping')).message)!;
    const skipped = await terminal(first);
    expect(skipped.deliveries).toEqual([expect.objectContaining({ channel: 'sms', target: ALICE, status: 'skipped' })]);
    expect(w.twilio.requests).toHaveLength(0);

    const start = await text(w.t, ALICE, 'start');
    expect([start.status, start.message]).toEqual([200, '']);
    const second = queuedId((await text(w.t, ALICE, 'ping')).message)!;
    const sent = await terminal(second);
    expect(sent.deliveries).toEqual([expect.objectContaining({ status: 'sent' })]);
    expect(w.twilio.messages).toEqual([expect.objectContaining({ to: ALICE, body: 'pong' })]);
  });

  it.each(['UNSUBSCRIBE', 'Cancel', 'end', 'QUIT', 'stopall'])('treats %s as an opt-out, not a command', async (word) => {
    expect((await text(w.t, ALICE, word)).message).toBe('');
    expect(await listExecutions(w.t)).toEqual([]);
  });

  it('runs nothing for an unknown sender and answers the configured reply', async () => {
    const answer = await text(w.t, '+15557770000', 'restart web');
    expect([answer.status, answer.message]).toEqual([200, 'This number is not registered.']);
    const help = await text(w.t, '+15557770000', 'help');
    expect(help.message).toBe('This number is not registered.');
    expect(await listExecutions(w.t)).toEqual([]);
  });

  it('refuses a command the sender has no role for, by name, and runs nothing', async () => {
    const answer = await text(w.t, BOB, 'restart web');
    expect(answer.message).toBe('not allowed: ops.restart');
    expect(await listExecutions(w.t)).toEqual([]);
  });

  it('answers no match with "did you mean" in one segment, and a bad value naming the parameter', async () => {
    const none = await text(w.t, ALICE, 'restar web');
    expect(none.message).toMatch(/^No match\. Did you mean: .*restart <service>/);
    expect(none.message.length).toBeLessThanOrEqual(160);
    const bad = await text(w.t, ALICE, 'count to many');
    expect(bad.message).toMatch(/\bn\b/);
    expect(bad.message).toMatch(/integer/);
    const enumBad = await text(w.t, ALICE, 'restart db');
    expect(enumBad.message).toMatch(/service/);
    expect(await listExecutions(w.t)).toEqual([]);
  });

  it('shows each person only the commands they may run, paged for SMS, and never queues help', async () => {
    // alice: every page fits one segment; together they list each of her 14 commands once
    const first = await text(w.t, ALICE, 'help');
    const pages = Number(/\(1\/(\d+)\) more: help 2$/.exec(first.message)?.[1]);
    expect(pages).toBeGreaterThan(1);
    const lines: string[] = [];
    for (let p = 1; p <= pages; p++) {
      const page = p === 1 ? first : await text(w.t, ALICE, `help ${p}`);
      expect(countSegments(page.message).segments).toBe(1);
      lines.push(...page.message.split('\n').slice(0, -1));
    }
    expect(lines).toHaveLength(14);
    expect(lines).toEqual(expect.arrayContaining(['restart <service>', 'count to <n>', 'ping', 'status <id>', 'run maintenance task 7 on <host>']));
    // bob (viewer): only the open aliases, one page
    const bob = await text(w.t, BOB, 'HELP');
    expect(bob.message.split('\n').sort()).toEqual(['ping', 'status <id>']);
    expect((await text(w.t, BOB, 'info')).message).toBe(bob.message);
    expect((await text(w.t, BOB, 'help restart')).message).toBe('No commands match "restart".');
    expect((await text(w.t, ALICE, 'help bounce')).message).toBe('bounce <service>');
    expect(await listExecutions(w.t)).toEqual([]);
  });

  it('escapes what a sender wrote when echoing it in TwiML', async () => {
    const answer = await text(w.t, ALICE, 'restart <web> & "api"');
    expect(answer.status).toBe(200);
    expect(answer.body).not.toMatch(/<web>/);
    expect(answer.message).toContain('service');
  });

  it('answers 400 to a signed form without MessageSid', async () => {
    const form = inboundForm(ALICE, 'ping');
    delete (form as Record<string, string | undefined>).MessageSid;
    expect((await postSms(w.t, form)).status).toBe(400);
    expect(await listExecutions(w.t)).toEqual([]);
  });
});

describe('POST /ingress/twilio/sms rate limit', () => {
  it('answers "slow down" past the per-sender limit and runs nothing more', async () => {
    await w.stop();
    w = await startSmsWorld({ perMinute: 3 });
    // 7 messages over at most two one-minute windows: one window sees at least 4
    const answers: string[] = [];
    for (let i = 0; i < 7; i++) answers.push((await text(w.t, ALICE, 'ping')).message);
    const slowed = answers.filter((m) => /^Slow down/.test(m));
    expect(slowed.length).toBeGreaterThanOrEqual(1);
    expect(slowed[0]).toMatch(/try again in \d+s/i);
    const queued = answers.filter((m) => queuedId(m) !== undefined);
    expect(queued.length + slowed.length).toBe(7);
    expect(await listExecutions(w.t)).toHaveLength(queued.length);
    // another sender is not affected
    expect((await text(w.t, BOB, 'ping')).message).toMatch(/^Queued /);
  });
});
