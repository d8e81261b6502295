import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWorld, waitFor, type World } from './harness.ts';

describe('deliveries end to end', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
    await w.startExecutionWorker();
    await w.startDeliveryWorker();
  });
  afterEach(() => w.close());

  it('notifies slack and the bug tracker when an execution fails, and answers the origin', async () => {
    const out = await w.command('run 3');
    if (out.kind !== 'queued') throw new Error(`not queued: ${out.kind}`);
    const id = out.execution.id;
    const rec = await w.waitForExecution(id, (r) => r.deliveries.length === 3 && r.deliveries.every((d) => d.status === 'sent'), 'three sent deliveries');
    expect(rec.status).toBe('failed');
    expect(w.slack.messages.map((m) => m.channel)).toEqual(['#incidents']);
    expect(w.slack.messages[0]!.text ?? JSON.stringify(w.slack.messages[0]!.blocks)).toContain('ops.run failed');
    expect(w.github.issues).toHaveLength(1);
    expect(w.github.issues[0]!.body).toContain('ops.run failed');
    expect(w.twilio.messages).toHaveLength(1);
    expect(w.twilio.messages[0]!.to).toBe('+15551230001');
  });

  it('answers only the origin when an execution succeeds', async () => {
    const out = await w.command('run 0');
    if (out.kind !== 'queued') throw new Error(`not queued: ${out.kind}`);
    const rec = await w.waitForExecution(out.execution.id, (r) => r.deliveries.length > 0 && r.deliveries.every((d) => d.status === 'sent'), 'sent');
    expect(rec.status).toBe('succeeded');
    expect(rec.deliveries.map((d) => d.channel)).toEqual(['twilio']);
    expect(w.twilio.messages.map((m) => m.body)).toEqual([expect.stringContaining('ops.run done')]);
    expect(w.slack.messages).toHaveLength(0);
    expect(w.github.issues).toHaveLength(0);
  });

  it('sends the alias ack to the origin when the execution is queued, and no ack when it is disabled', async () => {
    const acked = await w.command('acked 0');
    if (acked.kind !== 'queued') throw new Error('not queued');
    await waitFor(() => w.twilio.messages.some((m) => m.body.startsWith(`On it: ${acked.execution.id}`)), 'the ack SMS');
    const quiet = await w.command('run 0');
    if (quiet.kind !== 'queued') throw new Error('not queued');
    const rec = await w.waitForExecution(quiet.execution.id, (r) => r.deliveries.some((d) => d.status === 'sent'), 'the result');
    expect(rec.deliveries).toHaveLength(1);
  });

  it('shows each delivery with status, attempts and last_error on GET /api/v1/executions/:id', async () => {
    w.slack.failNext(1, { status: 503, body: 'upstream down' });
    const out = await w.command('run 3');
    if (out.kind !== 'queued') throw new Error('not queued');
    await w.waitForExecution(out.execution.id, (r) => r.deliveries.length === 3 && r.deliveries.every((d) => d.status === 'sent'), 'sent');
    const res = await w.getExecution(out.execution.id);
    expect(res.status).toBe(200);
    const deliveries = res.body.deliveries as { channel: string; target: string | null; status: string; attempts: number; last_error: string | null }[];
    expect(deliveries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'slack-ops', target: '#incidents', status: 'sent', attempts: 2, last_error: null }),
        expect.objectContaining({ channel: 'github-ops', target: null, status: 'sent', attempts: 1, last_error: null }),
        expect.objectContaining({ channel: 'twilio', target: '+15551230001', status: 'sent', attempts: 1, last_error: null }),
      ]),
    );
    // each entry's `message` is what its sink sent: the SMS body as Twilio received it, the Slack channel posted to
    const sms = deliveries.find((d) => d.channel === 'twilio') as unknown as { message: { text: string; target: string } };
    const received = w.twilio.messages.filter((m) => m.to === '+15551230001').map((m) => m.body);
    expect(received).toContain(sms.message.text);
    expect(sms.message.target).toBe('+15551230001');
    const slack = deliveries.find((d) => d.channel === 'slack-ops') as unknown as { message: { text: string; target: string } };
    expect(slack.message).toMatchObject({ target: '#incidents', text: expect.stringContaining('exit code 3') });
  });
});
