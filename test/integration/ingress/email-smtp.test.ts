/**
 * The SMTP listener end to end: nodemailer → listener (real SMTP over loopback) → pipeline →
 * worker → `origin` delivery → email sink → the capturing SMTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, eventually, listExecutions, newMessageId, OPS_ADDRESS, replyTo, sendMail, startEmailWorld, type EmailWorld } from './email-helpers.ts';

let w: EmailWorld;
beforeAll(async () => {
  w = await startEmailWorld({ maxSize: 16_384 });
});
afterAll(async () => {
  await w?.stop();
});

const executionsFor = async (messageId: string) => (await listExecutions(w.t)).filter((e) => e.origin?.message_id === messageId);

describe('email SMTP listener', () => {
  it('logs the port it bound', () => {
    expect(w.port).toBeGreaterThan(0);
  });

  it('runs a command and answers in its thread', async () => {
    const id = newMessageId();
    const info = await sendMail(w.port, {
      from: `Alice <${ALICE}>`,
      subject: 'web is down',
      text: 'restart web\n\n-- \nAlice',
      messageId: id,
      references: ['<older@example.test>'],
    });
    expect(info.response).toMatch(/^250 /);
    const answer = await eventually(() => replyTo(w.smtp, id, 'restarted web'), 'the result by email');
    expect(answer.parsed.subject).toBe('Re: web is down');
    const ack = await eventually(() => replyTo(w.smtp, id, 'execution ID'), 'the ack by email');
    expect(ack.parsed.subject).toBe('Re: web is down');
    expect(answer.envelope.to).toEqual([ALICE]);
    expect(answer.parsed.from?.value[0]?.address).toBe(OPS_ADDRESS);
    expect(answer.parsed.references).toEqual(['<older@example.test>', id]);
    const [exec] = await executionsFor(id);
    expect(exec).toMatchObject({ alias: 'ops.restart', user: 'alice', status: 'succeeded', origin: { source: 'email', sender: ALICE } });
    expect(exec?.origin?.reply).toMatchObject({ to: ALICE, message_id: id, channel: 'email', subject: 'web is down' });
  });

  it('reads the command above a quoted reply', async () => {
    const id = newMessageId();
    await sendMail(w.port, { from: ALICE, subject: 'Re: earlier', text: 'ping\n\nOn Tue, 2 Apr 2024, Bob <b@x.test> wrote:\n> restart web\n', messageId: id });
    await eventually(() => replyTo(w.smtp, id, 'pong'), 'pong');
    expect((await executionsFor(id))[0]?.alias).toBe('core.ping');
  });

  it('takes the subject when the body is empty', async () => {
    const id = newMessageId();
    await sendMail(w.port, { from: ALICE, subject: 'Re: ping', text: '', messageId: id });
    await eventually(() => replyTo(w.smtp, id, 'pong'), 'pong');
    expect((await executionsFor(id))[0]?.alias).toBe('core.ping');
  });

  it('reads an HTML-only mail', async () => {
    const id = newMessageId();
    await sendMail(w.port, { from: ALICE, subject: 'x', html: '<div>ping</div><blockquote>restart web</blockquote>', messageId: id });
    await eventually(() => replyTo(w.smtp, id, 'pong'), 'pong');
    expect((await executionsFor(id))[0]?.alias).toBe('core.ping');
  });

  it('runs the same Message-ID once', async () => {
    const id = newMessageId();
    await sendMail(w.port, { from: ALICE, text: 'ping', messageId: id });
    await sendMail(w.port, { from: ALICE, text: 'ping', messageId: id });
    await eventually(() => replyTo(w.smtp, id, 'pong'), 'pong');
    expect(await executionsFor(id)).toHaveLength(1);
    expect(w.smtp.mails.filter((m) => m.parsed.inReplyTo === id && m.parsed.text?.includes('pong'))).toHaveLength(1);
  });

  it('answers "not allowed" by email to a sender without the role, and runs nothing', async () => {
    const id = newMessageId();
    await sendMail(w.port, { from: BOB, subject: 'please', text: 'restart web', messageId: id });
    const answer = await eventually(() => replyTo(w.smtp, id), 'the refusal');
    expect(answer.parsed.text).toContain('not allowed to run ops.restart');
    expect(answer.parsed.subject).toBe('Re: please');
    expect(answer.envelope.to).toEqual([BOB]);
    expect(await executionsFor(id)).toHaveLength(0);
  });

  it('answers "did you mean" when nothing matches', async () => {
    const id = newMessageId();
    // (`restart` alone would be asked for its service: docs/contracts.md section 7, "Conversations")
    await sendMail(w.port, { from: ALICE, subject: 'oops', text: 'restrat', messageId: id });
    const answer = await eventually(() => replyTo(w.smtp, id), 'the suggestions');
    expect(answer.parsed.text).toMatch(/No command matches "restrat"\. Did you mean:[\s\S]*restart \{\{service\}\}/);
  });

  it('answers a bad parameter value', async () => {
    const id = newMessageId();
    await sendMail(w.port, { from: ALICE, text: 'restart db', messageId: id });
    const answer = await eventually(() => replyTo(w.smtp, id), 'the error');
    expect(answer.parsed.text).toMatch(/service/);
    expect(await executionsFor(id)).toHaveLength(0);
  });

  it('refuses an unknown (verified) sender after DATA, not at MAIL FROM', async () => {
    const id = newMessageId();
    // MAIL FROM is accepted for every address (it must not tell which ones are configured)
    await expect(sendMail(w.port, { from: 'eve@example.test', text: 'ping', messageId: id })).rejects.toMatchObject({ code: 'EMESSAGE', responseCode: 550 });
    expect(await executionsFor(id)).toHaveLength(0);
  });

  it('refuses a known MAIL FROM with an unknown header From', async () => {
    const id = newMessageId();
    await expect(sendMail(w.port, { from: 'eve@example.test', envelopeFrom: ALICE, text: 'ping', messageId: id })).rejects.toMatchObject({ responseCode: 550 });
    expect(await executionsFor(id)).toHaveLength(0);
  });

  it('never runs an unsigned header From forged as a user (held unverified)', async () => {
    const id = newMessageId();
    const info = await sendMail(w.port, { from: ALICE, envelopeFrom: 'eve@example.test', dkim: false, text: 'ping', messageId: id });
    expect(info.response).toMatch(/^250 2\.0\.0 Accepted$/);
    expect(await executionsFor(id)).toMatchObject([{ status: 'pending', origin: { proof: 'unverified' } }]);
  });

  it('refuses mail to another address at RCPT', async () => {
    const id = newMessageId();
    await expect(sendMail(w.port, { from: ALICE, to: 'other@sb.test', text: 'ping', messageId: id })).rejects.toMatchObject({
      code: 'EENVELOPE',
      responseCode: 550,
    });
    expect(await executionsFor(id)).toHaveLength(0);
  });

  it('refuses an oversize mail', async () => {
    const id = newMessageId();
    await expect(sendMail(w.port, { from: ALICE, text: `ping\n\n${'x'.repeat(40_000)}`, messageId: id })).rejects.toMatchObject({ responseCode: 552 });
    expect(await executionsFor(id)).toHaveLength(0);
  });
});
