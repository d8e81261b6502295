import { describe, expect, it } from 'vitest';
import { DIGEST_LINES_MAX, digestJobs } from '../../../src/deliveries/digest.ts';
import { digestJobId, type HeldEntry } from '../../../src/deliveries/hold.ts';

function held(i: number, over: { channel?: string; target?: string; subject?: string; text?: string } = {}): HeldEntry {
  const id = `d-${String(i).padStart(32, '0')}`;
  return {
    job: {
      message: {
        id,
        channel: over.channel ?? 'sms',
        target: over.target ?? '+15551230001',
        subject: over.subject ?? `alert ${i}`,
        text: over.text ?? `line ${i}\nmore`,
        data: {},
        user: 'alice',
      },
      kind: 'sms',
      rule: 'page oncall',
      trigger: 'on_failure',
      executionId: `EX${i}`,
      fallback: [],
    },
    record: `EX${i}`,
    entry: { id, channel: 'sms', target: '+15551230001', status: 'held', attempts: 0, user: 'alice', held_until: '2026-12-07T06:00:00.000Z' },
    held_at: new Date(Date.UTC(2026, 11, 6, 22, 0, i)).toISOString(),
  };
}
const period = { user: 'alice', until: Date.parse('2026-12-07T06:00:00Z'), hours: '22:00-07:00 Europe/Berlin' };

describe('digestJobs', () => {
  it('sends one digest per (channel, target), its messages in the order they were held', () => {
    const jobs = digestJobs(period, [held(2), held(1), held(3, { channel: 'mail', target: 'alice@example.com' })]);
    expect(jobs.map((j) => `${j.message.channel}>${j.message.target}`)).toEqual(['sms>+15551230001', 'mail>alice@example.com']);
    expect(jobs[0]!.message.subject).toBe('While you were away: 2 notifications');
    expect(jobs[0]!.message.text).toBe('While you were away: 2 notifications (quiet hours 22:00-07:00 Europe/Berlin):\n- alert 1: line 1\n- alert 2: line 2');
    expect(jobs[1]!.message.subject).toBe('While you were away: 1 notification');
    expect(jobs[0]).toMatchObject({ trigger: 'digest', rule: '(digest)', kind: 'sms', fallback: [] });
    expect(jobs[0]!.digestOf?.map((c) => c.record)).toEqual(['EX1', 'EX2']);
  });

  it('gives the same digest the same id on a re-run (deterministic), and another person another', () => {
    const a = digestJobs(period, [held(1)])[0]!.message.id;
    expect(digestJobs(period, [held(1), held(2)])[0]!.message.id).toBe(a);
    expect(digestJobs({ ...period, user: 'bob' }, [held(1)])[0]!.message.id).not.toBe(a);
  });

  it('bounds the list and each line', () => {
    const many = Array.from({ length: DIGEST_LINES_MAX + 5 }, (_, i) => held(i, i === 0 ? { text: 'x'.repeat(500) } : {}));
    const [job] = digestJobs(period, many);
    const lines = job!.message.text.split('\n');
    expect(lines).toHaveLength(1 + DIGEST_LINES_MAX + 1);
    expect(lines.at(-1)).toBe('… and 5 more');
    expect(lines[1]!.length).toBeLessThanOrEqual(162);
    expect(job!.digestOf).toHaveLength(DIGEST_LINES_MAX + 5);
  });
});

describe('digestJobId', () => {
  it('is the user and the end of the period, a name with other characters hashed', () => {
    expect(digestJobId('alice', 1765087200000)).toBe('digest-alice-1765087200000');
    expect(digestJobId('a:b', 1)).toMatch(/^digest-h[0-9a-f]{16}-1$/);
  });
});
