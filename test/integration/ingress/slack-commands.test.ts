import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SlackFake } from '../../../src/providers/slack/fake.ts';
import type { TestSwitchboard } from '../harness.ts';
import { API_KEY, BOT_TOKEN, listExecutions, postSigned, shown, SIGNING_SECRET, slashForm, startSignedSlackWorld, waitFor } from './slack-helpers.ts';

describe('POST /ingress/slack/commands', () => {
  let slack: SlackFake;
  let t: TestSwitchboard;
  let trigger = 0;
  const form = (fields: Record<string, string>) => slashForm({ trigger_id: `13345224609.738474920.${++trigger}`, ...fields });

  beforeAll(async () => {
    ({ slack, t } = await startSignedSlackWorld());
  });
  afterAll(async () => {
    await t?.stop();
    await slack?.close();
  });
  beforeEach(() => {
    slack.messages.length = 0;
  });

  it('answers a signed slash command with an ephemeral Queued, then posts the result to the channel', async () => {
    const res = await postSigned(t, '/ingress/slack/commands', form({ text: 'echo hello from slack' }), 'form');
    expect(res.status).toBe(200);
    const ack = (await res.json()) as { response_type: string; text: string };
    expect(ack.response_type).toBe('ephemeral');
    const id = /^Queued (\S+): echo$/.exec(ack.text)?.[1];
    expect(id, ack.text).toBeDefined();

    const posted = await waitFor(() => slack.messages.find((m) => shown(m).includes('echoed: hello from slack')), 'the result in the channel');
    expect(posted.channel).toBe('C2147483705');
    const exec = (await listExecutions(t)).find((e) => e.id === id);
    expect(exec).toMatchObject({ alias: 'echo', user: 'alice', status: 'succeeded' });
    expect(exec!.origin).toMatchObject({
      source: 'slack',
      sender: 'U2147483697',
      reply: { channel: 'C2147483705', channel_name: 'slack-ops' },
    });
    // kept on the record for the gateway's own replies, never shown: it lets its holder post into the channel
    expect(exec!.origin.reply).not.toHaveProperty('response_url');
  });

  it('answers `help` with the commands this person may run, and runs nothing', async () => {
    const before = (await listExecutions(t)).length;
    const alice = (await (await postSigned(t, '/ingress/slack/commands', form({ text: 'help' }), 'form')).json()) as { text: string };
    expect(alice.text).toContain('echo {{message}}');
    expect(alice.text).toContain('shout {{message}}');
    const bob = (await (await postSigned(t, '/ingress/slack/commands', form({ text: '', user_id: 'U0BOB' }), 'form')).json()) as { text: string };
    expect(bob.text).toContain('echo {{message}}');
    expect(bob.text).not.toContain('shout');
    expect(await listExecutions(t)).toHaveLength(before);
  });

  it('tells a person without the role that they are not allowed, and runs nothing', async () => {
    const before = (await listExecutions(t)).length;
    const res = await postSigned(t, '/ingress/slack/commands', form({ text: 'shout hi', user_id: 'U0BOB' }), 'form');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ response_type: 'ephemeral', text: 'You are not allowed to run `shout`.' });
    expect(await listExecutions(t)).toHaveLength(before);
  });

  it('answers a command that matches nothing with the closest formats', async () => {
    const res = await postSigned(t, '/ingress/slack/commands', form({ text: 'ech hello' }), 'form');
    const body = (await res.json()) as { text: string };
    expect(body.text).toMatch(/^No command matches `ech hello`\. Did you mean:/);
    expect(body.text).toContain('`echo {{message}}`');
  });

  it('runs nothing for a Slack user who is not configured, and says nothing', async () => {
    const before = (await listExecutions(t)).length;
    const res = await postSigned(t, '/ingress/slack/commands', form({ text: 'echo who am i', user_id: 'U0NOBODY' }), 'form');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(await listExecutions(t)).toHaveLength(before);
  });

  it.each([
    { name: 'a forged signature', o: { secret: 'not-the-secret' } },
    { name: 'a stale timestamp (6 minutes old)', o: { skew: -360 } },
    { name: 'missing signature headers', o: { unsigned: true } },
  ])('refuses $name with 403 and runs nothing', async ({ o }) => {
    const before = (await listExecutions(t)).length;
    const res = await postSigned(t, '/ingress/slack/commands', form({ text: 'echo forged' }), 'form', o);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^signature_/);
    expect(await listExecutions(t)).toHaveLength(before);
  });

  it('answers Slack certificate probes (ssl_check=1, unsigned) with 200 and runs nothing', async () => {
    const res = await postSigned(t, '/ingress/slack/commands', 'ssl_check=1&token=x', 'form', { unsigned: true });
    expect(res.status).toBe(200);
  });

  it('refuses a signed post without user_id with 400', async () => {
    const res = await postSigned(t, '/ingress/slack/commands', 'text=echo+x&channel_id=C1', 'form');
    expect(res.status).toBe(400);
  });

  it('keeps the signing secret and bot token out of every log line', () => {
    expect(t.logs.join('\n')).not.toContain(SIGNING_SECRET);
    expect(t.logs.join('\n')).not.toContain(BOT_TOKEN);
  });
});

describe('a slash command typed in a channel the bot is not in', () => {
  let slack: SlackFake;
  let t: TestSwitchboard;
  beforeAll(async () => {
    ({ slack, t } = await startSignedSlackWorld({ channels: ['#ops'] }));
  });
  afterAll(async () => {
    await t?.stop();
    await slack?.close();
  });

  it('gets its result through the command response_url, visible in the channel', async () => {
    const form = slashForm({
      trigger_id: '13345224609.738474920.900',
      channel_id: 'C0NOTIN',
      text: 'echo from afar',
      response_url: slack.responseUrl('T1/9/afar'),
    });
    const res = await postSigned(t, '/ingress/slack/commands', form, 'form');
    expect(((await res.json()) as { text: string }).text).toMatch(/^Queued \S+: echo$/);
    const answer = await waitFor(() => slack.responses.find((r) => JSON.stringify(r.body).includes('echoed: from afar')), 'the result through response_url');
    expect(answer).toMatchObject({ token: 'T1/9/afar', body: { response_type: 'in_channel' } });
    expect(slack.messages).toHaveLength(0);
    const id = (await listExecutions(t))[0]!.id;
    const exec = (await (await t.request(`/api/v1/executions/${id}`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as { deliveries: unknown[] };
    // every answer to the origin (the ack as well as the result) went the same way, and is recorded sent
    expect(exec.deliveries.length).toBeGreaterThan(0);
    for (const d of exec.deliveries) expect(d).toMatchObject({ channel: 'slack-ops', target: 'C0NOTIN', status: 'sent' });
    expect(slack.responses).toHaveLength(exec.deliveries.length);
  });
});
