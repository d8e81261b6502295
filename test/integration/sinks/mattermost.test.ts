import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mattermostSink } from '../../../src/providers/mattermost/sink.ts';
import { markValue } from '../../../src/templates/marks.ts';
import { mattermostId, startMattermostFake, type MattermostFake } from '../../fakes/mattermost-api.ts';
import { expectNoSecret, sampleMessage, sinkFailure, testDeps } from './helpers.ts';

const TOKEN = 'mm-SECRET-token-0123456789';
const OPS = mattermostId();

describe('mattermost sink', () => {
  let mm: MattermostFake;
  const sink = () =>
    mattermostSink.create(
      mattermostSink.settings.parse({ name: 'mm', kind: 'mattermost', api_url: `${mm.url}/`, token: TOKEN, default_target: OPS }),
      testDeps(),
    );
  const signal = () => new AbortController().signal;
  beforeEach(async () => {
    mm = await startMattermostFake({ token: TOKEN, channels: [OPS] });
  });
  afterEach(async () => {
    await mm.close();
  });

  it('posts to the default channel with the bot token, a {~} result as an attachment', async () => {
    const r = await sink().send(sampleMessage(), signal());
    expect(r.externalId).toBe(mm.posts[0]!.id);
    expect(mm.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(mm.posts[0]).toMatchObject({ channel_id: OPS, message: '', props: { attachments: [{ pretext: 'Restart of web failed', color: '#d24b4e' }] } });
  });

  it('answers an origin in its channel and thread, with the values a sender typed made inert', async () => {
    const root = mattermostId();
    mm.addUserPost({ id: root, channel_id: OPS });
    const text = `done: ${markValue('@all see [x](https://evil.example)')}`;
    await sink().send(sampleMessage({ text: 'plain', marked: text, replyTo: { medium: 'mattermost', channel: OPS, root_id: root } }), signal());
    expect(mm.posts[0]).toMatchObject({ channel_id: OPS, root_id: root, message: 'done: @\u200Ball see [x]\u200B(https://evil.example)' });
  });

  it('fails retryable after X-Ratelimit-Reset alone on a 429', async () => {
    mm.rateLimitNext({ reset: '4' });
    const err = await sinkFailure(sink().send(sampleMessage(), signal()));
    expect([err.reason, err.retryable, err.retryAfterMs]).toEqual(['rate_limited', true, 4000]);
  });

  it('fails for good, without the token, on a channel the bot may not post in', async () => {
    const err = await sinkFailure(sink().send(sampleMessage({ target: mattermostId() }), signal()));
    expect([err.reason, err.retryable]).toEqual(['auth_error', false]);
    expect(err.message).toContain('api.context.permissions.app_error');
    expectNoSecret(err, [TOKEN]);
  });

  it('fails for good on a revoked token', async () => {
    const bad = mattermostSink.create(
      mattermostSink.settings.parse({ name: 'mm', kind: 'mattermost', api_url: mm.url, token: 'revoked-token-123', default_target: OPS }),
      testDeps(),
    );
    const err = await sinkFailure(bad.send(sampleMessage(), signal()));
    expect([err.reason, err.retryable]).toEqual(['auth_error', false]);
  });
});
