import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slackSink } from '../../../src/providers/slack/sink.ts';
import type { Sink } from '../../../src/sinks/sink.ts';
import { startSlackFake, type SlackFake } from '../../../src/providers/slack/fake.ts';
import { sampleMessage, sinkFailure, testDeps } from './helpers.ts';

describe('slackSink', () => {
  let slack: SlackFake;
  let sink: Sink;
  const signal = () => new AbortController().signal;
  beforeEach(async () => {
    slack = await startSlackFake({ token: 'xoxb-test-token', channels: ['#ops', 'C0THREAD'] });
    sink = slackSink.create(
      slackSink.settings.parse({ name: 'slack-ops', kind: 'slack', token: 'xoxb-test-token', api_url: slack.apiUrl, default_target: '#ops' }),
      testDeps(),
    );
  });
  afterEach(() => slack.close());

  it('posts to the default target with mrkdwn blocks and returns the ts', async () => {
    const r = await sink.send(sampleMessage({ text: '*pong* from web-1' }), signal());
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]).toMatchObject({ channel: '#ops', text: 'ops.restart failed', mrkdwn: 'true' });
    expect(slack.messages[0]?.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*pong* from web-1' } }]);
    expect(r.externalId).toBe(slack.messages[0]?.ts);
    expect(slack.requests[0]?.headers.authorization).toBe('Bearer xoxb-test-token');
  });

  it('replies in the thread given by replyTo', async () => {
    await sink.send(sampleMessage({ replyTo: { channel: 'C0THREAD', thread_ts: '1503435956.000247' } }), signal());
    expect(slack.messages[0]).toMatchObject({ channel: 'C0THREAD', thread_ts: '1503435956.000247' });
  });

  it('sends the {~} split as an attachment: pretext before, body after, folded', async () => {
    await sink.send(sampleMessage({ text: 'Restart of web failed{~}exit 1\nunit not found' }), signal());
    expect(slack.messages[0]?.attachments?.[0]).toMatchObject({
      pretext: 'Restart of web failed',
      text: '```\nexit 1\nunit not found\n```',
      color: 'danger',
    });
  });

  it('uploads output beyond Slack’s limits as a file in the message’s thread instead of cutting it', async () => {
    const body = Array.from({ length: 500 }, (_, i) => `log line ${i}: ${'z'.repeat(30)}`).join('\n');
    const r = await sink.send(sampleMessage({ text: `Logs of web{~}${body}` }), signal());
    expect(slack.messages).toHaveLength(1);
    const shown = slack.messages[0]?.attachments?.[0]?.text ?? '';
    expect(shown.length).toBeLessThanOrEqual(3000);
    expect(shown).toContain('the full text is in the file output-');
    expect(slack.uploads).toHaveLength(1);
    expect(slack.uploads[0]).toMatchObject({ content: body, thread_ts: r.externalId, channel_id: expect.stringMatching(/^C/) });
  });

  it('does not post the message twice when only the upload failed', async () => {
    const m = sampleMessage({ text: `Logs{~}${'q\n'.repeat(3000)}` });
    slack.failUploadNext();
    const err = await sinkFailure(sink.send(m, signal()));
    expect(err.retryable).toBe(true);
    await sink.send(m, signal());
    expect(slack.messages).toHaveLength(1);
    expect(slack.uploads.filter((u) => u.content)).toHaveLength(1);
  });

  it.each([
    ['channel_not_found', 'invalid_target'],
    ['not_in_channel', 'invalid_target'],
    ['is_archived', 'invalid_target'],
    ['invalid_auth', 'auth_error'],
  ])('fails for good on %s', async (error, reason) => {
    slack.platformErrorNext(error);
    const err = await sinkFailure(sink.send(sampleMessage(), signal()));
    expect([err.reason, err.retryable]).toEqual([reason, false]);
  });

  it('answers through the slash command response_url when the bot is not in the channel', async () => {
    const replyTo = { channel: 'C0NOTIN', response_url: slack.responseUrl('T1/1/abc') };
    const r = await sink.send(sampleMessage({ text: '*pong* from web-1', replyTo }), signal());
    expect(r.externalId).toBe('response_url');
    expect(slack.messages).toHaveLength(0);
    expect(slack.responses).toEqual([
      {
        token: 'T1/1/abc',
        body: expect.objectContaining({
          response_type: 'in_channel',
          replace_original: false,
          text: 'ops.restart failed',
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*pong* from web-1' } }],
        }),
      },
    ]);
    // long output: no file can go through a response_url, and the preview says so
    const body = Array.from({ length: 500 }, (_, i) => `log line ${i}: ${'z'.repeat(30)}`).join('\n');
    await sink.send(sampleMessage({ text: `Logs{~}${body}`, replyTo }), signal());
    const shown = JSON.stringify(slack.responses[1]?.body);
    expect(shown).toContain('could not be attached here');
    expect(shown).not.toContain('the full text is in the file');
    expect(slack.uploads).toHaveLength(0);
  });

  it('fails for good, saying why, once the response_url is used up; never posts to a URL it does not trust', async () => {
    const replyTo = { channel: 'C0NOTIN', response_url: slack.responseUrl('T1/2/used') };
    for (let i = 0; i < 5; i++) await sink.send(sampleMessage({ replyTo }), signal());
    const err = await sinkFailure(sink.send(sampleMessage({ replyTo }), signal()));
    expect(err).toMatchObject({ reason: 'invalid_target', retryable: false });
    expect(err.message).toMatch(/not in that channel.*invite the bot/);
    // a response_url on another host (not hooks.slack.com, not the API host) is not used
    const elsewhere = await sinkFailure(sink.send(sampleMessage({ replyTo: { channel: 'C0NOTIN', response_url: 'http://127.0.0.1:9/steal' } }), signal()));
    expect(elsewhere).toMatchObject({ reason: 'invalid_target', retryable: false, message: 'slack: channel_not_found' });
    expect(slack.responses).toHaveLength(5);
  });

  it('retries ratelimited sent as a platform error', async () => {
    slack.platformErrorNext('ratelimited');
    const err = await sinkFailure(sink.send(sampleMessage(), signal()));
    expect([err.reason, err.retryable]).toEqual(['rate_limited', true]);
  });

  it('fails for good with a wrong token, without the token in the error', async () => {
    const other = slackSink.create(
      slackSink.settings.parse({ name: 's', kind: 'slack', token: 'xoxb-wrong-token', api_url: slack.apiUrl, default_target: '#ops' }),
      testDeps(),
    );
    const err = await sinkFailure(other.send(sampleMessage(), signal()));
    expect([err.reason, err.retryable]).toEqual(['auth_error', false]);
    expect(err.message).not.toContain('xoxb-wrong-token');
  });
});
