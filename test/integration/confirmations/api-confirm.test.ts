/**
 * `POST /api/v1/executions/:id/confirm {code}`: only the person who sent the command confirms it
 * (anyone else: 404), a wrong code is a 422, and two confirms at once queue it exactly once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, BOB, eventually, getExecution, startSmsWorld, text, type SmsWorld } from '../ingress/twilio-sms-helpers.ts';

const ALICE_KEY = 'sms-test-api-key-000000000001';
const BOB_KEY = 'sms-test-api-key-bob-0000000002';

const files = {
  'switchboard.yaml': `
server: { port: 0, public_url: "https://sb.example.com" }
redis: { prefix: "\${SB_TEST_PREFIX}", start_local: false }
users:
  alice: { roles: [ops], phone: "${ALICE}" }
  bob:   { roles: [ops], phone: "${BOB}" }
api_keys:
  - { name: test, key: "${ALICE_KEY}", user: alice }
  - { name: bob, key: "${BOB_KEY}", user: bob }
limits: { per_sender_per_minute: 60 }
executions: { stalled_interval: 5, shutdown_grace: 2 }
logging: { level: info }
`,
  'aliases/ops/deploy.yaml': `
name: deploy
pack: ops
action_ref: ops.restart
formats: ["deploy {{service}}"]
confirm: { ttl: 600 }
result: { format: "{{ execution.result.stdout }}" }
`,
};

let w: SmsWorld;
beforeEach(async () => {
  w = await startSmsWorld({ files });
});
afterEach(async () => {
  await w.stop();
});

const confirm = (id: string, key: string, body: unknown) =>
  w.t.request(`/api/v1/executions/${id}/confirm`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** alice texts `deploy web`: the pending execution's id and the code from the prompt */
async function pendingFromSms() {
  const answer = await text(w.t, ALICE, 'deploy web');
  const code = /YES (\d{6})/.exec(answer.message)![1]!;
  const res = await w.t.request('/api/v1/executions?status=pending', { headers: { authorization: `Bearer ${ALICE_KEY}` } });
  const items = ((await res.json()) as { items: { id: string }[] }).items;
  expect(items).toHaveLength(1);
  return { id: items[0]!.id, code };
}

describe('POST /api/v1/executions/:id/confirm', () => {
  it('confirms as the owner; another user gets 404 even with the right code; a wrong code is 422', async () => {
    const { id, code } = await pendingFromSms();
    const other = await confirm(id, BOB_KEY, { code });
    expect(other.status).toBe(404);
    expect(JSON.stringify(await other.json())).not.toContain(code);

    const wrong = await confirm(id, ALICE_KEY, { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(422);
    expect(await wrong.json()).toMatchObject({ error: { code: 'wrong_code' }, tries_left: 2 });

    const bad = await confirm(id, ALICE_KEY, { code: 'abc' });
    expect(bad.status).toBe(422);

    const ok = await confirm(id, ALICE_KEY, { code });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { execution: { status: string } }).execution.status).toBe('queued');
    await eventually(async () => ((await getExecution(w.t, id)).status === 'succeeded' ? true : undefined), 'the run');
    expect((await confirm(id, ALICE_KEY, { code })).status).toBe(409);
  });

  it('queues exactly one run when two confirms arrive at once', async () => {
    const { id, code } = await pendingFromSms();
    const answers = await Promise.all(Array.from({ length: 6 }, () => confirm(id, ALICE_KEY, { code })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    await eventually(async () => {
      const e = await getExecution(w.t, id);
      return e.status === 'succeeded' ? e : undefined;
    }, 'the run');
    // one run, one result SMS
    await eventually(() => w.twilio.messages.find((m) => m.body === 'restarted web'), 'the result SMS');
    expect(w.twilio.messages.filter((m) => m.body === 'restarted web')).toHaveLength(1);
  });

  it('cancels a pending execution through /cancel; its code then queues nothing', async () => {
    const { id, code } = await pendingFromSms();
    const cancel = await w.t.request(`/api/v1/executions/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${ALICE_KEY}` } });
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as { execution: { status: string } }).execution.status).toBe('canceled');
    expect((await confirm(id, ALICE_KEY, { code })).status).toBe(409);
    const yes = await text(w.t, ALICE, `YES ${code}`);
    expect(yes.message).not.toContain('Queued');
    expect((await getExecution(w.t, id)).status).toBe('canceled');
  });

  it('answers an API command that must be confirmed with 202, the pending execution and its code', async () => {
    const res = await w.t.request('/api/v1/commands', {
      method: 'POST',
      headers: { authorization: `Bearer ${ALICE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'deploy api' }),
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { execution: { id: string; status: string }; confirmation: { code: string; expires_at: string } };
    expect(body.execution.status).toBe('pending');
    expect(body.confirmation.code).toMatch(/^\d{6}$/);
    const ok = await confirm(body.execution.id, ALICE_KEY, { code: body.confirmation.code });
    expect(ok.status).toBe(200);
  });
});
