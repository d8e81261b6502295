import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertRef } from '../../../src/notify/types.ts';
import { startSlackFake, type SlackFake } from '../../../src/providers/slack/fake.ts';
import { slackSink } from '../../../src/providers/slack/sink.ts';
import type { Sink } from '../../../src/sinks/sink.ts';
import { sampleMessage, testDeps } from './helpers.ts';

const alert = (status: AlertRef['status'], over: Partial<AlertRef> = {}): AlertRef => ({
  id: 'al1',
  code: '4821',
  fingerprint: 'f00dfeed',
  status,
  channel: 'am-prod',
  ...over,
});

const elementsOf = (blocks: unknown) =>
  ((blocks ?? []) as { type: string; elements?: { action_id?: string; value?: string; text?: string }[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);

describe('slackSink threads and alerts', () => {
  let slack: SlackFake;
  let sink: Sink;
  const signal = () => new AbortController().signal;
  beforeEach(async () => {
    slack = await startSlackFake({ token: 'xoxb-test-token', channels: ['#ops', '#oncall'] });
    sink = slackSink.create(
      slackSink.settings.parse({ name: 'slack-ops', kind: 'slack', token: 'xoxb-test-token', api_url: slack.apiUrl, default_target: '#ops' }),
      testDeps(),
    );
  });
  afterEach(() => slack.close());

  it('posts a firing alert with its code and the ACK and Silence 1h buttons carrying the code and the id', async () => {
    await sink.send(sampleMessage({ subject: 'HighLatency firing', text: 'HighLatency on web-1', alert: alert('firing'), thread: 'alert:al1' }), signal());
    const posted = slack.messages[0];
    expect(posted?.thread_ts).toBeUndefined();
    expect(JSON.stringify(posted?.blocks)).toContain('ACK 4821');
    expect(elementsOf(posted?.blocks).map((e) => [e.action_id, e.value])).toEqual([
      ['alert_ack', '4821:al1'],
      ['alert_silence_1h', '4821:al1'],
    ]);
  });

  it('posts later messages of the same thread in the first one’s thread, broadcasting the resolve, and edits the first', async () => {
    const first = await sink.send(sampleMessage({ text: 'HighLatency firing', alert: alert('firing'), thread: 'alert:al1' }), signal());
    await sink.send(sampleMessage({ text: 'HighLatency firing again', alert: alert('firing', { step: 1 }), thread: 'alert:al1' }), signal());
    await sink.send(sampleMessage({ text: 'HighLatency resolved', alert: alert('resolved'), thread: 'alert:al1' }), signal());

    expect(slack.messages).toHaveLength(3);
    expect(slack.messages[1]).toMatchObject({ thread_ts: first.externalId });
    expect(slack.messages[1]?.reply_broadcast).toBeUndefined();
    expect(slack.messages[2]).toMatchObject({ thread_ts: first.externalId, reply_broadcast: 'true' });
    expect(elementsOf(slack.messages[2]?.blocks)).toEqual([]);

    expect(slack.updates).toHaveLength(1);
    expect(slack.updates[0]?.ts).toBe(first.externalId);
    expect(elementsOf(slack.updates[0]?.blocks)).toEqual([]);
    expect(JSON.stringify(slack.updates[0]?.blocks)).toContain('Resolved');
    expect(JSON.stringify(slack.updates[0]?.blocks)).toContain('HighLatency firing');
  });

  it('starts a separate thread per target and per thread key', async () => {
    await sink.send(sampleMessage({ text: 'a', alert: alert('firing'), thread: 'alert:al1' }), signal());
    await sink.send(sampleMessage({ target: '#oncall', text: 'a to oncall', alert: alert('firing'), thread: 'alert:al1' }), signal());
    await sink.send(sampleMessage({ text: 'b', alert: alert('firing', { id: 'al2', code: '5000' }), thread: 'alert:al2' }), signal());
    expect(slack.messages.map((m) => m.thread_ts)).toEqual([undefined, undefined, undefined]);
    await sink.send(sampleMessage({ target: '#oncall', text: 'resolved', alert: alert('resolved'), thread: 'alert:al1' }), signal());
    expect(slack.messages[3]).toMatchObject({ channel: slack.messages[3]?.channel, thread_ts: slack.messages[1]?.ts });
  });

  it('leaves messages without a thread alone: no thread_ts, nothing remembered', async () => {
    await sink.send(sampleMessage({ text: 'one' }), signal());
    await sink.send(sampleMessage({ text: 'two' }), signal());
    expect(slack.messages.map((m) => m.thread_ts)).toEqual([undefined, undefined]);
    expect(slack.updates).toEqual([]);
  });
});
