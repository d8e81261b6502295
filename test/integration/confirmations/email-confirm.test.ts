/**
 * Confirmation by reply over email: an unverified mail (no DKIM, so DMARC fails for the From
 * domain) is recorded `pending`; the code is mailed to the user's configured address (caught by
 * the SMTP capture), never elsewhere; `YES <code>` from that address queues it, another user's
 * does nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, BOB, eventually, listExecutions, newMessageId, sendMail, startEmailWorld, type EmailWorld } from '../ingress/email-helpers.ts';

let w: EmailWorld;
beforeEach(async () => {
  w = await startEmailWorld();
});
afterEach(async () => {
  await w.stop();
});

const codeMailTo = (address: string) =>
  eventually(() => w.smtp.mails.find((m) => m.envelope.to.includes(address) && /Reply YES \d{6}/.test(m.parsed.text ?? '')), `the code mail to ${address}`);

describe('confirmation by reply over email', () => {
  it('asks an unverified sender for a code mailed to the real address, and runs on YES <code> from it', async () => {
    const messageId = newMessageId();
    await sendMail(w.port, { from: `Alice <${ALICE}>`, text: 'restart web', messageId, dkim: false });
    const pending = await eventually(async () => (await listExecutions(w.t)).find((e) => e.status === 'pending'), 'the pending execution');
    expect(pending).toMatchObject({ alias: 'ops.restart', user: 'alice', origin: { proof: 'unverified' } });

    const mail = await codeMailTo(ALICE);
    const text = mail.parsed.text ?? '';
    expect(text).toMatch(/^Reply YES \d{6} within 5 minutes to run: restart web/);
    const code = /YES (\d{6})/.exec(text)![1]!;
    // only alice's address got the code
    expect(w.smtp.mails.filter((m) => (m.parsed.text ?? '').includes(code)).flatMap((m) => m.envelope.to)).toEqual([ALICE]);

    // bob (another configured user) sending alice's code: nothing happens to alice's command
    await sendMail(w.port, { from: BOB, text: `YES ${code}`, messageId: newMessageId(), dkim: false });
    const toBob = await eventually(() => w.smtp.mails.find((m) => m.envelope.to.includes(BOB)), 'the answer to bob');
    expect(toBob.parsed.text).not.toContain(pending.id);
    expect((await listExecutions(w.t)).find((e) => e.id === pending.id)?.status).toBe('pending');
    // the code comes back from alice's address (itself unverified: the code is the proof)
    await sendMail(w.port, {
      from: `Alice <${ALICE}>`,
      subject: `Re: command`,
      text: `YES ${code}\n\n> Reply YES ${code}`,
      messageId: newMessageId(),
      dkim: false,
    });
    const done = await eventually(async () => (await listExecutions(w.t)).find((e) => e.id === pending.id && e.status === 'succeeded'), 'the run');
    expect(done.user).toBe('alice');
    expect((await listExecutions(w.t)).filter((e) => e.alias === 'ops.restart')).toHaveLength(1);
  });

  it('runs a DKIM-aligned mail at once, with no code asked', async () => {
    await sendMail(w.port, { from: `Alice <${ALICE}>`, text: 'restart api', messageId: newMessageId() });
    const e = await eventually(async () => (await listExecutions(w.t)).find((x) => x.alias === 'ops.restart' && x.status === 'succeeded'), 'the run');
    expect(e.origin?.proof).toBe('verified');
    expect(w.smtp.mails.some((m) => /Reply YES/.test(m.parsed.text ?? ''))).toBe(false);
  });
});
