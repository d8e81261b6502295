/**
 * Per-sender rate limit on email commands: over the limit, the sender is told to slow down (once
 * per window) in the thread of the refused mail, and nothing runs. One budget per address, however
 * the From writes it (`mailto:`, case, display name).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, eventually, listExecutions, newMessageId, replyTo, sendMail, startEmailWorld, type EmailWorld } from './email-helpers.ts';

let w: EmailWorld;
beforeAll(async () => {
  w = await startEmailWorld({ perMinute: 2 });
});
afterAll(async () => {
  await w?.stop();
});

describe('email rate limit', () => {
  it('refuses commands over the limit and says so by email', async () => {
    // five mails: whatever minute boundary falls between them, one window holds at least three
    const ids = Array.from({ length: 5 }, newMessageId);
    for (const id of ids) await sendMail(w.port, { from: ALICE, text: 'ping', messageId: id });
    const slowed = await eventually(() => w.smtp.mails.find((m) => m.parsed.text?.includes('Slow down')), 'the slow-down answer');
    const refusedId = slowed.parsed.inReplyTo!;
    expect(ids).toContain(refusedId);
    const executions = (await listExecutions(w.t)).filter((e) => ids.includes(e.origin?.message_id ?? ''));
    expect(executions.length).toBeGreaterThanOrEqual(2);
    expect(executions.length).toBeLessThan(5);
    expect(executions.some((e) => e.origin?.message_id === refusedId)).toBe(false);
    await eventually(() => replyTo(w.smtp, ids[0]!, 'pong'), 'the first answer');
  });

  it('counts mailto:, upper-case and display-name forms of one address against one budget (finding #15)', async () => {
    const forms = [`mailto:${BOB.toLowerCase()}`, `Bob <${BOB.toUpperCase()}>`, BOB.toLowerCase(), `<mailto:${BOB.toUpperCase()}>`];
    const ids = Array.from({ length: 8 }, newMessageId);
    const minutes = new Set<number>();
    for (const [i, id] of ids.entries()) {
      minutes.add(Math.floor(Date.now() / 60_000));
      await sendMail(w.port, { from: BOB, rawFrom: forms[i % forms.length]!, text: 'ping', messageId: id });
      minutes.add(Math.floor(Date.now() / 60_000));
    }
    const ran = (await listExecutions(w.t)).filter((e) => ids.includes(e.origin?.message_id ?? ''));
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((e) => e.user === 'bob' && e.origin?.sender === BOB.toLowerCase())).toBe(true);
    // one budget of 2 per minute window, whatever form the From took
    expect(ran.length).toBeLessThanOrEqual(2 * minutes.size);
  });
});
