import { describe, expect, it } from 'vitest';
import { buildProgress } from '../../../src/notify/index.ts';
import { DELIVERY_ATTEMPTS, deliveryJobs, jobOptionsOf, PROGRESS_ATTEMPTS, queueOf } from '../../../src/deliveries/job.ts';
import { routeNotification, toOutboundMessage } from '../../../src/routing/index.ts';
import { makeAlias, makeChannels, makeExecution, makeRules } from './helpers.ts';

describe('buildProgress', () => {
  const slack = { source: 'slack' as const, sender: 'U1', reply: { channel: 'C1', channel_name: 'slack-ops' } };
  const execution = makeExecution({ status: 'running', attempts: 2, origin: slack });
  const channels = () =>
    makeChannels([
      { name: 'slack-ops', kind: 'slack', token: 'xoxb-1' },
      { name: 'log', kind: 'log' },
    ]);

  it('is a progress report to origin, named by execution, attempt and step, ordered by seq', () => {
    const n = buildProgress({ execution, alias: makeAlias(), step: 3, line: 'copying 3/7' });
    expect(n).toMatchObject({
      id: 'EX1.2.3/progress/origin',
      name: 'origin',
      trigger: 'progress',
      status: 'running',
      subject: 'ops.restart running',
      progress: { seq: 2_000_003, line: 'copying 3/7' },
      executionId: 'EX1',
      origin: slack,
    });
    const later = buildProgress({ execution: { ...execution, attempts: 3 }, alias: makeAlias(), step: 0 });
    expect(later!.progress!.seq).toBeGreaterThan(n!.progress!.seq);
  });

  it('says what runs, then the line as a value Slack escapes', () => {
    const n = buildProgress({ execution, alias: makeAlias(), step: 1, line: '<!channel> 50%' })!;
    const plan = routeNotification(n, [], channels());
    const m = toOutboundMessage(n, plan.deliveries[0]!);
    expect(m.text).toBe('Running ops.restart (EX1)…\n> <!channel> 50%');
    expect(m.mrkdwn).toBe('Running ops.restart (EX1)…\n> &lt;!channel&gt; 50%');
    expect(m).toMatchObject({ trigger: 'progress', progress: { seq: 2_000_001 }, replyTo: slack.reply });
    expect(buildProgress({ execution, alias: makeAlias(), step: 0 })!.message).toBe('Running ops.restart (EX1)…');
  });

  it.each([
    ['no alias', undefined],
    ['the ack disabled (no message to edit)', makeAlias({ ack: { enabled: false } })],
    ['the result disabled (nothing would end the message)', makeAlias({ result: { enabled: false } })],
  ])('gives nothing with %s', (_, alias) => {
    expect(buildProgress({ execution, alias, step: 1, line: 'x' })).toBeUndefined();
  });

  it('only ever reaches the origin: rules naming origin do not copy it', () => {
    const n = buildProgress({ execution, alias: makeAlias(), step: 1, line: 'x' })!;
    const plan = routeNotification(n, makeRules([{ name: 'copy', channel: 'origin', to: [{ channel: 'log' }] }]), channels());
    expect(plan.deliveries.map((d) => d.rule)).toEqual(['(origin)']);
  });

  it('becomes a short-lived answer job, not listed on the record', () => {
    const n = buildProgress({ execution, alias: makeAlias(), step: 1, line: 'x' })!;
    const [job] = deliveryJobs(n, routeNotification(n, [], channels()));
    expect(job).toMatchObject({ trigger: 'progress', rule: '(origin)' });
    expect(job).not.toHaveProperty('executionId');
    expect(queueOf(job!)).toBe('replies');
    expect(jobOptionsOf(job!)).toMatchObject({ jobId: job!.message.id, attempts: PROGRESS_ATTEMPTS, removeOnComplete: { age: 3600 } });
    expect(jobOptionsOf({ ...job!, trigger: 'result' })).toMatchObject({ attempts: DELIVERY_ATTEMPTS, removeOnComplete: { age: 2 * 86_400 } });
  });
});
