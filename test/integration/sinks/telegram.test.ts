/** The telegram sink against the fake Bot API: origin replies, the Bot API's permanent errors, a migrated group. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramFake, telegramError, type TelegramFake } from '../../../src/providers/telegram/fake.ts';
import { telegramSink } from '../../../src/providers/telegram/sink.ts';
import type { Sink } from '../../../src/sinks/sink.ts';
import { sampleMessage, sinkFailure, testDeps } from './helpers.ts';

const TOKEN = '7000001:SECRET-token-abcdef0123';
let tg: TelegramFake;
let sink: Sink;
const send = (m = sampleMessage()) => sink.send(m, new AbortController().signal);

beforeEach(async () => {
  tg = await startTelegramFake({ token: TOKEN, chats: [-100111, -100222, 42] });
  sink = telegramSink.create(
    telegramSink.settings.parse({ name: 'tg', kind: 'telegram', token: TOKEN, api_url: tg.apiUrl, default_target: '-100111' }),
    testDeps({}),
  );
});
afterEach(() => tg.close());

describe('telegram sink', () => {
  it('answers an origin in its chat, as a reply, in its topic', async () => {
    const r = await send(sampleMessage({ replyTo: { chat_id: '42', message_id: '17', message_thread_id: '5' } }));
    expect(tg.messages.at(-1)).toMatchObject({ chat_id: 42, reply_to_message_id: 17, message_thread_id: 5, parse_mode: 'HTML' });
    expect(r.externalId).toBe(`42:${tg.messages.at(-1)!.message_id}`);
  });

  it('fails for good on "chat not found" and "bot was blocked by the user", naming the target', async () => {
    const notFound = await sinkFailure(send(sampleMessage({ target: '-100999' })));
    expect(notFound).toMatchObject({ retryable: false, reason: 'invalid_target' });
    expect(notFound.message).toContain('chat not found');
    tg.block(42);
    const blocked = await sinkFailure(send(sampleMessage({ target: '42' })));
    expect(blocked).toMatchObject({ retryable: false, reason: 'invalid_target' });
    expect(blocked.message).toContain('bot was blocked by the user');
  });

  it('fails for good as auth_error on a wrong token, without the token', async () => {
    const bad = telegramSink.create(
      telegramSink.settings.parse({ name: 'tg', kind: 'telegram', token: '7000001:WRONG-token', api_url: tg.apiUrl, default_target: '-100111' }),
      testDeps({}),
    );
    const err = await sinkFailure(bad.send(sampleMessage(), new AbortController().signal));
    expect(err).toMatchObject({ retryable: false, reason: 'auth_error' });
    expect(err.message).not.toContain('WRONG-token');
  });

  it('follows a group that became a supergroup (migrate_to_chat_id) and records where it went', async () => {
    tg.failNext(1, telegramError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -100222 }));
    const r = await send();
    expect(tg.messages.at(-1)!.chat_id).toBe(-100222);
    expect(r.sent?.target).toBe('-100222');
  });
});
