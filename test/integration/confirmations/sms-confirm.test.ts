/**
 * Confirmation by reply over SMS (docs/contracts.md section 6): an alias with `confirm` is recorded
 * `pending` and texted a code; only the same number's `YES <code>` queues it; `NO`, three wrong
 * codes and the time passing cancel it, each with a reply saying so.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, BOB, eventually, getExecution, listExecutions, startSmsWorld, text, type SmsWorld } from '../ingress/twilio-sms-helpers.ts';

const files = {
  'aliases/ops/deploy.yaml': `
name: deploy
pack: ops
action_ref: ops.restart
formats: ["deploy {{service}}"]
confirm: true
result: { format: "{{ execution.result.stdout }}" }
`,
  'aliases/ops/hurry.yaml': `
name: hurry
pack: ops
action_ref: ops.restart
formats: ["hurry {{service}}"]
confirm: { sources: [sms], ttl: 1 }
`,
  'aliases/ops/apionly.yaml': `
name: apionly
pack: ops
action_ref: ops.restart
formats: ["gently {{service}}"]
confirm: { sources: [api] }
`,
};

let w: SmsWorld;
beforeEach(async () => {
  w = await startSmsWorld({ files: { ...files, 'switchboard.yaml': smsMain() } });
});
afterEach(async () => {
  await w.stop();
});

/** The helpers' switchboard.yaml, with bob allowed to run ops aliases too (so his YES is a real attempt). */
function smsMain() {
  return `
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
`;
}

const prompt = (message: string) => {
  const m = /^Reply YES (\d{6}) within (.+?) to run: (.*)$/.exec(message);
  if (!m) throw new Error(`not a prompt: ${message}`);
  return { code: m[1]!, within: m[2]!, command: m[3]! };
};
const only = async () => {
  const items = await listExecutions(w.t);
  expect(items).toHaveLength(1);
  return items[0]!;
};
const settled = (id: string, status: string) =>
  eventually(async () => {
    const e = await getExecution(w.t, id);
    return e.status === status ? e : undefined;
  }, `execution ${id} to be ${status}`);

describe('confirmation by reply over SMS', () => {
  it('records a confirm alias as pending, texts a code, and runs it only on YES <code> from the same number', async () => {
    const p = prompt((await text(w.t, ALICE, 'deploy web')).message);
    expect(p).toMatchObject({ within: '5 minutes', command: 'deploy web' });
    const pending = await only();
    expect(pending).toMatchObject({ status: 'pending', alias: 'ops.deploy', user: 'alice' });

    // another number with the right code: nothing happens to alice's command, and bob is not told it exists
    const bob = await text(w.t, BOB, `YES ${p.code}`);
    expect(bob.message).not.toContain('onfirm');
    expect(bob.message).not.toContain(pending.id);
    expect((await getExecution(w.t, pending.id)).status).toBe('pending');

    const yes = await text(w.t, ALICE, `yes ${p.code}`);
    expect(yes.message).toBe(`Queued ${pending.id}: ops.deploy`);
    await settled(pending.id, 'succeeded');
    await eventually(() => w.twilio.messages.find((m) => m.to === ALICE && m.body === 'restarted web'), 'the result SMS');

    // single use: the same code again confirms nothing and runs nothing twice
    const again = await text(w.t, ALICE, p.code);
    expect(again.message).not.toContain('Queued');
    expect((await listExecutions(w.t)).length).toBe(1);
  });

  it('accepts the bare code, and NO cancels with a reply saying so', async () => {
    const first = prompt((await text(w.t, ALICE, 'deploy api')).message);
    const queued = await text(w.t, ALICE, first.code);
    expect(queued.message).toMatch(/^Queued \S+: ops\.deploy$/);

    await text(w.t, ALICE, 'deploy web');
    const pending = (await listExecutions(w.t)).find((e) => e.status === 'pending')!;
    const no = await text(w.t, ALICE, 'NO');
    expect(no.message).toBe(`Canceled ${pending.id}: you said no. Nothing was run.`);
    const canceled = await getExecution(w.t, pending.id);
    expect(canceled).toMatchObject({ status: 'canceled', error: 'refused by the sender' });
  });

  it('cancels after three wrong codes, telling the sender how many tries are left', async () => {
    const p = prompt((await text(w.t, ALICE, 'deploy web')).message);
    const wrong = p.code === '000000' ? '111111' : '000000';
    expect((await text(w.t, ALICE, `YES ${wrong}`)).message).toBe('Wrong code; 2 tries left. Nothing was run.');
    expect((await text(w.t, ALICE, `YES ${wrong}`)).message).toBe('Wrong code; 1 try left. Nothing was run.');
    const third = await text(w.t, ALICE, `YES ${wrong}`);
    const e = await only();
    expect(third.message).toBe(`Canceled ${e.id}: 3 wrong codes. Nothing was run.`);
    expect(e).toMatchObject({ status: 'canceled' });
    // the right code is now useless
    expect((await text(w.t, ALICE, `YES ${p.code}`)).message).not.toContain('Queued');
    expect((await getExecution(w.t, e.id)).status).toBe('canceled');
  });

  it('refuses every code, even the right one, after 10 wrong codes from one number in the hour', async () => {
    const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');
    let sent = 0;
    while (sent < 10) {
      const p = prompt((await text(w.t, ALICE, 'deploy web')).message);
      for (let i = 0; i < 3 && sent < 10; i++, sent++) await text(w.t, ALICE, `YES ${wrongFor(p.code)}`);
    }
    const last = prompt((await text(w.t, ALICE, 'deploy api')).message);
    expect((await text(w.t, ALICE, `YES ${last.code}`)).message).toBe('Too many wrong codes; try again later. Nothing was run.');
    const items = await listExecutions(w.t);
    expect(items.filter((e) => e.status === 'queued' || e.status === 'running' || e.status === 'succeeded')).toEqual([]);
    // bob's own confirmations are not affected by alice's lock
    const bobs = prompt((await text(w.t, BOB, 'deploy web')).message);
    expect((await text(w.t, BOB, `YES ${bobs.code}`)).message).toMatch(/^Queued \S+: ops\.deploy$/);
  });

  it('cancels when the time is up and texts the owner that nothing was run', async () => {
    const p = prompt((await text(w.t, ALICE, 'hurry web')).message);
    expect(p.within).toBe('1 second');
    const e = await only();
    await settled(e.id, 'canceled');
    const sms = await eventually(() => w.twilio.messages.find((m) => m.to === ALICE && m.body.includes('not confirmed in time')), 'the expiry SMS');
    expect(sms.body).toBe(`Canceled ${e.id}: not confirmed in time. Nothing was run.`);
    expect((await text(w.t, ALICE, `YES ${p.code}`)).message).not.toContain('Queued');
  });

  it('runs at once when the alias asks only other sources to confirm', async () => {
    const answer = await text(w.t, ALICE, 'gently web');
    expect(answer.message).toMatch(/^Queued \S+: ops\.apionly$/);
  });
});
