/**
 * Proof of sender on the SMTP listener (default `listen.verify: [dmarc]`), with real DKIM-signed
 * mail checked by mailauth against a fake DNS server (real DNS over UDP on loopback). A mail
 * signed by its From domain is `verified` and runs; no signature, a failed one, several From
 * addresses or an address in the display name are `unverified`: the command waits as `pending` and
 * its code goes to the user's own address. MAIL FROM says nothing about which addresses exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, API_KEY, eventually, listExecutions, newMessageId, replyTo, sendMail, startEmailWorld, type EmailWorld } from './email-helpers.ts';

let w: EmailWorld;
let refusing: EmailWorld;
beforeAll(async () => {
  [w, refusing] = await Promise.all([startEmailWorld(), startEmailWorld({ unverified: 'refuse' })]);
  // the attacker's own domain, its key published (the test key pair) and a DMARC record: mail it signs passes DMARC for evil.test
  for (const world of [w, refusing]) {
    world.dns.txt.set('sel._domainkey.evil.test', [world.dns.txt.get('sel._domainkey.example.test')![0]!]);
    world.dns.txt.set('_dmarc.evil.test', ['v=DMARC1; p=reject']);
  }
});
afterAll(async () => {
  await Promise.all([w?.stop(), refusing?.stop()]);
});

const executionsFor = async (world: EmailWorld, messageId: string) => (await listExecutions(world.t)).filter((e) => e.origin?.message_id === messageId);
/** The code mail sent to alice's own address for the command of `messageId`. */
const codeMail = (world: EmailWorld, messageId: string) => replyTo(world.smtp, messageId, 'Reply YES');

