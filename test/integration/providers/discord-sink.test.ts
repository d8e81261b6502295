/**
 * The discord sink against the fake Discord, beyond the shared contract suite: answers to a `/sb`
 * command go as follow-ups while the interaction token lives and as channel messages after;
 * values are escaped for Discord's Markdown and nobody is pinged; Discord's 429 body wins over its
 * rounded Retry-After header; an unknown channel fails for good.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDiscordFake, type DiscordFake } from '../../../src/providers/discord/fake.ts';
import { discordSink } from '../../../src/providers/discord/sink.ts';
import type { Sink } from '../../../src/sinks/sink.ts';
import { markValue } from '../../../src/templates/marks.ts';
import { sampleMessage, sinkFailure, testDeps } from '../sinks/helpers.ts';

const TOKEN = 'dc-bot-SECRET-0123456789';
const CHANNEL = '1300000000000000077';
let fake: DiscordFake;
let sink: Sink;
const signal = () => new AbortController().signal;

const replyTo = (token: string, expires: number) => ({
  medium: 'discord',
  channel_name: 'discord-test',
  channel_id: CHANNEL,
  application_id: fake.applicationId,
  interaction_token: token,
  token_expires: String(expires),
});

beforeAll(async () => {
  fake = await startDiscordFake({ botToken: TOKEN, unknownChannels: ['1300000000000000404'] });
  sink = discordSink.create(
    discordSink.settings.parse({ name: 'discord-test', kind: 'discord', application_id: fake.applicationId, token: TOKEN, api_url: fake.apiUrl }),
    testDeps(),
  );
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.messages.length = 0;
  fake.webhooks.length = 0;
});

describe('discord sink', () => {
  it('answers a live interaction with a follow-up, without the bot token', async () => {
    const { token } = fake.interaction();
    const r = await sink.send(sampleMessage({ replyTo: replyTo(token, Date.now() + 600_000) }), signal());
    expect(r.externalId).toMatch(/^\d+$/);
    expect(fake.webhooks).toHaveLength(1);
    expect(fake.webhooks[0]).toMatchObject({ token, kind: 'followup' });
    expect(fake.requests.at(-1)!.headers.authorization).toBeUndefined();
    expect(fake.messages).toHaveLength(0);
  });

  it("posts in the command's channel once the token has expired, and tries no follow-up", async () => {
    const before = fake.requests.length;
    const { token } = fake.interaction();
    await sink.send(sampleMessage({ replyTo: replyTo(token, Date.now() - 1) }), signal());
    expect(fake.requests.length).toBe(before + 1);
    expect(fake.messages).toEqual([expect.objectContaining({ channel_id: CHANNEL })]);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bot ${TOKEN}`);
  });

  it('escapes values and sends allowed_mentions {parse: []}', async () => {
    const marked = `**Alert** from ${markValue('@everyone <@&42>')}{~}\`\`\`\n${markValue('out ``` put')}\n\`\`\``;
    await sink.send(sampleMessage({ target: CHANNEL, text: 'unused', marked }), signal());
    const body = fake.messages[0]!.body as { content: string; embeds: { description: string }[]; allowed_mentions: unknown };
    expect(body.content).toBe('**Alert** from \\@everyone \\<\\@&42\\>');
    expect(body.embeds[0]!.description).toBe('```\nout `\u200b`\u200b`\u200b put\n```');
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it('takes retry_after from the 429 body (a float) over the rounded header', async () => {
    fake.failNext(1, { status: 429, headers: { 'retry-after': '2' }, body: { message: 'You are being rate limited.', retry_after: 1.337, global: true } });
    const err = await sinkFailure(sink.send(sampleMessage({ target: CHANNEL }), signal()));
    expect([err.reason, err.retryable, err.retryAfterMs]).toEqual(['rate_limited', true, 1337]);
    expect(err.message).toContain('global');
  });

  it('fails for good on an unknown channel and on a target that is not an id', async () => {
    const unknown = await sinkFailure(sink.send(sampleMessage({ target: '1300000000000000404' }), signal()));
    expect([unknown.reason, unknown.retryable]).toEqual(['invalid_target', false]);
    expect(unknown.message).toContain('Unknown Channel');
    const named = await sinkFailure(sink.send(sampleMessage({ target: '#ops' }), signal()));
    expect([named.reason, named.retryable]).toEqual(['invalid_target', false]);
  });
});

describe('discord sink and rate-limit buckets', () => {
  it('waits for a bucket a send emptied instead of drawing a 429', async () => {
    const strict = await startDiscordFake({ botToken: TOKEN, rateLimit: 1, resetAfter: 0.3 });
    try {
      const s = discordSink.create(
        discordSink.settings.parse({ name: 'discord-strict', kind: 'discord', application_id: strict.applicationId, token: TOKEN, api_url: strict.apiUrl }),
        testDeps(),
      );
      await s.send(sampleMessage({ target: CHANNEL }), signal());
      await s.send(sampleMessage({ target: CHANNEL }), signal());
      expect(strict.messages).toHaveLength(2);
      expect(strict.rateLimited()).toBe(0);
    } finally {
      await strict.close();
    }
  });
});
