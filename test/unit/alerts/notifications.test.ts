import { describe, expect, it } from 'vitest';
import { alertMessage, alertNotifications, namesNotified } from '../../../src/alerts/notifications.ts';
import type { AlertRecord } from '../../../src/alerts/types.ts';
import { matchesWhen } from '../../../src/routing/conditions.ts';
import { MARK_OPEN, stripMarks } from '../../../src/templates/marks.ts';

const record: AlertRecord = {
  id: 'al-k7hq3mzp',
  code: '4821',
  channel: 'am-prod',
  kind: 'alertmanager',
  fingerprint: '6e3a1f2b9c0d4e5f',
  status: 'firing',
  labels: { alertname: 'HighLatency', severity: 'critical', instance: 'web-1:9100', job: 'api' },
  annotations: { summary: 'p99 latency above 1s', description: 'web-1 answers in 1.4s' },
  starts_at: '2026-12-06T03:00:00.000Z',
  generator_url: 'http://prometheus:9090/graph',
  received_at: '2026-12-06T03:00:05.000Z',
  updated_at: '2026-12-06T03:00:05.000Z',
  repeats: 0,
  escalation_step: 0,
  events: [],
  deliveries: [],
};
const channel = {
  notify: ['oncall', 'ops-email'],
  escalate: [
    { after: '5m', notify: ['backup'] },
    { after: '15m', notify: ['manager', 'oncall'] },
  ],
};

describe('alertNotifications', () => {
  it('gives one firing notification per notify name, with the code and the answer line', () => {
    const ns = alertNotifications(record, channel, { kind: 'firing' });
    expect(ns.map((n) => [n.id, n.name])).toEqual([
      ['al-k7hq3mzp/firing/oncall', 'oncall'],
      ['al-k7hq3mzp/firing/ops-email', 'ops-email'],
    ]);
    const n = ns[0]!;
    expect(n).toMatchObject({ trigger: 'alert', status: 'firing', subject: '[FIRING] HighLatency', thread: 'alert:al-k7hq3mzp' });
    expect(n.alert).toEqual({ id: 'al-k7hq3mzp', code: '4821', fingerprint: '6e3a1f2b9c0d4e5f', status: 'firing', channel: 'am-prod' });
    expect(stripMarks(n.message)).toBe(
      [
        'FIRING: HighLatency (critical)',
        'p99 latency above 1s',
        'web-1 answers in 1.4s',
        'instance=web-1:9100 job=api',
        'Reply ACK 4821 or SILENCE 4821 2h',
      ].join('\n'),
    );
  });

  it('puts labels and annotations in data so rules can match them', () => {
    const [n] = alertNotifications(record, channel, { kind: 'firing' });
    expect(n!.data).toMatchObject({ severity: 'critical', summary: 'p99 latency above 1s', code: '4821', alert_id: 'al-k7hq3mzp', status: 'firing' });
    expect(matchesWhen(n!, { 'data.severity': 'critical' })).toBe(true);
    expect(matchesWhen(n!, { 'data.severity': 'warning' })).toBe(false);
    expect(matchesWhen(n!, { status: 'firing' })).toBe(true);
  });

  it('never lets a label override the fixed data keys', () => {
    const [n] = alertNotifications({ ...record, labels: { ...record.labels, status: 'fake', code: '0000' } }, channel, { kind: 'firing' });
    expect(n!.data.status).toBe('firing');
    expect(n!.data.code).toBe('4821');
  });

  it('keeps template syntax as plain text (never rendered)', () => {
    const [n] = alertNotifications({ ...record, annotations: { summary: "{{ range.constructor('return process')() }}" } }, channel, { kind: 'firing' });
    expect(stripMarks(n!.message)).toContain("{{ range.constructor('return process')() }}");
  });

  it('sends an escalation step to its own names, marked with the step', () => {
    const ns = alertNotifications(record, channel, { kind: 'escalate', step: 2 });
    expect(ns.map((n) => n.id)).toEqual(['al-k7hq3mzp/escalate-2/manager', 'al-k7hq3mzp/escalate-2/oncall']);
    expect(ns[0]!.alert?.step).toBe(2);
    expect(stripMarks(ns[0]!.message)).toMatch(/^ESCALATED \(step 2, nobody acknowledged\): HighLatency/);
  });

  it('follows up the resolution to the names notified so far, with how long it fired', () => {
    const resolved = { ...record, status: 'resolved' as const, ends_at: '2026-12-06T03:12:00.000Z', escalation_step: 1 };
    const ns = alertNotifications(resolved, channel, { kind: 'resolved' });
    expect(ns.map((n) => n.name)).toEqual(['oncall', 'ops-email', 'backup']);
    expect(ns[0]).toMatchObject({ status: 'resolved', subject: '[RESOLVED] HighLatency', thread: 'alert:al-k7hq3mzp', id: 'al-k7hq3mzp/resolved/oncall' });
    expect(stripMarks(ns[0]!.message).split('\n')[0]).toBe('Resolved: HighLatency (critical) (was firing for 12m)');
    expect(matchesWhen(ns[0]!, { status: 'resolved' })).toBe(true);
  });

  it('namesNotified adds the steps already sent, once each', () => {
    expect(namesNotified(channel, 0)).toEqual(['oncall', 'ops-email']);
    expect(namesNotified(channel, 2)).toEqual(['oncall', 'ops-email', 'backup', 'manager']);
  });

  it('names an alert without alertname by its first label', () => {
    expect(stripMarks(alertMessage({ ...record, labels: { job: 'api' } }, { kind: 'firing' })).split('\n')[0]).toBe('FIRING: api');
  });

  it("marks the alert's own values so a chat sink escapes them, never the answer line", () => {
    const [n] = alertNotifications({ ...record, annotations: { summary: '<!here> disk full' } }, channel, { kind: 'firing' });
    expect(n!.message).toContain(`${MARK_OPEN}<!here> disk full`);
    expect(n!.message.split('\n').at(-1)).toBe('Reply ACK 4821 or SILENCE 4821 2h');
  });
});
