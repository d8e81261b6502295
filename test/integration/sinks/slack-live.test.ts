import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake, type SlackPosted } from '../../../src/providers/slack/fake.ts';
import { slackSink } from '../../../src/providers/slack/sink.ts';
import type { OutboundMessage, Sink } from '../../../src/sinks/sink.ts';
import { sampleMessage, testDeps } from './helpers.ts';

/** What a person sees of a message: its text, its blocks' and attachments' text. */
const shown = (m: SlackPosted | undefined) =>
  [m?.text ?? '', ...(m?.blocks ?? []).map((b) => b.text?.text ?? ''), ...(m?.attachments ?? []).map((a) => `${a.pretext ?? ''}\n${a.text ?? ''}`)].join('\n');

describe('slackSink: an execution’s live message (ack → progress → result)', () => {
  let slack: SlackFake;
  let sink: Sink;
  let deps: ReturnType<typeof testDeps>;
  const signal = () => new AbortController().signal;
  const replyTo = { channel: 'C0OPS', channel_name: 'slack-ops' };
  let exec = 0;
  let execution: NonNullable<OutboundMessage['execution']>;
  const ack = (over: Partial<OutboundMessage> = {}) =>
    sampleMessage({
      trigger: 'ack',
      replyTo,
      subject: 'deploy queued',
      text: `Queued ${execution.id}`,
      execution: { ...execution, status: 'queued' },
      ...over,
    });
  const progress = (seq: number, line: string) =>
    sampleMessage({
      trigger: 'progress',
      replyTo,
      progress: { seq, line },
      subject: 'deploy running',
      text: `Running deploy…\n> ${line}`,
      execution: { ...execution, status: 'running' },
    });
  const result = (text = 'deploy succeeded: all 7 hosts', over: Partial<OutboundMessage> = {}) =>
    sampleMessage({ trigger: 'result', replyTo, subject: 'deploy succeeded', text, execution: { ...execution, status: 'succeeded' }, ...over });

  beforeEach(async () => {
    slack = await startSlackFake({ token: 'xoxb-test-token', channels: ['C0OPS', '#audit'] });
    deps = testDeps();
    sink = slackSink.create(slackSink.settings.parse({ name: 'slack-ops', kind: 'slack', token: 'xoxb-test-token', api_url: slack.apiUrl }), deps);
    exec += 1;
    execution = { id: `live${exec}x`, status: 'queued', action: 'ops.deploy', alias: 'ops.deploy', user: 'alice' };
  });
  afterEach(() => slack.close());

  it('posts the ack once, edits it with each progress report, and replaces it with the result', async () => {
    const posted = await sink.send(ack(), signal());
    expect(slack.messages).toHaveLength(1);
    expect(await sink.send(progress(1_000_000, 'starting'), signal())).toMatchObject({ externalId: posted.externalId });
    await sink.send(progress(1_000_001, 'host 3/7'), signal());
    const r = await sink.send(result(), signal());
    expect(r.externalId).toBe(posted.externalId);
    expect(slack.messages).toHaveLength(1);
    expect(slack.updates.map((u) => u.ts)).toEqual([posted.externalId, posted.externalId, posted.externalId]);
    expect(shown(slack.updates[1] as SlackPosted)).toContain('host 3/7');
    expect(shown(slack.messages[0])).toContain('deploy succeeded: all 7 hosts');
    expect(shown(slack.messages[0])).not.toContain('host 3/7');
  });

  it('refuses progress older than the last applied, and any after the result', async () => {
    await sink.send(ack(), signal());
    await sink.send(progress(1_000_002, 'newer'), signal());
    expect((await sink.send(progress(1_000_001, 'older'), signal())).skipped).toMatch(/^stale progress/);
    await sink.send(result(), signal());
    expect((await sink.send(progress(1_000_003, 'late'), signal())).skipped).toBe('the result already replaced the live message');
    expect(slack.updates).toHaveLength(2);
    expect(shown(slack.messages[0])).toContain('deploy succeeded');
  });

  it('never lets a progress report sent at the same time as the result overwrite it', async () => {
    await sink.send(ack(), signal());
    await Promise.all([sink.send(progress(1_000_001, 'racing'), signal()), sink.send(result(), signal())]);
    expect(slack.messages).toHaveLength(1);
    expect(shown(slack.messages[0])).toContain('deploy succeeded');
    expect(shown(slack.updates.at(-1) as SlackPosted)).toContain('deploy succeeded');
  });

  it('lets the first progress report wait for the ack being posted, then applies it', async () => {
    const [posted, edited] = await Promise.all([sink.send(ack(), signal()), sink.send(progress(1_000_000, 'started'), signal())]);
    expect(edited).toMatchObject({ externalId: posted.externalId });
    expect(slack.messages).toHaveLength(1);
    expect(shown(slack.messages[0])).toContain('started');
  });

  it('skips progress without a remembered ack and posts the result as a new message', async () => {
    expect((await sink.send(progress(1_000_001, 'x'), signal())).skipped).toMatch(/^no live message/);
    await sink.send(result(), signal());
    expect(slack.messages).toHaveLength(1);
    expect(slack.updates).toHaveLength(0);
    // a late ack after the result is not posted below it
    expect((await sink.send(ack(), signal())).skipped).toBe('the result was posted before the ack');
    expect(slack.messages).toHaveLength(1);
  });

  it('sends nothing again for a repeated result (a re-run job)', async () => {
    await sink.send(ack(), signal());
    const m = result();
    await sink.send(m, signal());
    await sink.send(m, signal());
    expect(slack.messages).toHaveLength(1);
    expect(slack.updates).toHaveLength(1);
  });

  it('uploads long output in the live message’s thread', async () => {
    const posted = await sink.send(ack(), signal());
    const body = Array.from({ length: 400 }, (_, i) => `log line ${i}: ${'z'.repeat(30)}`).join('\n');
    await sink.send(result(`deploy succeeded{~}${body}`), signal());
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.blocks).toEqual([]);
    expect(slack.messages[0]?.attachments?.[0]?.text).toContain('the full text is in the file output-');
    expect(slack.uploads).toHaveLength(1);
    expect(slack.uploads[0]).toMatchObject({ content: body, thread_ts: posted.externalId });
  });

  it('posts the result anew when the ack can no longer be edited (deleted)', async () => {
    await sink.send(ack(), signal());
    slack.platformErrorNext('message_not_found');
    await sink.send(result(), signal());
    expect(slack.messages).toHaveLength(2);
    expect(shown(slack.messages[1])).toContain('deploy succeeded');
  });

  it('treats a progress report Slack rate-limits as superseded, not retried', async () => {
    await sink.send(ack(), signal());
    slack.failNext(1, { status: 429, headers: { 'retry-after': '30' }, body: { ok: false, error: 'ratelimited' } });
    expect((await sink.send(progress(1_000_001, 'x'), signal())).skipped).toMatch(/^progress not shown: slack: rate/);
  });

  it('posts a rule’s copy of the result elsewhere as any message (no replyTo)', async () => {
    await sink.send(ack(), signal());
    const { replyTo: _, ...copy } = result();
    await sink.send({ ...copy, target: '#audit' }, signal());
    expect(slack.messages.map((m) => m.channel)).toEqual(['C0OPS', '#audit']);
    expect(slack.updates).toHaveLength(0);
  });

  it('keeps the live message in the channel’s state for a day', async () => {
    await sink.send(ack(), signal());
    const entry = JSON.parse(deps.state.entries().get(`live:${execution.id}`) ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({ ts: slack.messages[0]?.ts, seq: 0, channel: expect.stringMatching(/^C/) });
    expect([...deps.state.entries().keys()].filter((k) => k.startsWith('live-lock:'))).toEqual([]);
  });
});
