import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { optOutKey, smsSink } from '../../../src/providers/sms/sink.ts';
import { countSegments } from '../../../src/providers/sms/segments.ts';
import type { Sink } from '../../../src/sinks/sink.ts';
import { startTwilioFake, type TwilioFake } from '../../../src/providers/sms/fake.ts';
import { sampleMessage, sinkFailure, testDeps } from './helpers.ts';

const SID = `AC${'1'.repeat(32)}`;
const TOKEN = 'twilio-auth-token-1';

describe('smsSink', () => {
  let twilio: TwilioFake;
  let deps: ReturnType<typeof testDeps>;
  let sink: Sink;
  const signal = () => new AbortController().signal;
  const make = (over: Record<string, unknown> = {}) =>
    smsSink.create(
      smsSink.settings.parse({ name: 'sms', kind: 'sms', account_sid: SID, auth_token: TOKEN, from: '+15550001111', api_url: twilio.url, ...over }),
      deps,
    );
  beforeEach(async () => {
    twilio = await startTwilioFake({ accountSid: SID, authToken: TOKEN });
    deps = testDeps();
    sink = make();
  });
  afterEach(() => twilio.close());

  it('sends through the Messages resource with Basic auth and returns the SID', async () => {
    const r = await sink.send(sampleMessage({ target: '+15551230001', text: 'web restarted' }), signal());
    expect(twilio.messages).toEqual([{ sid: r.externalId, to: '+15551230001', from: '+15550001111', messagingServiceSid: undefined, body: 'web restarted' }]);
    expect(twilio.requests[0]?.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
  });

  it('sends from the messaging service when one is configured', async () => {
    await make({ from: undefined, messaging_service_sid: 'MG123' }).send(sampleMessage({ target: '+15551230001' }), signal());
    expect(twilio.messages[0]).toMatchObject({ from: undefined, messagingServiceSid: 'MG123' });
  });

  it('cuts an over-budget text at a word and ends it with the execution id', async () => {
    const words = Array.from({ length: 120 }, (_, i) => `host${i} ok`).join(' ');
    await make({ segment_budget: 2 }).send(
      sampleMessage({ target: '+15551230001', text: words, execution: { id: 'abc123', status: 'succeeded', action: 'ops.check' } }),
      signal(),
    );
    const body = twilio.messages[0]!.body;
    expect(body.endsWith('... [id abc123]')).toBe(true);
    expect(countSegments(body).segments).toBe(2);
    const kept = body.slice(0, -'... [id abc123]'.length);
    expect(words.startsWith(kept)).toBe(true);
    expect(words[kept.length]).toBe(' ');
  });

  it('records a STOP’d recipient (21610) and skips later sends to it', async () => {
    twilio.optedOut.add('+15551230009');
    const err = await sinkFailure(sink.send(sampleMessage({ target: '+15551230009' }), signal()));
    expect([err.reason, err.retryable]).toEqual(['opted_out', false]);
    expect(await deps.state.get(optOutKey('+15551230009'))).toBeTruthy();
    const before = twilio.requests.length;
    const r = await sink.send(sampleMessage({ target: '+15551230009' }), signal());
    expect(r).toEqual({ skipped: 'opted out' });
    expect(twilio.requests.length).toBe(before);
  });

  it.each([
    [21211, 400, 'invalid_target', false],
    [21614, 400, 'invalid_target', false],
    [20003, 401, 'auth_error', false],
    [20429, 429, 'rate_limited', true],
    [20500, 503, 'server_error', true],
  ])('classifies Twilio error %i (HTTP %i) as %s', async (code, status, reason, retryable) => {
    twilio.errorNext(code, status);
    const err = await sinkFailure(sink.send(sampleMessage({ target: '+15551230001' }), signal()));
    expect([err.reason, err.retryable]).toEqual([reason, retryable]);
    expect(err.message).not.toContain(TOKEN);
  });
});