describe('email proof of sender (SMTP listener, default verify: [dmarc])', () => {
  it('runs a mail DKIM-signed by the From domain as verified', async () => {
    const id = newMessageId();
    const info = await sendMail(w.port, { from: ALICE, text: 'ping', messageId: id });
    expect(info.response).toMatch(/^250 2\.0\.0 Accepted: queued/);
    await eventually(() => replyTo(w.smtp, id, 'pong'), 'pong');
    const [exec] = await executionsFor(w, id);
    expect(exec?.origin).toMatchObject({ sender: ALICE, proof: 'verified' });
    expect(w.dns.queries).toContain('TXT sel._domainkey.example.test');
    expect(w.dns.queries).toContain('TXT _dmarc.example.test');
  });

  it.each([
    ['no signature', { from: ALICE, dkim: false }],
    ['a signature by another domain', { from: ALICE, dkim: 'evil.test' }],
    ['several From addresses', { from: ALICE, rawFrom: `${ALICE}, eve@evil.test` }],
    ['an address in the display name', { from: ALICE, rawFrom: `"bob@example.test" <${ALICE}>` }],
  ] as const)('holds %s as unverified: pending, and the code goes to alice', async (_what, mail) => {
    const id = newMessageId();
    const info = await sendMail(w.port, { ...mail, text: 'restart web', messageId: id });
    expect(info.response).toMatch(/^250 2\.0\.0 Accepted$/);
    const [exec] = await executionsFor(w, id);
    expect(exec).toMatchObject({ status: 'pending', user: 'alice', origin: { sender: ALICE, proof: 'unverified' } });
    const prompt = await eventually(() => codeMail(w, id), 'the code mail');
    expect(prompt.envelope.to).toEqual([ALICE]);
    expect(replyTo(w.smtp, id, 'restarted web')).toBeUndefined();
  });

  it("runs a held command once alice's own (verified) mail replies YES with the code", async () => {
    const id = newMessageId();
    await sendMail(w.port, { from: ALICE, dkim: false, text: 'restart api', messageId: id });
    const prompt = await eventually(() => codeMail(w, id), 'the code mail');
    const code = /YES (\d+)/.exec(prompt.parsed.text ?? '')?.[1];
    expect(code).toBeDefined();
    const reply = newMessageId();
    expect((await sendMail(w.port, { from: ALICE, text: `YES ${code}`, messageId: reply })).response).toMatch(/Accepted: queued/);
    await eventually(async () => ((await executionsFor(w, id))[0]?.status === 'succeeded' ? true : undefined), 'the held command to run');
  });

  it('holds a mail whose signature does not verify as unverified', async () => {
    const id = newMessageId();
    const published = w.dns.txt.get('sel._domainkey.example.test')!;
    w.dns.txt.set('sel._domainkey.example.test', ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrongkey']);
    try {
      expect((await sendMail(w.port, { from: ALICE, text: 'restart web', messageId: id })).response).toMatch(/^250 2\.0\.0 Accepted$/);
    } finally {
      w.dns.txt.set('sel._domainkey.example.test', published);
    }
    expect(await executionsFor(w, id)).toMatchObject([{ status: 'pending', origin: { proof: 'unverified' } }]);
  });

  it('never names alice for "alice@… (x) attacker@evil.test" signed by evil.test (finding #4)', async () => {
    const id = newMessageId();
    const info = await sendMail(w.port, {
      from: ALICE,
      rawFrom: `${ALICE} (x) attacker@evil.test`,
      dkim: 'evil.test',
      envelopeFrom: 'attacker@evil.test',
      text: 'restart web',
      messageId: id,
    });
    expect(info.response).toMatch(/^250 2\.0\.0 Accepted$/);
    expect(await executionsFor(w, id)).toHaveLength(0);
    expect(w.smtp.mails.filter((m) => m.parsed.inReplyTo === id)).toHaveLength(0);
  });

  it('answers MAIL FROM and an unverified mail the same for configured and unknown addresses', async () => {
    const known = await sendMail(w.port, { from: ALICE, dkim: false, text: 'ping', messageId: newMessageId() });
    const unknownId = newMessageId();
    const unknown = await sendMail(w.port, { from: 'nobody@nowhere.test', dkim: false, text: 'ping', messageId: unknownId });
    expect(unknown.response.replace(/ \S+$/, '')).toBe(known.response.replace(/ \S+$/, ''));
    expect(await executionsFor(w, unknownId)).toHaveLength(0);
  });

  it('refuses a verified address that is nobody (550 after DATA)', async () => {
    const id = newMessageId();
    await expect(sendMail(w.port, { from: 'eve@example.test', text: 'ping', messageId: id })).rejects.toMatchObject({ code: 'EMESSAGE', responseCode: 550 });
    expect(await executionsFor(w, id)).toHaveLength(0);
  });
});

describe('the dashboard', () => {
  it("shows each execution's proof of sender on its page", async () => {
    const verified = newMessageId();
    const unverified = newMessageId();
    await sendMail(w.port, { from: ALICE, text: 'ping', messageId: verified });
    await sendMail(w.port, { from: ALICE, dkim: false, text: 'ping', messageId: unverified });
    const login = await w.t.request('/login', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: w.t.url },
      body: new URLSearchParams({ api_key: API_KEY }).toString(),
    });
    const cookie = /^(sb_session=[^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
    expect(cookie).not.toBe('');
    const page = async (messageId: string) => {
      const [exec] = await executionsFor(w, messageId);
      return (await w.t.request(`/executions/${exec!.id}`, { headers: { cookie } })).text();
    };
    expect(await page(verified)).toContain('data-proof="verified"');
    expect(await page(unverified)).toContain('data-proof="unverified"');
  });
});

describe('listen.unverified: refuse', () => {
  it('refuses an unverified mail with 550 and runs nothing, known or not', async () => {
    const id = newMessageId();
    const err = await sendMail(refusing.port, { from: ALICE, dkim: false, text: 'restart web', messageId: id }).catch(
      (e: { responseCode: number; response: string }) => e,
    );
    expect(err).toMatchObject({ responseCode: 550 });
    const other = await sendMail(refusing.port, { from: 'nobody@nowhere.test', dkim: false, text: 'ping', messageId: newMessageId() }).catch(
      (e: { responseCode: number; response: string }) => e,
    );
    expect(other).toMatchObject({ responseCode: 550, response: (err as { response: string }).response });
    expect(await executionsFor(refusing, id)).toHaveLength(0);
    expect(refusing.smtp.mails.filter((m) => m.parsed.inReplyTo === id)).toHaveLength(0);
  });

  it('still runs a verified mail', async () => {
    const id = newMessageId();
    expect((await sendMail(refusing.port, { from: ALICE, text: 'ping', messageId: id })).response).toMatch(/Accepted: queued/);
    await eventually(() => replyTo(refusing.smtp, id, 'pong'), 'pong');
  });
});
