import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SlackFake } from '../../../src/providers/slack/fake.ts';
import type { TestSwitchboard } from '../harness.ts';
import { corpusJson, listExecutions, postSigned, shown, startSignedSlackWorld, waitFor } from './slack-helpers.ts';

type Envelope = { event_id: string; event: Record<string, unknown>; authorizations: { user_id: string; is_bot: boolean }[] };

describe('POST /ingress/slack/events', () => {
  let slack: SlackFake;
  let t: TestSwitchboard;
  let n = 0;
  const events = (body: unknown, o: Parameters<typeof postSigned>[4] = {}) => postSigned(t, '/ingress/slack/events', JSON.stringify(body), 'json', o);

  /** The Slack docs' app_mention (user U061F7AUR = dave), a fresh event_id, mentioning our bot (U0BOT per auth.test). */
  const mention = (text: string, over: Record<string, unknown> = {}) => {
    const e = corpusJson<Envelope>('slack-event-app_mention-docs.json');
    e.event_id = `Ev0MENTION${++n}`;
    Object.assign(e.event, { text: `<@U0BOT> ${text}`, ...over });
    return e;
  };

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

  it('answers url_verification with the challenge', async () => {
    const res = await events(corpusJson('slack-url-verification.json'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'valid_challenge_token' });
  });

  it('refuses an unsigned url_verification with 403', async () => {
    const res = await events(corpusJson('slack-url-verification.json'), { unsigned: true });
    expect(res.status).toBe(403);
  });

  it('runs an app_mention as its author and answers in its thread', async () => {
    const e = mention('echo is it everything a river should be');
    const res = await events(e);
    expect(res.status).toBe(200);
    const posted = await waitFor(() => slack.messages.find((m) => shown(m).includes('echoed: is it everything a river should be')), 'the result in the thread');
    expect(posted).toMatchObject({ channel: 'C123ABC456', thread_ts: '1515449522.000016' });
    const exec = (await listExecutions(t)).find((x) => x.origin.message_id === e.event_id);
    expect(exec).toMatchObject({ alias: 'echo', user: 'dave', status: 'succeeded' });
    // the docs' authorization is not a bot: our bot's user id came from auth.test
    expect(slack.requests.some((r) => r.path === '/api/auth.test')).toBe(true);
  });

  it('answers in the existing thread when the mention is a thread reply', async () => {
    await events(mention('echo threaded', { thread_ts: '1515449000.000001' }));
    const posted = await waitFor(() => slack.messages.find((m) => shown(m).includes('echoed: threaded')), 'the result');
    expect(posted.thread_ts).toBe('1515449000.000001');
  });

  it('runs a direct message (message.im) from the corpus and answers in the DM', async () => {
    const e = corpusJson<Envelope>('slack-event-message-im-slackweb.json');
    e.event.text = 'echo from a DM';
    expect(await events(e).then((r) => r.status)).toBe(200);
    const posted = await waitFor(() => slack.messages.find((m) => shown(m).includes('echoed: from a DM')), 'the DM answer');
    expect(posted).toMatchObject({ channel: 'D0442US94JD', thread_ts: '1664408649.009629' });
    expect((await listExecutions(t)).find((x) => x.origin.message_id === 'Ev044C51K43V')).toMatchObject({ user: 'erin' });
  });

  it('runs an event once when Slack retries it (same event_id, X-Slack-Retry-Num)', async () => {
    const e = mention('echo only once');
    expect((await events(e)).status).toBe(200);
    expect((await events(e, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })).status).toBe(200);
    expect((await events(e, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_error' } })).status).toBe(200);
    const runs = (await listExecutions(t)).filter((x) => x.origin.message_id === e.event_id);
    expect(runs).toHaveLength(1);
    await waitFor(() => slack.messages.find((m) => shown(m).includes('echoed: only once')), 'the one result');
  });

  it.each([
    { file: 'slack-event-bot-message-subtype.json', reason: 'written by a bot' },
    { file: 'slack-event-bot-message-botid-no-subtype.json', reason: 'written by a bot' },
    { file: 'slack-event-message-im-from-slackbot.json', reason: 'not written by a person' },
    { file: 'slack-event-with-edited-message.json', reason: 'message subtype message_changed' },
    { file: 'slack-event-message-channel-slackweb.json', reason: 'event message in channel' },
  ])('runs nothing for $file ($reason)', async ({ file, reason }) => {
    const before = (await listExecutions(t)).length;
    const e = corpusJson<Envelope>(file);
    e.event.text = 'echo a bot loop';
    // as if in a DM, written as (or beside) a configured person: only the filter named stops it
    if (e.event.user !== 'USLACKBOT') e.event.user = 'U043H11ES4V';
    if (!file.includes('channel-slackweb')) e.event.channel_type = 'im';
    const res = await events(e);
    expect(res.status).toBe(200);
    expect(await listExecutions(t)).toHaveLength(before);
    expect(t.logs.some((l) => l.includes('slack event ignored') && l.includes(`"reason":"${reason}"`))).toBe(true);
  });

  it('runs nothing for a DM written by our own bot user (no bot_id)', async () => {
    const before = (await listExecutions(t)).length;
    const e = corpusJson<Envelope>('slack-event-message-im-slackweb.json');
    e.event_id = 'Ev0OWNBOT';
    e.event.user = e.authorizations[0]!.user_id; // authorizations[0] is our bot (is_bot: true)
    e.event.text = 'echo talking to myself';
    expect((await events(e)).status).toBe(200);
    expect(await listExecutions(t)).toHaveLength(before);
    expect(t.logs.some((l) => l.includes('slack event ignored') && l.includes('"reason":"written by our bot"'))).toBe(true);
  });

  it('tells a person without the role, in the thread, that they are not allowed, and runs nothing', async () => {
    const before = (await listExecutions(t)).length;
    const res = await events(mention('shout hi', { user: 'U0BOB' }));
    expect(res.status).toBe(200);
    const posted = await waitFor(() => slack.messages.find((m) => shown(m).includes('not allowed')), 'the refusal');
    expect(shown(posted)).toContain('You are not allowed to run `shout`.');
    expect(posted).toMatchObject({ channel: 'C123ABC456', thread_ts: '1515449522.000016' });
    expect(await listExecutions(t)).toHaveLength(before);
  });

  it('answers a mention that matches nothing with did-you-mean, in the thread', async () => {
    await events(mention('ech hello'));
    const posted = await waitFor(() => slack.messages.find((m) => shown(m).includes('Did you mean')), 'the suggestions');
    expect(shown(posted)).toContain('`echo {{message}}`');
  });

  it('runs nothing for a Slack user who is not configured', async () => {
    const before = (await listExecutions(t)).length;
    expect((await events(mention('echo stranger', { user: 'U0NOBODY' }))).status).toBe(200);
    expect(await listExecutions(t)).toHaveLength(before);
  });

  it.each([
    { name: 'a forged signature', o: { secret: 'not-the-secret' } },
    { name: 'a stale timestamp (6 minutes old)', o: { skew: -360 } },
    { name: 'a timestamp 6 minutes ahead', o: { skew: 360 } },
    { name: 'missing signature headers', o: { unsigned: true } },
  ])('refuses $name with 403 and runs nothing', async ({ o }) => {
    const before = (await listExecutions(t)).length;
    const res = await events(mention('echo forged'), o);
    expect(res.status).toBe(403);
    expect(await listExecutions(t)).toHaveLength(before);
  });

  it('refuses a signed body that is not JSON with 400', async () => {
    const res = await postSigned(t, '/ingress/slack/events', 'not json', 'json');
    expect(res.status).toBe(400);
  });
});
